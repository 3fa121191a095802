"""Real-browser fixtures: a live `tukku serve` per backend, accounts made with the `tukku` command,
headless Chromium driven by Playwright, and the accessibility and screenshot checks of a page.

Servers and the browser are shared by the browser tests of a pytest process (each xdist worker
starts its own); every test gets a fresh browser context, so no cookie leaks between tests.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright
from sqlalchemy import select

from tests.conftest import REPOSITORY, fresh_database
from tests.e2e.conftest import start_server, stop, tukku
from tukku.core.db import Database
from tukku.mail.models import MailMessage

CHROMIUM = "/usr/bin/chromium"  # Debian's build (scripts/ensure-system-deps.sh installs it)
# Without these, Chromium waits on the network (updates, sync, QUIC probes) this closed machine
# never answers, and hangs; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A loaded 2-core machine can take seconds per page (Argon2 on sign-in); a hung page still fails.
EXPECT_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 30_000
WIDTHS = (375, 1280)  # a small phone and a laptop
HEIGHT = 800
SCREENSHOTS = REPOSITORY / "test-output" / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")
# The production poll interval: these tests wait for no job, and a session-wide server idles
# through the rest of the worker's tests.
SERVER_ENV = {"TUKKU_JOB_POLL_INTERVAL_SECONDS": "0.5"}
PASSWORD = "tram spire lantern orchard"
_accounts = itertools.count()


@dataclass(frozen=True)
class Portal:
    """A running `tukku serve` and the database it serves."""

    backend: str
    base_url: str
    database_url: str


@dataclass(frozen=True)
class Account:
    """A partner administrator with a portal password, and its organization's name."""

    email: str
    password: str
    organization: str


@pytest.fixture(scope="session")
def portal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Portal]:
    """One live server on the embedded default (SQLite), on a fresh database, for every browser
    test of this worker. The pages' behaviour on both backends is what the in-process page
    tests (tests/portal) check; live servers on PostgreSQL are tests/e2e's."""
    backend = "sqlite"
    directory = tmp_path_factory.mktemp(f"portal-{backend}")
    with fresh_database(request, backend, directory) as database_url:
        process, base_url = start_server(
            database_url, cwd=directory, env=SERVER_ENV, log=directory / "serve.log"
        )
        yield Portal(backend, base_url, database_url)
        stop(process)


def new_account(portal: Portal) -> Account:
    """A new partner from `tukku partners create`, its administrator given a password by
    `tukku users set-password`, as an operator would set up a first sign-in."""
    n = next(_accounts)
    organization = f"Browser Telecom {n}"
    email = f"admin{n}@browser.test"
    url = ("--database-url", portal.database_url)
    tukku("partners", "create", "--name", organization, "--admin-email", email, "--json", *url)
    tukku("users", "set-password", "--email", email, "--password-stdin", *url, stdin=PASSWORD)
    return Account(email, PASSWORD, organization)


@dataclass(frozen=True)
class OperatorAccount(Account):
    """A platform operator with a portal password, and an API token of its (scope `tukku:ops`)."""

    token: str = ""


def new_operator(portal: Portal) -> OperatorAccount:
    """A new platform operator from `tukku operators create`, given a password by
    `tukku users set-password`."""
    email = f"operator{next(_accounts)}@browser.test"
    url = ("--database-url", portal.database_url)
    created = tukku("operators", "create", "--email", email, "--json", *url)
    tukku("users", "set-password", "--email", email, "--password-stdin", *url, stdin=PASSWORD)
    return OperatorAccount(email, PASSWORD, "tukku operator", json.loads(created)["token"])


@pytest.fixture(scope="session")
def account(portal: Portal) -> Account:
    """An account shared by the journeys that neither lock it nor change its password."""
    return new_account(portal)


@pytest.fixture
def own_account(portal: Portal) -> Account:
    """An account for this test alone (it locks the account or changes its password)."""
    return new_account(portal)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the browser tests of this worker. Package scope, not session:
    Playwright's sync API keeps its asyncio loop marked running in the main thread while it is
    started, where any later test's `asyncio.run()` would then fail."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make test` (it installs it) or apt-get")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, portal: Portal) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies), relative URLs going to `portal`."""
    context = browser.new_context(base_url=portal.base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def session_cookie(page: Page) -> bool:
    """Whether the browser holds a portal session cookie."""
    return any(cookie["name"] == "tukku_session" for cookie in page.context.cookies())


def submit(page: Page, button: str) -> Response:
    """Click the form's submit button named `button`, wait until the page shows the answer (or
    where its redirect led) and return the answer to the POST itself. Waiting for the new
    document matters: the old one may show the same text, and fields filled in it are lost."""
    posting = page.expect_response(lambda response: response.request.method == "POST")
    with page.expect_navigation(), posting as posted:
        page.get_by_role("button", name=button, exact=True).click()
    return posted.value


def sign_in(page: Page, account: Account, password: str | None = None) -> Response:
    """Fill the sign-in form on the current page and send it."""
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(password or account.password)
    return submit(page, "Sign in")


def newest_mail(portal: Portal, to: str) -> str:
    """The body of the newest message in the outbox to `to` (there is no SMTP server: tukku
    keeps it there, where operators read it)."""
    database = Database(portal.database_url, pool_size=1)
    try:
        with database.unit_of_work(write=False) as session:
            body = session.scalars(
                select(MailMessage.body)
                .where(MailMessage.to_address == to)
                .order_by(MailMessage.id.desc())
                .limit(1)
            ).first()
    finally:
        database.dispose()
    assert body is not None, f"no mail to {to}"
    return body


def link_in(body: str, path: str) -> str:
    """The first URL in a mail `body` whose path starts with `path`."""
    found = re.search(rf"https?://[^\s/]+{re.escape(path)}\S+", body)
    assert found, body
    return found.group(0)


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation of the page as it is now, listing
    each rule with the elements that break it."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    assert not blocking, f"accessibility violations on {page.url}:\n" + "\n".join(lines)


def at_each_width(page: Page) -> Iterator[int]:
    """Show the page at each of `WIDTHS` in turn, then at its own size again."""
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        yield width
    if size is not None:
        page.set_viewport_size(size)


def screenshot(page: Page, name: str) -> None:
    """Full-page PNGs of the page at each of `WIDTHS`, as `test-output/screenshots/NAME-WIDTH.png`
    (for people to look at; nothing compares them)."""
    for width in at_each_width(page):
        path = SCREENSHOTS / f"{name}-{width}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)


Review = Callable[[Page, str], None]


@pytest.fixture
def review(portal: Portal) -> Review:
    """Check the current page with axe at each of `WIDTHS` and keep its screenshots, in a folder
    of the backend (two workers may show the same page at once)."""

    def check(page: Page, name: str) -> None:
        for _ in at_each_width(page):
            assert_accessible(page)
        screenshot(page, f"{portal.backend}/{name}")

    return check
