"""Billing reports against an independent oracle.

Each test scripts a history through the real API with the platform clock (provision, change a
package, remove a subscriber or a customer), moves the clock past the period, creates PARTNER,
CUSTOMER and USER reports, downloads their CSVs through the signed link, and compares every
QUANTITY with what the oracle below computes from the scripted history alone.

The oracle is the documented rule written out with `decimal`, sharing no code with tukku: the
quantity of one holder and package for one UTC day is the share of the day the package was held,
to the second, rounded half-even to six decimals; a period's quantity is the sum of those daily
quantities; customer and partner quantities are sums over their holders. A holder is a subscriber
or a workspace with Webex Calling (`common_area_calling`): a workspace is a USER-level row of its
own (its `WORKSPACE_ID`), billed by the same rule. A customer-level add-on (one no subscriber or
workspace takes, such as `cisco_calling_plan`) is held by the customer itself from the moment it
is provisioned on the customer until an update takes it off or the customer is removed: at USER
level it is a row of the customer with no subscriber, user, workspace or location.

A sub-partner's customers are billed from the sub-partner's `billingStartDate` (00:00 UTC of that
day): the oracle cuts their intervals there. Whatever the history, the three levels agree: the
partner total is the sum of the customer totals and of the user totals, per service and overall.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.billing.test_invoices import (
    amount,
    invoices_of,
    lines_by_sku,
    run_invoice_job_at,
    set_prices,
)
from tests.conftest import Partner, drain
from tests.support import (
    SubPartner,
    customer_body,
    provision_customer,
    provision_subscriber,
    set_up_sub_partner,
    subscriber_body,
)
from tukku.catalog.packages import catalog
from tukku.core.clock import ManualClock

SECONDS_PER_DAY = 86_400
USER_COLUMNS = ("SUBSCRIBER_ID", "USER_ID", "WORKSPACE_ID", "LOCATION_ID")
SIX_DECIMALS = Decimal("0.000001")
REPORTS = "/v1/wholesale/billing/reports"
SUBSCRIBERS = "/v1/wholesale/subscribers"
CUSTOMERS = "/v1/wholesale/customers"
PACKAGES = ["webex_calling", "webex_suite", "webex_meetings"]
WORKSPACES = "/v1/workspaces"
COMMON_AREA = "common_area_calling"
# The catalog's customer-level add-ons, written out: add-ons the customer holds, not its people.
CUSTOMER_LEVEL = frozenset(
    {"cisco_calling_plan", "cx_voice_ports", "cx_ai_assistant", "webex_ai_agent"}
    | {"meetings_toll_dialin"}
)
CALLING_PLAN = "cisco_calling_plan"
VOICE_PORTS = "cx_voice_ports"


# -- the oracle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """One scripted interval: `holder` held `package` from `start` until `end` (None: still)."""

    holder: str
    package: str
    start: datetime
    end: datetime | None


def _to_second(moment: datetime) -> datetime:
    """Usage is measured to the second: a moment counts from the start of its second."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def held_seconds(
    history: Iterable[Held], first: date, last: date
) -> dict[tuple[str, str, date], int]:
    """Seconds each holder held each package on each UTC day from `first` to `last`."""
    seconds: dict[tuple[str, str, date], int] = defaultdict(int)
    for held in history:
        start = _to_second(held.start)
        end = None if held.end is None else _to_second(held.end)
        day = max(start.date(), first)
        while day <= last:
            lower, upper = _midnight(day), _midnight(day + timedelta(days=1))
            if end is not None and end <= lower:
                break
            overlap = (upper if end is None else min(end, upper)) - max(start, lower)
            if overlap > timedelta(0):
                seconds[(held.holder, held.package, day)] += overlap // timedelta(seconds=1)
            day += timedelta(days=1)
    return seconds


def day_quantity(seconds: int) -> Decimal:
    """The share of a day held, rounded half-even to six decimals (micro user-days)."""
    assert 0 <= seconds <= SECONDS_PER_DAY, seconds
    with localcontext() as exact:
        exact.prec = 50
        return (Decimal(seconds) / SECONDS_PER_DAY).quantize(SIX_DECIMALS, ROUND_HALF_EVEN)


def daily_quantities(
    history: Iterable[Held], first: date, last: date
) -> dict[tuple[str, str, date], Decimal]:
    """Each holder's quantity of each package on each day of the period."""
    return {key: day_quantity(s) for key, s in held_seconds(history, first, last).items()}


def user_totals(history: Iterable[Held], first: date, last: date) -> dict[tuple[str, str], Decimal]:
    """(holder, package) → quantity over the period (only holders with usage in it)."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (holder, package, _day), quantity in daily_quantities(history, first, last).items():
        totals[(holder, package)] += quantity
    return {key: value for key, value in totals.items() if value}


def grouped(
    users: dict[tuple[str, str], Decimal], group_of: Callable[[str], str]
) -> dict[tuple[str, str], Decimal]:
    """Sum user totals per (group of the holder, package): customers."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (holder, package), quantity in users.items():
        totals[(group_of(holder), package)] += quantity
    return dict(totals)


def partner_totals(users: dict[tuple[str, str], Decimal]) -> dict[str, Decimal]:
    """Sum user totals per package: the partner."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (_holder, package), quantity in users.items():
        totals[package] += quantity
    return dict(totals)


@dataclass(frozen=True)
class Expected:
    """The oracle's figures for one period, at the three report levels."""

    users: dict[tuple[str, str], Decimal]
    customers: dict[tuple[str, str], Decimal]
    partner: dict[str, Decimal]


def billed_part(
    history: Iterable[Held], customer_of: dict[str, str], billed_from: dict[str, date]
) -> list[Held]:
    """The history as billed: the intervals of customers billed from a day (a sub-partner's
    `billingStartDate`, by customer org ID) start no earlier than 00:00 UTC of that day."""
    billed = []
    for held in history:
        day = billed_from.get(customer_of[held.holder])
        start = held.start if day is None else max(held.start, _midnight(day))
        if held.end is None or held.end > start:
            billed.append(Held(held.holder, held.package, start, held.end))
    return billed


def expected(
    history: list[Held],
    customer_of: dict[str, str],
    first: date,
    last: date,
    billed_from: dict[str, date] | None = None,
) -> Expected:
    """What the PARTNER, CUSTOMER and USER reports of a period must say."""
    users = user_totals(billed_part(history, customer_of, billed_from or {}), first, last)
    return Expected(users, grouped(users, customer_of.__getitem__), partner_totals(users))


def test_oracle_bills_a_late_starting_customer_from_midnight_of_its_first_day() -> None:
    history = [
        Held("a", "webex_calling", datetime(2027, 1, 5, 18, 0, tzinfo=UTC), None),
        Held("b", "webex_calling", datetime(2027, 1, 5, 18, 0, tzinfo=UTC), None),
        Held(
            "c", "webex_suite", datetime(2027, 1, 3, tzinfo=UTC), datetime(2027, 1, 6, tzinfo=UTC)
        ),
    ]
    customer_of = {"a": "late", "b": "other", "c": "late"}

    got = expected(
        history, customer_of, date(2027, 1, 5), date(2027, 1, 9), {"late": date(2027, 1, 7)}
    )

    assert got.users == {
        ("a", "webex_calling"): Decimal(3),
        ("b", "webex_calling"): Decimal("4.25"),
    }
    assert got.customers == {
        ("late", "webex_calling"): Decimal(3),
        ("other", "webex_calling"): Decimal("4.25"),
    }


def test_oracle_follows_the_rule_on_hand_computed_days() -> None:
    """The oracle itself, against figures worked out by hand."""
    moment = datetime(2027, 1, 5, 13, 47, 12, 654321, tzinfo=UTC)
    history = [
        Held("a", "webex_calling", moment, datetime(2027, 1, 7, 0, 0, 27, tzinfo=UTC)),
        Held("b", "webex_calling", datetime(2027, 1, 6, 0, 0, 0, tzinfo=UTC), None),
    ]
    days = daily_quantities(history, date(2027, 1, 5), date(2027, 1, 7))
    # 10:12:48 left of the day = 36768 s = 0.4255555… → 0.425556
    assert days[("a", "webex_calling", date(2027, 1, 5))] == Decimal("0.425556")
    assert days[("a", "webex_calling", date(2027, 1, 6))] == Decimal("1.000000")
    # 27 s = 0.0003125 exactly: a tie, to even → 0.000312
    assert days[("a", "webex_calling", date(2027, 1, 7))] == Decimal("0.000312")
    assert ("b", "webex_calling", date(2027, 1, 5)) not in days
    assert user_totals(history, date(2027, 1, 5), date(2027, 1, 7)) == {
        ("a", "webex_calling"): Decimal("1.425868"),
        ("b", "webex_calling"): Decimal("2.000000"),
    }


# -- driving the platform ---------------------------------------------------------------------


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A UTC instant, to the second."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class Script:
    """Scripts a history through the API and writes down, as it goes, what was held when."""

    def __init__(self, client: TestClient, partner: Partner, clock: ManualClock) -> None:
        self.client = client
        self.partner = partner
        self.clock = clock
        self.history: list[Held] = []
        self.customer_of: dict[str, str] = {}  # holder → customer org ID
        self.billed_from: dict[str, date] = {}  # customer org ID → its sub-partner's start
        self._open: dict[tuple[str, str], Held] = {}
        self._headers: dict[str, dict[str, str]] = {}  # customer or holder ID → whose token
        self._starts: dict[str, date] = {}  # sub-partner org ID → its billing start date
        self._extensions = 0

    def move_to(self, moment: datetime) -> None:
        self.clock.set(moment)

    def customer(
        self, packages: list[str] = PACKAGES, sub: SubPartner | None = None
    ) -> dict[str, Any]:
        """A customer of the partner, or of its sub-partner `sub`; its customer-level add-ons
        are held from now on."""
        if sub is None:
            body = provision_customer(self.client, self.partner, packages=packages)
            headers = self.partner.headers
        else:
            template = self.client.post(
                "/v1/partner/onboardingTemplates",
                json={"name": f"{sub.name} calling", "pstnProvider": f"{sub.name} PSTN"},
                headers=sub.headers,
            )
            assert template.status_code == 201, template.text
            provisioning = template.json()["provisioningId"]
            request = customer_body(self.partner, provisioningId=provisioning, packages=packages)
            created = self.client.post(CUSTOMERS, json=request, headers=sub.headers)
            assert created.status_code == 202, created.text
            drain(self.client)
            body = self.client.get(created.json()["url"], headers=sub.headers).json()
            headers = sub.headers
            self.billed_from[body["orgId"]] = self._starts[sub.org_id]
        assert body["status"] == "provisioned", body
        self._headers[body["id"]] = headers
        holder = customer_holder(body["orgId"])
        self.customer_of[holder] = body["orgId"]
        for package in packages:
            if package in CUSTOMER_LEVEL:
                self._start(holder, package)
        return body

    def change_packages(self, customer: dict[str, Any], packages: list[str]) -> None:
        """Replace the customer's package list: add-ons taken off stop now, added ones start
        once provisioned (the update completes in the background, here at the same moment)."""
        url = f"{CUSTOMERS}/{customer['id']}"
        response = self.client.put(
            url, json={"packages": packages}, headers=self._headers[customer["id"]]
        )
        assert response.status_code == 202, response.text
        holder = customer_holder(customer["orgId"])
        before = {package for (who, package) in self._open if who == holder}
        for package in before - set(packages):
            self._stop(holder, package)
        drain(self.client)
        done = self.client.get(url, headers=self._headers[customer["id"]]).json()
        assert done["status"] == "provisioned", done
        assert set(done["packages"]) == set(packages), done
        for package in CUSTOMER_LEVEL & set(packages) - before:
            self._start(holder, package)

    def subscriber(self, customer: dict[str, Any], package: str = "webex_calling") -> str:
        overrides: dict[str, Any] = {"packages": [package]}
        if not catalog()[package].calling:
            overrides["provisioningParameters"] = {"firstName": "Bea", "lastName": "Meet"}
        headers = self._headers[customer["id"]]
        if headers is self.partner.headers:
            body = provision_subscriber(self.client, self.partner, customer["id"], **overrides)
        else:
            request = subscriber_body(customer["id"], **overrides)
            response = self.client.post(SUBSCRIBERS, json=request, headers=headers)
            assert response.status_code == 200, response.text
            body = response.json()
        assert body["status"] == "provisioned", body
        self.customer_of[body["id"]] = customer["orgId"]
        self._headers[body["id"]] = headers
        self._start(body["id"], package)
        return str(body["id"])

    def _package_of(self, holder: str) -> str:
        (package,) = [p for (who, p) in self._open if who == holder]
        return package

    def change(self, subscriber: str, package: str) -> None:
        body: dict[str, Any] = {"packages": [package]}
        current = self._package_of(subscriber)
        if catalog()[package].calling and not catalog()[current].calling:
            self._extensions += 1
            body["provisioningParameters"] = {"extension": str(7000 + self._extensions)}
        response = self.client.put(
            f"{SUBSCRIBERS}/{subscriber}", json=body, headers=self._headers[subscriber]
        )
        assert response.status_code == 200, response.text
        assert response.json()["packages"] == [package]
        self._stop(subscriber, current)
        self._start(subscriber, package)

    def remove(self, subscriber: str) -> None:
        url = f"{SUBSCRIBERS}/{subscriber}"
        response = self.client.delete(url, headers=self._headers[subscriber])
        assert response.status_code == 204, response.text
        self._stop(subscriber, self._package_of(subscriber))

    def remove_customer(self, customer: dict[str, Any]) -> None:
        url = f"{CUSTOMERS}/{customer['id']}"
        response = self.client.delete(url, headers=self._headers[customer["id"]])
        assert response.status_code == 202, response.text
        for holder, package in list(self._open):
            if self.customer_of[holder] == customer["orgId"]:
                self._stop(holder, package)

    def workspace(self, customer: dict[str, Any]) -> str:
        """A workspace with Webex Calling: it holds the customer's Common Area package."""
        self._extensions += 1
        org = {"orgId": customer["orgId"]}
        locations = self.client.get("/v1/locations", params=org, headers=self.partner.headers)
        location = locations.json()["items"][0]["id"]
        webex = {"locationId": location, "extension": str(8000 + self._extensions)}
        body = {"displayName": "Lobby", "calling": {"type": "webexCalling", "webexCalling": webex}}
        response = self.client.post(WORKSPACES, params=org, json=body, headers=self.partner.headers)
        assert response.status_code == 201, response.text
        workspace = str(response.json()["id"])
        self.customer_of[workspace] = customer["orgId"]
        self._start(workspace, COMMON_AREA)
        return workspace

    def end_calling(self, workspace: str, *, delete: bool) -> None:
        """The workspace leaves Webex Calling (`calling.type` none) or is deleted."""
        org = {"orgId": self.customer_of[workspace]}
        url = f"{WORKSPACES}/{workspace}"
        if delete:
            response = self.client.delete(url, params=org, headers=self.partner.headers)
            assert response.status_code == 204, response.text
        else:
            body = {"displayName": "Lobby", "calling": {"type": "none"}}
            response = self.client.put(url, params=org, json=body, headers=self.partner.headers)
            assert response.status_code == 200, response.text
        self._stop(workspace, COMMON_AREA)

    def sub_partner(self, billing_start: date) -> SubPartner:
        """A sub-partner of the partner whose customers are billed from `billing_start`."""
        sub = set_up_sub_partner(
            self.client, self.partner, billingStartDate=billing_start.isoformat()
        )
        self._starts[sub.org_id] = billing_start
        return sub

    def _start(self, holder: str, package: str) -> None:
        assert (holder, package) not in self._open
        self._open[(holder, package)] = Held(holder, package, self.clock.now(), None)

    def _stop(self, holder: str, package: str) -> None:
        held = self._open.pop((holder, package))
        self.history.append(Held(held.holder, held.package, held.start, self.clock.now()))

    def held(self) -> list[Held]:
        """The whole scripted history: closed intervals and those still open."""
        return [*self.history, *self._open.values()]

    def finish(self, moment: datetime) -> None:
        """Move the clock past the periods to report and let the platform catch up."""
        self.move_to(moment)
        drain(self.client)


def customer_holder(org_id: str) -> str:
    """How the oracle names a customer as the holder of its customer-level add-ons."""
    return f"customer {org_id}"


def report_rows(
    client: TestClient, partner: Partner, first: date, last: date, report_type: str
) -> list[dict[str, str]]:
    """Create a report, let it generate, download its CSV through the signed link."""
    created = client.post(
        REPORTS,
        json={
            "billingStartDate": first.isoformat(),
            "billingEndDate": last.isoformat(),
            "type": report_type,
        },
        headers=partner.headers,
    )
    assert created.status_code == 200, created.text
    drain(client)
    report = client.get(f"{REPORTS}/{created.json()['id']}", headers=partner.headers)
    assert report.status_code == 200, report.text
    assert report.json()["status"] == "COMPLETED", report.json()
    download = client.get(report.json()["tempDownloadURL"])  # no bearer token: the link is enough
    assert download.status_code == 200, download.text
    reader = csv.DictReader(io.StringIO(download.text))
    rows = list(reader)
    for row in rows:
        assert row["PARTNER_ORG_ID"] == partner.org_id
        assert row["SKU"] == catalog()[row["SERVICE_NAME"].lower()].sku
        quantity = Decimal(row["QUANTITY"])  # a plain decimal, micro user-days at most
        assert row["QUANTITY"] == f"{quantity:f}"
        assert quantity == quantity.quantize(SIX_DECIMALS)
    return rows


def quantities(rows: list[dict[str, str]], *who: str) -> dict[tuple[str, ...], Decimal]:
    """QUANTITY per (who columns…, package), each key once."""
    result: dict[tuple[str, ...], Decimal] = {}
    for row in rows:
        key = (*(row[c] for c in who), row["SERVICE_NAME"].lower())
        assert key not in result, f"two rows for {key}"
        result[key] = Decimal(row["QUANTITY"])
    return result


@dataclass(frozen=True)
class Reported:
    """The three reports of one period, as quantities."""

    users: dict[tuple[str, str], Decimal]
    customers: dict[tuple[str, str], Decimal]
    partner: dict[str, Decimal]


def reported(client: TestClient, partner: Partner, first: date, last: date) -> Reported:
    """PARTNER, CUSTOMER and USER reports of a period."""
    partner_rows = report_rows(client, partner, first, last, "PARTNER")
    customer_rows = report_rows(client, partner, first, last, "CUSTOMER")
    user_rows = report_rows(client, partner, first, last, "USER")
    partner_level = {k[0]: v for k, v in quantities(partner_rows).items()}
    customer_level = {
        (k[0], k[1]): v for k, v in quantities(customer_rows, "CUSTOMER_ORG_ID").items()
    }
    for row in user_rows:
        assert row["CUSTOMER_ORG_ID"], row
        if row["SERVICE_NAME"].lower() in CUSTOMER_LEVEL:  # the customer's: nobody else's
            assert [row[c] for c in USER_COLUMNS] == ["", "", "", ""], row
            row["HOLDER"] = customer_holder(row["CUSTOMER_ORG_ID"])
        else:  # a subscriber's or a workspace's, never both
            assert bool(row["SUBSCRIBER_ID"]) != bool(row["WORKSPACE_ID"]), row
            row["HOLDER"] = row["SUBSCRIBER_ID"] or row["WORKSPACE_ID"]
    user_level = {(k[0], k[1]): v for k, v in quantities(user_rows, "HOLDER").items()}
    return Reported(user_level, customer_level, partner_level)


def check_period(script: Script, first: date, last: date) -> Reported:
    """Every QUANTITY of the period's three reports is the oracle's, and the three levels agree:
    the partner total is the sum of the customer totals and of the user totals, per service."""
    got = reported(script.client, script.partner, first, last)
    want = expected(script.held(), script.customer_of, first, last, script.billed_from)
    assert got.users == want.users
    assert got.customers == want.customers
    assert got.partner == want.partner
    for package, total in got.partner.items():
        assert total == sum(q for (_c, p), q in got.customers.items() if p == package), package
        assert total == sum(q for (_h, p), q in got.users.items() if p == package), package
    assert set(got.partner) == {p for (_c, p) in got.customers} == {p for (_h, p) in got.users}
    return got


@pytest.fixture
def script(app_client: TestClient, partner: Partner, clock: ManualClock) -> Script:
    return Script(app_client, partner, clock)


# -- scripted histories -----------------------------------------------------------------------


def test_assignment_at_mid_day_bills_the_rest_of_that_day(script: Script) -> None:
    script.move_to(at(2027, 1, 4, 8, 0, 0))
    customer = script.customer()
    script.move_to(datetime(2027, 1, 5, 13, 47, 12, 654321, tzinfo=UTC))
    mid_day = script.subscriber(customer)
    script.move_to(at(2027, 1, 5, 23, 59, 59))
    last_second = script.subscriber(customer, "webex_meetings")
    script.finish(at(2027, 1, 9, 0, 10, 0))

    got = check_period(script, date(2027, 1, 5), date(2027, 1, 8))
    one_day = check_period(script, date(2027, 1, 5), date(2027, 1, 5))

    assert got.users[(mid_day, "webex_calling")] == Decimal("3.425556")
    assert one_day.users[(mid_day, "webex_calling")] == Decimal("0.425556")
    assert one_day.users[(last_second, "webex_meetings")] == Decimal("0.000012")  # 1 s


def test_package_change_at_a_given_second(script: Script) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    customer = script.customer()
    changer = script.subscriber(customer)
    steady = script.subscriber(customer)
    script.move_to(at(2027, 1, 10, 12, 0, 0))
    script.change(changer, "webex_suite")
    script.move_to(at(2027, 1, 12, 17, 31, 5))
    script.change(changer, "webex_calling")
    script.move_to(at(2027, 1, 13, 0, 0, 0))  # exactly midnight: the new day is all suite
    script.change(changer, "webex_suite")
    script.finish(at(2027, 1, 16, 1, 0, 0))

    got = check_period(script, date(2027, 1, 3), date(2027, 1, 15))
    check_period(script, date(2027, 1, 10), date(2027, 1, 10))
    check_period(script, date(2027, 1, 12), date(2027, 1, 13))

    # 3 Jan from 10:00 (0.583333) + 4..9 Jan (6) + 10 Jan until noon (0.5) + 12 Jan from 17:31:05
    # (23335 s = 0.270081) → 7.353414
    assert got.users[(changer, "webex_calling")] == Decimal("7.353414")
    assert got.users[(steady, "webex_calling")] == Decimal("12.583333")


def test_removal_stops_billing_at_that_second(script: Script) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    customer = script.customer()
    removed = script.subscriber(customer)
    kept = script.subscriber(customer, "webex_meetings")
    script.move_to(at(2027, 1, 4, 9, 0, 0))
    brief = script.subscriber(customer)
    script.move_to(at(2027, 1, 4, 9, 0, 41))
    script.remove(brief)
    script.move_to(at(2027, 1, 7, 9, 15, 27))
    script.remove(removed)
    script.finish(at(2027, 1, 10, 0, 0, 1))

    got = check_period(script, date(2027, 1, 3), date(2027, 1, 9))
    check_period(script, date(2027, 1, 7), date(2027, 1, 9))
    after = check_period(script, date(2027, 1, 8), date(2027, 1, 9))

    assert got.users[(brief, "webex_calling")] == Decimal("0.000475")  # 41 s
    assert (removed, "webex_calling") not in after.users
    assert after.users[(kept, "webex_meetings")] == Decimal("2")


def test_customer_removal_stops_billing_of_all_its_subscribers(script: Script) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    leaving, staying = script.customer(), script.customer()
    first = script.subscriber(leaving)
    second = script.subscriber(leaving, "webex_meetings")
    script.move_to(at(2027, 1, 5, 6, 30, 0))
    third = script.subscriber(leaving)
    other = script.subscriber(staying)
    script.move_to(at(2027, 1, 6, 14, 2, 9))
    script.change(third, "webex_suite")
    script.move_to(at(2027, 1, 8, 18, 20, 33))
    script.remove_customer(leaving)
    script.move_to(at(2027, 1, 9, 4, 0, 0))  # the removal completes in the background later on
    drain(script.client)
    removed = script.client.get(f"{CUSTOMERS}/{leaving['id']}", headers=script.partner.headers)
    assert removed.status_code == 404, removed.text  # the removal did complete
    script.finish(at(2027, 1, 12, 0, 5, 0))

    got = check_period(script, date(2027, 1, 3), date(2027, 1, 11))
    day_of_removal = check_period(script, date(2027, 1, 8), date(2027, 1, 8))
    after = check_period(script, date(2027, 1, 9), date(2027, 1, 11))

    # 18:20:33 of the day = 66033 s = 0.764270833… → 0.764271
    for sub, package in (
        (first, "webex_calling"),
        (second, "webex_meetings"),
        (third, "webex_suite"),
    ):
        assert day_of_removal.users[(sub, package)] == Decimal("0.764271")
        assert (sub, package) not in after.users
    assert after.users == {(other, "webex_calling"): Decimal("3")}
    # first: 3 Jan from 10:00 (0.583333) + 4..7 Jan (4) + 0.764271 = 5.347604; third: 5 Jan from
    # 06:30 (0.729167) + 6 Jan until 14:02:09 (50529 s = 0.584826) = 1.313993
    assert got.customers[(leaving["orgId"], "webex_calling")] == Decimal("6.661597")


def test_month_end_with_usage_going_on_into_the_next_month(script: Script) -> None:
    script.move_to(at(2027, 1, 20, 10, 0, 0))
    customer = script.customer()
    through = script.subscriber(customer)
    last_second = script.subscriber(customer)
    script.move_to(at(2027, 1, 31, 23, 59, 59))
    script.change(last_second, "webex_suite")
    at_midnight = script.subscriber(customer, "webex_meetings")
    script.move_to(at(2027, 2, 1, 0, 0, 0))
    script.change(at_midnight, "webex_suite")
    script.move_to(at(2027, 2, 3, 12, 0, 0))
    script.remove(through)
    script.finish(at(2027, 2, 6, 0, 0, 0))

    january = check_period(script, date(2027, 1, 1), date(2027, 1, 31))
    check_period(script, date(2027, 1, 15), date(2027, 2, 4))
    february = check_period(script, date(2027, 2, 1), date(2027, 2, 5))

    assert january.users[(through, "webex_calling")] == Decimal("11.583333")
    assert january.users[(last_second, "webex_suite")] == Decimal("0.000012")
    assert january.users[(at_midnight, "webex_meetings")] == Decimal("0.000012")
    assert (at_midnight, "webex_meetings") not in february.users
    assert february.users[(at_midnight, "webex_suite")] == Decimal("5")
    assert february.users[(through, "webex_calling")] == Decimal("2.5")


def test_leap_day(script: Script) -> None:
    script.move_to(at(2028, 1, 31, 22, 0, 0))
    customer = script.customer()
    whole_month = script.subscriber(customer)
    script.move_to(at(2028, 2, 28, 6, 0, 0))
    changer = script.subscriber(customer)
    script.move_to(at(2028, 2, 29, 12, 0, 0))
    script.change(changer, "webex_suite")
    script.move_to(at(2028, 3, 1, 3, 0, 0))
    script.remove(changer)
    script.finish(at(2028, 3, 3, 0, 0, 0))

    february = check_period(script, date(2028, 2, 1), date(2028, 2, 29))
    check_period(script, date(2028, 2, 28), date(2028, 3, 1))
    leap_day = check_period(script, date(2028, 2, 29), date(2028, 2, 29))

    assert february.users[(whole_month, "webex_calling")] == Decimal("29")
    assert leap_day.users == {
        (whole_month, "webex_calling"): Decimal("1"),
        (changer, "webex_calling"): Decimal("0.5"),
        (changer, "webex_suite"): Decimal("0.5"),
    }


def test_a_b_a_on_one_day_adds_the_pieces_before_rounding(script: Script) -> None:
    # Each A piece is 46 s past a multiple of 54 s, which is 0.407 micro user-days past a whole
    # micro: rounded alone each piece loses 0.407, together they round up.
    script.move_to(at(2027, 1, 4, 10, 0, 0))
    customer = script.customer()
    flip = script.subscriber(customer)
    script.move_to(at(2027, 1, 5, 7, 30, 46))  # 27046 s of A on 5 January
    script.change(flip, "webex_suite")
    script.move_to(at(2027, 1, 5, 15, 0, 8))  # A again for the last 32392 s
    script.change(flip, "webex_calling")
    script.finish(at(2027, 1, 7, 0, 0, 0))

    piecewise = day_quantity(27046) + day_quantity(32392)
    assert piecewise == Decimal("0.687939")  # what rounding each piece would give
    got = check_period(script, date(2027, 1, 5), date(2027, 1, 5))
    assert got.users[(flip, "webex_calling")] == day_quantity(27046 + 32392) == Decimal("0.687940")
    assert got.users[(flip, "webex_suite")] == Decimal("0.312060")  # 26962 s
    check_period(script, date(2027, 1, 4), date(2027, 1, 6))


def test_adjacent_periods_add_up_to_their_union(script: Script) -> None:
    script.move_to(at(2027, 1, 3, 11, 11, 11))
    customer = script.customer()
    a = script.subscriber(customer)
    b = script.subscriber(customer, "webex_meetings")
    script.move_to(at(2027, 1, 17, 5, 43, 21))
    c = script.subscriber(customer)
    script.move_to(at(2027, 2, 9, 19, 0, 1))
    script.change(a, "webex_suite")
    script.move_to(at(2027, 2, 28, 23, 0, 0))
    script.remove(b)
    script.move_to(at(2027, 3, 14, 0, 0, 59))
    script.change(a, "webex_calling")
    script.change(c, "webex_suite")
    script.finish(at(2027, 4, 2, 0, 0, 0))

    periods = [
        (date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 9)),
        (date(2027, 2, 10), date(2027, 3, 31)),
    ]
    parts = [check_period(script, first, last) for first, last in periods]
    union = check_period(script, date(2027, 1, 1), date(2027, 3, 31))

    for level in ("users", "customers", "partner"):
        summed: dict[Any, Decimal] = defaultdict(Decimal)
        for part in parts:
            for key, value in getattr(part, level).items():
                summed[key] += value
        assert dict(summed) == getattr(union, level), level
    assert sum(union.partner.values()) == sum(union.users.values())


def test_workspaces_with_calling_are_billed_like_subscribers(script: Script) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    customer = script.customer([*PACKAGES, COMMON_AREA])
    other = script.customer([*PACKAGES, COMMON_AREA])
    person = script.subscriber(customer)
    script.move_to(at(2027, 1, 4, 7, 12, 31))
    lobby = script.workspace(customer)
    door = script.workspace(other)
    script.move_to(at(2027, 1, 6, 20, 0, 0))
    brief = script.workspace(customer)
    script.move_to(at(2027, 1, 6, 20, 0, 27))
    script.end_calling(brief, delete=True)
    script.move_to(at(2027, 1, 9, 15, 30, 0))
    script.end_calling(door, delete=False)
    script.move_to(at(2027, 1, 31, 23, 59, 59))
    script.remove_customer(other)
    script.finish(at(2027, 2, 3, 0, 0, 0))

    january = check_period(script, date(2027, 1, 1), date(2027, 1, 31))
    one_day = check_period(script, date(2027, 1, 6), date(2027, 1, 6))
    check_period(script, date(2027, 1, 4), date(2027, 1, 9))
    february = check_period(script, date(2027, 2, 1), date(2027, 2, 2))

    # 4 Jan from 07:12:31 (60449 s = 0.699641) + 5..31 Jan (27 days)
    assert january.users[(lobby, COMMON_AREA)] == Decimal("27.699641")
    assert one_day.users[(brief, COMMON_AREA)] == Decimal("0.000312")  # 27 s
    assert (door, COMMON_AREA) not in february.users
    assert february.users == {
        (person, "webex_calling"): Decimal("2"),
        (lobby, COMMON_AREA): Decimal("2"),
    }
    assert january.partner[COMMON_AREA] == sum(
        q for (_holder, package), q in january.users.items() if package == COMMON_AREA
    )


def check_invoice(
    script: Script, ops: dict[str, str], month: date, prices: dict[str, str]
) -> dict[str, Decimal]:
    """The month's invoice, issued by the periodic job at 03:00 of the next month: per SKU the
    oracle's PARTNER quantity × monthly price ÷ days of the month, rounded once, half up."""
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    set_prices(script.client, ops, script.partner, prices, effective_from=month.isoformat())
    run_invoice_job_at(script.client, script.clock, _midnight(last) + timedelta(hours=27))
    (invoice,) = invoices_of(script.client, script.partner.headers, month=month.strftime("%Y-%m"))
    want = expected(script.held(), script.customer_of, month, last, script.billed_from).partner
    lines = lines_by_sku(invoice)
    assert set(lines) == {catalog()[package].sku for package in want}
    for package, quantity in want.items():
        line = lines[catalog()[package].sku]
        assert Decimal(line["quantity"]) == quantity, package
        price = prices.get(line["sku"], "0")
        assert Decimal(line["amount"]) == amount(quantity, price, last.day), package
    return {line["serviceName"].lower(): Decimal(line["quantity"]) for line in invoice["lines"]}


def test_customer_level_add_ons_are_billed_to_the_customer_while_provisioned(
    script: Script, ops: dict[str, str]
) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    planned = script.customer([*PACKAGES, CALLING_PLAN])
    later = script.customer(PACKAGES)
    person = script.subscriber(planned)
    script.move_to(at(2027, 1, 5, 6, 0, 0))
    script.change_packages(later, [*PACKAGES, CALLING_PLAN, VOICE_PORTS])
    script.move_to(at(2027, 1, 8, 18, 0, 0))
    script.change_packages(planned, PACKAGES)
    script.move_to(at(2027, 1, 12, 12, 0, 0))
    script.change_packages(planned, [*PACKAGES, CALLING_PLAN])
    script.move_to(at(2027, 1, 20, 6, 0, 0))
    script.remove_customer(later)

    invoiced = check_invoice(
        script, ops, date(2027, 1, 1), {"TK-WHL-CALLPLAN": "4.00", "TK-WHL-CXPORTS": "31.00"}
    )
    script.finish(at(2027, 2, 3, 0, 0, 0))
    january = check_period(script, date(2027, 1, 1), date(2027, 1, 31))
    check_period(script, date(2027, 1, 8), date(2027, 1, 12))
    february = check_period(script, date(2027, 2, 1), date(2027, 2, 2))

    plan_of = customer_holder(planned["orgId"])
    # 3 Jan from 10:00 (0.583333) + 4..7 Jan (4) + 8 Jan until 18:00 (0.75) + 12 Jan from noon
    # (0.5) + 13..31 Jan (19)
    assert january.users[(plan_of, CALLING_PLAN)] == Decimal("24.833333")
    # 5 Jan from 06:00 (0.75) + 6..19 Jan (14) + 20 Jan until 06:00 (0.25)
    assert january.customers[(later["orgId"], VOICE_PORTS)] == Decimal("15")
    assert january.partner[CALLING_PLAN] == Decimal("39.833333")
    assert invoiced[CALLING_PLAN] == january.partner[CALLING_PLAN]
    assert february.users == {
        (person, "webex_calling"): Decimal("2"),
        (plan_of, CALLING_PLAN): Decimal("2"),
    }


def test_a_sub_partners_customers_are_billed_from_its_billing_start_date(
    script: Script, ops: dict[str, str]
) -> None:
    script.move_to(at(2027, 1, 3, 10, 0, 0))
    own = script.customer([*PACKAGES, CALLING_PLAN])
    sub = script.sub_partner(date(2027, 1, 10))
    theirs = script.customer([*PACKAGES, CALLING_PLAN], sub=sub)
    mine = script.subscriber(own)
    early = script.subscriber(theirs)
    script.move_to(at(2027, 1, 8, 12, 0, 0))
    gone = script.subscriber(theirs, "webex_meetings")
    script.move_to(at(2027, 1, 9, 18, 0, 0))
    script.remove(gone)
    script.move_to(at(2027, 1, 12, 6, 0, 0))
    late = script.subscriber(theirs, "webex_suite")
    script.move_to(at(2027, 1, 20, 0, 0, 0))
    script.change(early, "webex_suite")

    check_invoice(script, ops, date(2027, 1, 1), {"TK-WHL-CALLING": "12.50"})
    script.finish(at(2027, 2, 2, 0, 0, 0))
    january = check_period(script, date(2027, 1, 1), date(2027, 1, 31))
    before = check_period(script, date(2027, 1, 1), date(2027, 1, 9))
    check_period(script, date(2027, 1, 9), date(2027, 1, 10))

    assert theirs["orgId"] not in {org for (org, _p) in before.customers}
    assert (gone, "webex_meetings") not in january.users
    assert january.users[(early, "webex_calling")] == Decimal("10")  # 10..19 Jan
    assert january.users[(late, "webex_suite")] == Decimal("19.75")
    assert january.users[(customer_holder(theirs["orgId"]), CALLING_PLAN)] == Decimal("22")
    # the partner's own customer is billed from the start: 3 Jan from 10:00 + 4..31 Jan
    assert january.users[(mine, "webex_calling")] == Decimal("28.583333")
