"""The test SAML IdP (tests/saml_idp/app.py, pysaml2's own IdP) run in its own process on
loopback, as a partner's IdP runs apart from tukku."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningIdp:
    """A running IdP: its address, entity ID and metadata URL, and the file it reads the SP's
    metadata from (written by a test once tukku has made it)."""

    base_url: str
    sp_metadata: Path

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"


@contextmanager
def running(folder: Path, port: int | None = None) -> Iterator[RunningIdp]:
    """The IdP on a free loopback port until the block ends."""
    port = port or free_port()
    sp_metadata = folder / "sp-metadata.xml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    with (folder / "idp.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.saml_idp.app", str(port), str(sp_metadata)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    idp = RunningIdp(f"http://127.0.0.1:{port}", sp_metadata)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(idp.metadata_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the test SAML IdP did not start")
            time.sleep(0.1)
        yield idp
    finally:
        process.terminate()
        process.wait(timeout=10)
