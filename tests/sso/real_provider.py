"""A real OpenID provider for the tests: panva's certified `oidc-provider` from the npm registry
(tests/oidc_provider: its package.json and lock, and provider.js, our configuration of it), run
with Node on 127.0.0.1. Its packages are installed with `npm ci` when missing (`make test`
installs them first, as it installs Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.conftest import free_port

HERE = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "tukku-portal"
CLIENT_SECRET = "local-provider-secret"


def ensure_installed() -> None:
    """`npm ci` in tests/oidc_provider unless its packages are there already."""
    if (HERE / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing: run `make test` (it installs Node.js) or apt-get")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)


@dataclass(frozen=True)
class Provider:
    """A running provider: its issuer, discovery URL and the client registered at it."""

    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def discovery(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def reserve_port() -> int:
    """A free loopback port for a provider started later (its URL must be configured first)."""
    return free_port()


@contextmanager
def running(
    port: int, redirect_uri: str, *, unverified: tuple[str, ...] = (), log: Path | None = None
) -> Iterator[Provider]:
    """The provider on `port`, its one client allowed to come back to `redirect_uri`."""
    ensure_installed()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": redirect_uri,
        "UNVERIFIED": ",".join(unverified),
    }
    with (log or Path(os.devnull)).open("ab") as out:
        process = subprocess.Popen(
            ["node", "provider.js"], cwd=HERE, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    provider = Provider(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(provider.discovery, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("oidc-provider did not start")
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
