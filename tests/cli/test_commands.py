"""The `tukku` command line: partners, tokens, db, serve."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.inprocess import run_tukku, tukku
from tests.e2e.conftest import free_port, run_dir, stop
from tukku.core.clock import SystemClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES
from tukku.screening import service as screening


def test_partners_create_prints_exactly_the_documented_json(database_url: str) -> None:
    out = tukku(
        "partners",
        "create",
        "--name",
        "Nordic Net",
        "--admin-email",
        "a@nordic.test",
        "--json",
        "--database-url",
        database_url,
    )

    created = json.loads(out)
    assert set(created) == {"orgId", "subscriptionId", "token", "tokenExpiresAt", "provisioningId"}
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            found = identity.authenticate(session, created["token"], now=SystemClock().now())
    finally:
        db.dispose()
    assert found is not None
    assert found.principal.org_id == created["orgId"]
    assert found.principal.scopes == {s.value for s in WHOLESALE_SCOPES}


def test_the_database_url_also_comes_from_the_environment(database_url: str) -> None:
    out = tukku(
        "partners",
        "create",
        "--name",
        "Env Net",
        "--admin-email",
        "a@env.test",
        "--json",
        env={"TUKKU_DATABASE_URL": database_url},
    )

    assert json.loads(out)["orgId"]


def test_tokens_create_for_an_organization_first_admin(database_url: str) -> None:
    created = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Token Net",
            "--admin-email",
            "first@token.test",
            "--json",
            "--database-url",
            database_url,
        )
    )

    out = tukku(
        "tokens", "create", "--org", created["orgId"], "--json", "--database-url", database_url
    )

    token = json.loads(out)["token"]
    assert token != created["token"]
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            found = identity.authenticate(session, token, now=SystemClock().now())
    finally:
        db.dispose()
    assert found is not None
    assert found.principal.scopes == {s.value for s in WHOLESALE_SCOPES}


def test_partner_with_a_taken_admin_email_is_refused(database_url: str) -> None:
    tukku(
        "partners",
        "create",
        "--name",
        "One",
        "--admin-email",
        "same@x.test",
        "--database-url",
        database_url,
    )

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tukku",
            "partners",
            "create",
            "--name",
            "Two",
            "--admin-email",
            "same@x.test",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=run_dir(),
    )

    assert result.returncode == 1
    assert "already in use" in result.stderr


def test_db_upgrade_and_check_on_a_new_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"

    tukku("db", "upgrade", "--database-url", url)
    check = subprocess.run(
        [sys.executable, "-m", "tukku", "db", "check", "--database-url", url],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )

    assert check.returncode == 0, check.stderr
    assert "agree" in check.stderr


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tukku",
            "serve",
            "--database-url",
            f"sqlite:///{tmp_path / 'empty.db'}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert "tukku db upgrade" in result.stderr


def _start_demo(
    url: str, log: Path, tokens_file: Path
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tukku",
                "serve",
                "--demo",
                "--port",
                str(port),
                "--database-url",
                url,
            ],
            stderr=sink,
            stdout=subprocess.DEVNULL,
            cwd=log.parent,
            env={
                **os.environ,
                "COLUMNS": "200",
                "TUKKU_LOG_LEVEL": "warning",
                "TUKKU_DEMO_TOKENS_FILE": str(tokens_file),
            },
        )
    banner: dict[str, str] = {}
    deadline = time.monotonic() + 30
    pattern = r"^(API base URL|API docs|partner token|provisioningId|operator token)\s+(\S+)"
    while "operator token" not in banner and time.monotonic() < deadline:
        banner = dict(re.findall(pattern, log.read_text(errors="replace"), re.MULTILINE))
        time.sleep(0.1)
    return process, banner


def _wait_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not come up")


def test_serve_demo_prints_urls_and_the_same_working_tokens_on_every_start(
    database_url: str, tmp_path: Path
) -> None:
    tokens_file = tmp_path / "state" / "demo-tokens.json"
    first, banner = _start_demo(database_url, tmp_path / "first.log", tokens_file)
    try:
        base = banner["API base URL"].removesuffix("/v1")
        _wait_up(base)
        auth = {"Authorization": f"Bearer {banner['partner token']}"}
        listed = httpx.get(f"{base}/v1/wholesale/customers", headers=auth)
        template = httpx.get(f"{base}/v1/partner/onboardingTemplates", headers=auth).json()[
            "items"
        ][0]
        docs = httpx.get(banner["API docs"])
    finally:
        stop(first)
    second, again = _start_demo(database_url, tmp_path / "second.log", tokens_file)
    try:
        _wait_up(again["API base URL"].removesuffix("/v1"))
        both_work = [
            httpx.get(
                f"{again['API base URL']}/wholesale/customers",
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
            for token in (banner["partner token"], again["partner token"])
        ]
        templates = httpx.get(
            f"{again['API base URL'].removesuffix('/v1')}/v1/partner/onboardingTemplates",
            headers={"Authorization": f"Bearer {again['partner token']}"},
        ).json()["items"]
    finally:
        stop(second)

    assert listed.status_code == 200
    assert template["provisioningId"] == banner["provisioningId"]
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    # Restarts show the same tokens instead of minting more (they stay few, and revocable).
    assert (again["partner token"], again["operator token"]) == (
        banner["partner token"],
        banner["operator token"],
    )
    assert both_work == [200, 200]
    assert tokens_file.stat().st_mode & 0o777 == 0o600
    assert tokens_file.parent.stat().st_mode & 0o777 == 0o700
    assert [t["provisioningId"] for t in templates] == [banner["provisioningId"]]
    assert again["provisioningId"] == banner["provisioningId"]


def _authenticated(database_url: str, token: str) -> identity.Authenticated | None:
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            return identity.authenticate(session, token, now=SystemClock().now())
    finally:
        db.dispose()


def test_operators_create_gives_a_working_ops_token_and_is_repeatable(database_url: str) -> None:
    first = json.loads(
        tukku(
            "operators",
            "create",
            "--email",
            "Ops@Platform.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    again = json.loads(
        tukku(
            "operators",
            "create",
            "--email",
            "ops@platform.test",
            "--json",
            "--database-url",
            database_url,
        )
    )

    assert set(first) == {"userId", "token", "expiresAt"}
    assert again["userId"] == first["userId"]
    assert again["token"] != first["token"]
    found = _authenticated(database_url, first["token"])
    assert found is not None
    assert found.principal.scopes == {"tukku:ops"}
    assert "operator" in found.principal.roles


def test_operators_create_refuses_a_partner_admins_email(database_url: str) -> None:
    tukku(
        "partners",
        "create",
        "--name",
        "P",
        "--admin-email",
        "taken@p.test",
        "--database-url",
        database_url,
    )

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tukku",
            "operators",
            "create",
            "--email",
            "taken@p.test",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=run_dir(),
    )

    assert result.returncode == 1
    assert "non-operator" in result.stderr


CSL_HEADER = "_id,source,name,addresses,alt_names,citizenships\n"


def test_screening_load_replaces_the_list_and_reports_its_size(
    database_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "csl-1.csv"
    first.write_text(
        CSL_HEADER
        + 'e1,Test List,Zyxwv Trading Co,"1 Quay St, Portville, FI",Zyxwv Shipping,\n'
        + "e2,Test List,Qwertz Holdings,,,\n"
    )
    second = tmp_path / "csl-2.csv"
    second.write_text(CSL_HEADER + "e3,Test List,Only One Left Ltd,,,\n")

    loaded = json.loads(
        tukku("screening", "load", str(first), "--json", "--database-url", database_url)
    )
    replaced = json.loads(
        tukku("screening", "load", str(second), "--json", "--database-url", database_url)
    )

    assert loaded["entries"] == 2
    assert replaced["entries"] == 1
    assert replaced["listId"] != loaded["listId"]


def test_screening_load_of_a_bad_file_changes_nothing_and_names_the_lines(
    database_url: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(CSL_HEADER + "e1,Test List,Zyxwv Trading Co,,,\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSL_HEADER + "e1,Test List,Fine Name,,,\ne2,Test List,,,,\n")
    tukku("screening", "load", str(good), "--database-url", database_url)

    result = run_tukku("screening", "load", str(bad), "--database-url", database_url)
    missing = run_tukku(
        "screening", "load", str(tmp_path / "nope.csv"), "--database-url", database_url
    )

    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert missing.returncode == 1
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            current = screening.list_in_force(session)
            assert current is not None
            assert current.source_name == "good.csv"
            assert current.entry_count == 1
    finally:
        db.dispose()


def test_tokens_create_grants_only_scopes_the_users_roles_allow(database_url: str) -> None:
    created = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Scoped Net",
            "--admin-email",
            "scoped@net.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    base = ("tokens", "create", "--org", created["orgId"], "--database-url", database_url)

    narrow = tukku(*base, "--scope", "spark-admin:wholesale_customers_read", "--json")
    operator = run_tukku(*base, "--scope", "tukku:ops")
    unknown = run_tukku(*base, "--scope", "everything")

    found = _authenticated(database_url, json.loads(narrow)["token"])
    assert found is not None
    assert found.principal.scopes == {"spark-admin:wholesale_customers_read"}
    assert operator.returncode != 0
    assert "do not allow tukku:ops" in operator.stderr
    assert unknown.returncode != 0
    assert "unknown scope everything" in unknown.stderr
