"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL), the app, partners."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings

from tests.pgcluster import PostgresCluster
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.migrate import upgrade
from tukku.core.settings import Settings
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES
from tukku.partners.flows import create_partner

# Hypothesis' default 200 ms deadline per example is a real-time margin: on a loaded machine an
# example that is merely slow fails. Properties here are about answers, not speed (see bench/).
hypothesis_settings.register_profile("tukku", deadline=None)
hypothesis_settings.load_profile("tukku")

BACKENDS = ("sqlite", "postgresql")
START = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One throwaway cluster per test process, with a migrated template database."""
    cluster = PostgresCluster().start()
    cluster.execute("CREATE DATABASE tukku_template")
    upgrade(cluster.url("tukku_template"))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@contextmanager
def fresh_database(request: pytest.FixtureRequest, backend: str, directory: Path) -> Iterator[str]:
    """A fresh, migrated database on `backend`: a copy of the SQLite template in `directory`, or
    a PostgreSQL database made from the cluster's template and dropped afterwards. For fixtures
    of any scope (a session-wide server's database as well as one test's)."""
    if backend == "sqlite":
        path = directory / "tukku.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    name = f"t{next(_counter)}"
    cluster.execute(f"CREATE DATABASE {name} TEMPLATE tukku_template STRATEGY FILE_COPY")
    yield cluster.url(name)
    cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test, on each backend in turn."""
    with fresh_database(request, request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The database of this test."""
    database = Database(database_url, pool_size=5)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Platform time for the test, starting at a known instant."""
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings of the app under test (report files in the test's own directory)."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        public_base_url="http://tukku.test",
        job_retry_base_seconds=0.01,
        report_dir=str(tmp_path / "reports"),
    )


@pytest.fixture
def app_client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The real ASGI app over HTTP semantics, without an in-process worker (tests drain jobs)."""
    app = create_app(settings, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test") as client:
        yield client


@dataclass(frozen=True)
class Partner:
    """A partner set up for a test, with a token holding every wholesale scope."""

    org_id: str
    subscription_id: str
    token: str
    provisioning_id: str
    admin_email: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header of this partner's token."""
        return {"Authorization": f"Bearer {self.token}"}


def make_partner(db: Database, clock: ManualClock, name: str = "Acme Telecom") -> Partner:
    """Set up a partner the way `tukku partners create` does."""
    email = f"admin{next(_counter)}@{name.lower().replace(' ', '')}.test"
    with db.unit_of_work() as session:
        setup = create_partner(session, name=name, admin_email=email, now=clock.now())
        _, token = identity.issue_token(
            session,
            user=setup.admin,
            scopes=WHOLESALE_SCOPES,
            name="test",
            now=clock.now(),
            expires_at=None,
        )
    return Partner(setup.org_id, setup.subscription_id, token, setup.provisioning_id, email)


@pytest.fixture
def partner(db: Database, clock: ManualClock) -> Partner:
    """A partner."""
    return make_partner(db, clock)


@pytest.fixture
def other_partner(db: Database, clock: ManualClock) -> Partner:
    """A second, unrelated partner (for tenancy tests)."""
    return make_partner(db, clock, "Rival Networks")


@pytest.fixture
def ops(db: Database, clock: ManualClock) -> dict[str, str]:
    """A platform operator's headers (scope `tukku:ops`), issued on the test clock. Tests of the
    sandbox app override it with one issued on the sandbox's own clock."""
    from tests.support import operator_headers  # tests.support imports this module

    return operator_headers(db, clock)


def drain(client: TestClient) -> None:
    """Run every due background job, as the worker would."""
    assert client.app.state.drainer.drain(30)  # type: ignore[attr-defined]


# -- the suite leaves nothing behind in the repository ---------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[1]
LITTER = ("tukku.db*", "tukku-reports", ".tukku")  # what tukku writes at its relative defaults
_found_at_start = pytest.StashKey[set[Path]]()


def _litter() -> set[Path]:
    found: set[Path] = set()
    for pattern in LITTER:
        for path in REPOSITORY.glob(pattern):
            found.add(path)
            if path.is_dir():
                found.update(path.rglob("*"))
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note what lies in the repository root already (xdist: in the controller only)."""
    if not hasattr(session.config, "workerinput"):
        session.config.stash[_found_at_start] = _litter()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if a test wrote a database, reports or demo tokens in the repository root:
    commands run with `cwd=` a temporary directory, and `Settings` get a `report_dir` of theirs."""
    if hasattr(session.config, "workerinput") or _found_at_start not in session.config.stash:
        return
    new = sorted(_litter() - session.config.stash[_found_at_start])
    if not new:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "tests left files in the repository", red=True)
        for path in new:
            reporter.write_line(str(path.relative_to(REPOSITORY)))
