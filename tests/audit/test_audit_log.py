"""The audit log: every change by anyone (who, acting for whom, what, before/after, when, tracking
ID), readable through `/v1/partner/auditEvents` and `/v1/ops/auditEvents` (PRODUCT.md 10.1:
"Every change is written to an audit log (who, what, when, from where)").

1. Each kind of change made through the API (by a partner, by the operator, or by the platform
   finishing work in the background) appears exactly once, with its action, target, actor,
   before/after, the clock's time and the `TrackingID` header the client sent.
2. Acting for a sub-partner is recorded as such; a parent sees its sub-partners' events, a
   sub-partner only its own, another partner none, the operator all.
3. Filters, inclusive time bounds, newest-first order, paging with `Link`, scopes and roles.
4. A failed request (400/404/409) leaves no event behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START, Partner, drain, make_partner
from tests.support import customer_body, error_codes, subscriber_body
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import READ_SCOPES, WHOLESALE_SCOPES, Role, Scope

PARTNER_AUDIT = "/v1/partner/auditEvents"
OPS_AUDIT = "/v1/ops/auditEvents"
TEMPLATES = "/v1/partner/onboardingTemplates"
CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
REPORTS = "/v1/wholesale/billing/reports"
PRICE_BOOK = "/v1/partner/priceBook"
SUB_PARTNERS = "/v1/partner/subPartners"
ON_BEHALF = "onBehalfOfSubPartnerOrgId"
CALLING_SKU = "TK-WHL-CALLING"
Reply = Any  # what TestClient answers (an httpx or httpx2 response, depending on the install)

# The change under test happens at this instant (setup happens earlier, at START).
ACT_AT = START + timedelta(hours=1, minutes=7, seconds=5, milliseconds=250)
ACT_ISO = "2027-01-03T10:07:05.250Z"
TRACKING = "crm-order-4711"
USER_AGENT = "crm-sync/4.2"
REPORT_DAYS = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-02"}


class _Any:
    """Marks a value the test does not pin down."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


# -- helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operator:
    """A platform operator: its token's header and who it is."""

    headers: dict[str, str]
    user_id: str
    org_id: str


def make_operator(db: Database, clock: ManualClock) -> Operator:
    """A platform operator with a `tukku:ops` token."""
    with db.unit_of_work() as session:
        org = identity.create_organization(session, kind="operator", name="Ops", now=clock.now())
        user = identity.create_user(
            session, org_id=org.id, email="ops@tukku.test", now=clock.now(), roles=[Role.OPERATOR]
        )
        _, token = identity.issue_token(
            session, user=user, scopes={Scope.OPS}, name="ops", now=clock.now(), expires_at=None
        )
        return Operator({"Authorization": f"Bearer {token}"}, user.id, org.id)


def add_user(
    db: Database, clock: ManualClock, org_id: str, email: str, role: Role, scopes: frozenset[Scope]
) -> tuple[str, dict[str, str]]:
    """A further user of an organization, holding `role`; its ID and a token's header."""
    with db.unit_of_work() as session:
        user = identity.create_user(
            session, org_id=org_id, email=email, now=clock.now(), roles=[role]
        )
        _, token = identity.issue_token(
            session, user=user, scopes=scopes, name="t", now=clock.now(), expires_at=None
        )
        return user.id, {"Authorization": f"Bearer {token}"}


def token_of(
    db: Database, clock: ManualClock, email: str, scopes: frozenset[Scope] = WHOLESALE_SCOPES
) -> tuple[str, dict[str, str]]:
    """An existing user's ID and the header of a new token of theirs."""
    with db.unit_of_work() as session:
        user = identity.find_user_by_email(session, email)
        assert user is not None
        _, token = identity.issue_token(
            session, user=user, scopes=scopes, name="t", now=clock.now(), expires_at=None
        )
        return user.id, {"Authorization": f"Bearer {token}"}


def user_id_of(db: Database, email: str) -> str:
    """The ID of the user with this e-mail."""
    with db.unit_of_work(write=False) as session:
        user = identity.find_user_by_email(session, email)
        assert user is not None
        return user.id


def list_all(
    client: TestClient, url: str, headers: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    """Every event a caller sees (one page of up to 1000, which these tests never exceed)."""
    response = client.get(url, params={**params, "max": "1000"}, headers=headers)
    assert response.status_code == 200, response.text
    assert "link" not in response.headers
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def send(
    client: TestClient, method: str, url: str, headers: dict[str, str], tracking: str, **kw: Any
) -> Reply:
    """A request carrying a `TrackingID` header (and an integration's own User-Agent)."""
    sent = {**headers, "TrackingID": tracking, "User-Agent": USER_AGENT}
    return client.request(method, url, headers=sent, **kw)


def without_source(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with where they came from left out (it depends on who looks)."""
    return [{k: v for k, v in e.items() if k not in ("sourceAddress", "userAgent")} for e in events]


def ok(response: Reply) -> dict[str, Any]:
    """The JSON body of a successful answer (`{}` when it has none)."""
    assert response.status_code < 300, response.text
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def camel(key: str) -> str:
    """`address_line1` → `addressLine1` (the API's naming)."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _comparable(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    return value


def assert_fields(actual: dict[str, Any] | None, expected: Any, which: str) -> None:
    """`expected` None: `actual` is null; ANY: unchecked; a dict: `actual` holds those values
    (keys compared in camelCase; lists of names in any order)."""
    if expected is ANY:
        return
    if expected is None:
        assert actual is None, f"{which}: expected null, got {actual}"
        return
    assert actual is not None, f"{which}: expected {expected}, got null"
    named = {camel(k): _comparable(v) for k, v in actual.items()}
    for key, value in expected.items():
        assert named.get(key, "<missing>") == _comparable(value), f"{which}.{key}: {actual}"


def occurred(event: dict[str, Any]) -> datetime:
    """The instant of an event."""
    return datetime.fromisoformat(event["occurred"])


def epoch_ms(instant: datetime) -> str:
    """An instant as epoch milliseconds."""
    return str(int((instant - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1000))


def iso_z(instant: datetime) -> str:
    """An instant as ISO 8601 with `Z`."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- 1. each kind of change ---------------------------------------------------------------------


@dataclass
class Ctx:
    """A partner, an operator and the app; setup runs at START, the change under test at ACT_AT."""

    client: TestClient
    db: Database
    clock: ManualClock
    partner: Partner
    ops: Operator
    seen: set[int] = field(default_factory=set)

    def setup(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """A preparatory request (must succeed)."""
        return ok(send(self.client, method, url, headers or self.partner.headers, "setup", **kw))

    def _before_change(self) -> None:
        self.clock.set(ACT_AT)
        self.seen = {e["id"] for e in list_all(self.client, OPS_AUDIT, self.ops.headers)}

    def act(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """The change under test, at ACT_AT, with TrackingID TRACKING (must succeed)."""
        self._before_change()
        return ok(send(self.client, method, url, headers or self.partner.headers, TRACKING, **kw))

    def attempt(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> Reply:
        """A request under test that is meant to fail, at ACT_AT, with TrackingID TRACKING."""
        self._before_change()
        return send(self.client, method, url, headers or self.partner.headers, TRACKING, **kw)

    def platform_works(self) -> None:
        """The background jobs run, at ACT_AT."""
        self._before_change()
        drain(self.client)

    def customer(self, **overrides: Any) -> dict[str, Any]:
        """A provisioned customer."""
        accepted = self.setup("POST", CUSTOMERS, json=customer_body(self.partner, **overrides))
        drain(self.client)
        return self.setup("GET", accepted["url"])

    def subscriber(self, customer_id: str, **overrides: Any) -> dict[str, Any]:
        """A provisioned subscriber (webex_calling)."""
        return self.setup("POST", SUBSCRIBERS, json=subscriber_body(customer_id, **overrides))

    def sub_partner(self, name: str = "Beta Reseller", email: str = "boss@beta.test") -> str:
        """A sub-partner of the partner; its organization ID."""
        body = {"name": name, "adminEmail": email, "adminFirstName": "Bea", "adminLastName": "B"}
        return str(self.setup("POST", SUB_PARTNERS, json=body)["orgId"])

    def prices(self, price: str, *, change: bool) -> dict[str, Any]:
        """The operator sets the partner's calling price for this month."""
        body = {"currency": "EUR", "prices": [{"sku": CALLING_SKU, "monthlyPrice": price}]}
        params = {"partnerOrgId": self.partner.org_id}
        call = self.act if change else self.setup
        return call("PUT", PRICE_BOOK, params=params, json=body, headers=self.ops.headers)


@dataclass(frozen=True)
class Expected:
    """The event a change must leave. `by`: partner (its admin), operator or platform."""

    action: str
    target_type: str
    target_id: str
    before: Any
    after: Any
    by: str = "partner"


def template_create(ctx: Ctx) -> Expected:
    body = {"name": "Gold", "pstnProvider": "Tele PSTN", "brandName": "Gold Voice"}
    created = ctx.act("POST", TEMPLATES, json=body)
    return Expected("template.create", "onboarding_template", created["id"], None, body)


def template_update(ctx: Ctx) -> Expected:
    template = ctx.setup("POST", TEMPLATES, json={"name": "Gold", "pstnProvider": "Tele PSTN"})
    changed = {"name": "Platinum", "pstnProvider": "Other PSTN"}
    ctx.act("PUT", f"{TEMPLATES}/{template['id']}", json=changed)
    before = {"name": "Gold", "pstnProvider": "Tele PSTN"}
    return Expected("template.replace", "onboarding_template", template["id"], before, changed)


def template_delete(ctx: Ctx) -> Expected:
    template = ctx.setup("POST", TEMPLATES, json={"name": "Gold", "pstnProvider": "Tele PSTN"})
    ctx.act("DELETE", f"{TEMPLATES}/{template['id']}")
    before = {"name": "Gold", "pstnProvider": "Tele PSTN"}
    return Expected("template.delete", "onboarding_template", template["id"], before, None)


def customer_provision(ctx: Ctx) -> Expected:
    info = {"name": "Luigi Pizza", "primaryEmail": "luigi@pizza.test"}
    body = customer_body(ctx.partner, externalId="crm-1001", customerInfo=info)
    customer_id = ctx.act("POST", CUSTOMERS, json=body)["url"].rsplit("/", 1)[1]
    after = {
        "externalId": "crm-1001",
        "name": "Luigi Pizza",
        "packages": ["webex_calling", "webex_meetings"],
        "status": "provisioning",
    }
    return Expected("customer.provision", "customer", customer_id, None, after)


def customer_provisioning_completes(ctx: Ctx) -> Expected:
    accepted = ctx.setup("POST", CUSTOMERS, json=customer_body(ctx.partner))
    ctx.platform_works()
    customer_id = accepted["url"].rsplit("/", 1)[1]
    before, after = {"status": "provisioning"}, {"status": "provisioned"}
    return Expected("customer.status", "customer", customer_id, before, after, by="platform")


def customer_update(ctx: Ctx) -> Expected:
    customer = ctx.customer(externalId="crm-2001")
    body = {"packages": ["webex_calling"], "externalId": "crm-2002"}
    ctx.act("PUT", f"{CUSTOMERS}/{customer['id']}", json=body)
    before = {"packages": ["webex_calling", "webex_meetings"], "externalId": "crm-2001"}
    return Expected("customer.update", "customer", customer["id"], before, body)


def customer_update_completes(ctx: Ctx) -> Expected:
    customer = ctx.customer()
    ctx.setup("PUT", f"{CUSTOMERS}/{customer['id']}", json={"packages": ["webex_calling"]})
    ctx.platform_works()
    before, after = {"status": "updating"}, {"status": "provisioned"}
    return Expected("customer.status", "customer", customer["id"], before, after, by="platform")


def customer_remove(ctx: Ctx) -> Expected:
    customer = ctx.customer()
    ctx.act("DELETE", f"{CUSTOMERS}/{customer['id']}")
    before, after = {"status": "provisioned"}, {"status": "deleting"}
    return Expected("customer.remove", "customer", customer["id"], before, after)


def customer_removal_completes(ctx: Ctx) -> Expected:
    customer = ctx.customer()
    ctx.setup("DELETE", f"{CUSTOMERS}/{customer['id']}")
    ctx.platform_works()
    before, after = {"status": "deleting"}, {"status": "removed"}
    return Expected("customer.status", "customer", customer["id"], before, after, by="platform")


def restricted_mode_off(ctx: Ctx) -> Expected:
    customer = ctx.customer()
    url = f"/v1/partner/customers/{customer['id']}/restrictedMode"
    ctx.act("PUT", url, json={"enabled": False})
    before, after = {"restrictedByPartner": True}, {"restrictedByPartner": False}
    return Expected("customer.restricted_mode", "customer", customer["id"], before, after)


def subscriber_provision(ctx: Ctx) -> Expected:
    customer = ctx.customer()
    body = subscriber_body(customer["id"], email="ada@pizza.test")
    subscriber = ctx.act("POST", SUBSCRIBERS, json=body)
    after = {
        "email": "ada@pizza.test",
        "customerId": customer["id"],
        "package": "webex_calling",
        "status": "provisioned",
    }
    return Expected("subscriber.provision", "subscriber", subscriber["id"], None, after)


def subscriber_update(ctx: Ctx) -> Expected:
    subscriber = ctx.subscriber(ctx.customer()["id"])
    ctx.act("PUT", f"{SUBSCRIBERS}/{subscriber['id']}", json={"packages": ["webex_meetings"]})
    before, after = {"package": "webex_calling"}, {"package": "webex_meetings"}
    return Expected("subscriber.update", "subscriber", subscriber["id"], before, after)


def subscriber_remove(ctx: Ctx) -> Expected:
    subscriber = ctx.subscriber(ctx.customer()["id"], email="gone@pizza.test")
    ctx.act("DELETE", f"{SUBSCRIBERS}/{subscriber['id']}")
    before = {"email": "gone@pizza.test", "status": "provisioned"}
    return Expected(
        "subscriber.remove", "subscriber", subscriber["id"], before, {"status": "removed"}
    )


def billing_report_create(ctx: Ctx) -> Expected:
    report = ctx.act("POST", REPORTS, json={**REPORT_DAYS, "type": "CUSTOMER"})
    after = {"reportType": "CUSTOMER", "billingStart": "2027-01-01", "billingEnd": "2027-01-02"}
    return Expected("billing_report.create", "billing_report", report["id"], None, after)


def billing_report_delete(ctx: Ctx) -> Expected:
    report = ctx.setup("POST", REPORTS, json={**REPORT_DAYS, "type": "USER"})
    ctx.act("DELETE", f"{REPORTS}/{report['id']}")
    before = {"reportType": "USER", "billingStart": "2027-01-01", "billingEnd": "2027-01-02"}
    return Expected("billing_report.delete", "billing_report", report["id"], before, None)


def price_book_first_set(ctx: Ctx) -> Expected:
    ctx.prices("12.50", change=True)
    after = {"currency": "EUR", "effectiveFrom": "2027-01-01", "prices": {CALLING_SKU: "12.50"}}
    return Expected("price_book.set", "price_book", ANY, None, after, by="operator")


def price_book_change(ctx: Ctx) -> Expected:
    ctx.prices("12.50", change=False)
    ctx.prices("14.00", change=True)
    before = {"currency": "EUR", "effectiveFrom": "2027-01-01", "prices": {CALLING_SKU: "12.50"}}
    after = {"currency": "EUR", "effectiveFrom": "2027-01-01", "prices": {CALLING_SKU: "14.00"}}
    return Expected("price_book.set", "price_book", ANY, before, after, by="operator")


def sub_partner_create(ctx: Ctx) -> Expected:
    body = {
        "name": "Beta Reseller",
        "adminEmail": "boss@beta.test",
        "adminFirstName": "Bea",
        "adminLastName": "Boss",
    }
    org_id = ctx.act("POST", SUB_PARTNERS, json=body)["orgId"]
    after = {"name": "Beta Reseller", "adminEmail": "boss@beta.test", "provisioningState": "active"}
    return Expected("sub_partner.create", "sub_partner", org_id, None, after)


def sub_partner_suspend(ctx: Ctx) -> Expected:
    org_id = ctx.sub_partner()
    ctx.act("POST", f"{SUB_PARTNERS}/{org_id}/suspend")
    before, after = {"provisioningState": "active"}, {"provisioningState": "suspended"}
    return Expected("sub_partner.suspend", "sub_partner", org_id, before, after)


def sub_partner_reactivate(ctx: Ctx) -> Expected:
    org_id = ctx.sub_partner()
    ctx.setup("POST", f"{SUB_PARTNERS}/{org_id}/suspend")
    ctx.act("POST", f"{SUB_PARTNERS}/{org_id}/reactivate")
    before, after = {"provisioningState": "suspended"}, {"provisioningState": "active"}
    return Expected("sub_partner.reactivate", "sub_partner", org_id, before, after)


CHANGES: list[Callable[[Ctx], Expected]] = [
    template_create,
    template_update,
    template_delete,
    customer_provision,
    customer_provisioning_completes,
    customer_update,
    customer_update_completes,
    customer_remove,
    customer_removal_completes,
    restricted_mode_off,
    subscriber_provision,
    subscriber_update,
    subscriber_remove,
    billing_report_create,
    billing_report_delete,
    price_book_first_set,
    price_book_change,
    sub_partner_create,
    sub_partner_suspend,
    sub_partner_reactivate,
]


@pytest.fixture
def ctx(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> Ctx:
    """The world of one change."""
    return Ctx(app_client, db, clock, partner, make_operator(db, clock))


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_each_change_is_logged_once_with_who_what_before_after_when_and_tracking_id(
    ctx: Ctx, change: Callable[[Ctx], Expected]
) -> None:
    expected = change(ctx)

    everything = list_all(ctx.client, OPS_AUDIT, ctx.ops.headers)
    new = [e for e in everything if e["id"] not in ctx.seen]
    matching = [
        e
        for e in new
        if e["action"] == expected.action
        and (expected.target_id is ANY or e["targetId"] == expected.target_id)
    ]
    assert len(matching) == 1, new
    event = matching[0]
    assert event["targetType"] == expected.target_type
    assert event["targetId"]
    assert event["occurred"] == ACT_ISO
    assert event["onBehalfOfOrgId"] is None
    assert event["partnerOrgId"] == ctx.partner.org_id
    if expected.by == "partner":
        assert event["actorUserId"] == user_id_of(ctx.db, ctx.partner.admin_email)
        assert event["actorOrgId"] == ctx.partner.org_id
        assert event["trackingId"] == TRACKING
    elif expected.by == "operator":
        assert (event["actorUserId"], event["actorOrgId"]) == (ctx.ops.user_id, ctx.ops.org_id)
        assert event["trackingId"] == TRACKING
    else:  # the platform itself, finishing work in the background
        assert (event["actorUserId"], event["actorOrgId"]) == (None, None)
        assert event["trackingId"]
    assert_fields(event["before"], expected.before, "before")
    assert_fields(event["after"], expected.after, "after")
    # where from: the client of the request behind it; nowhere for the platform's own steps
    over_http = expected.by in ("partner", "operator")
    assert event["sourceAddress"] == ("testclient" if over_http else None)
    assert event["userAgent"] == (USER_AGENT if over_http else None)
    partner_view = list_all(ctx.client, PARTNER_AUDIT, ctx.partner.headers)
    as_partner_sees_it = [e for e in partner_view if e["id"] == event["id"]]
    if expected.by == "operator":  # the partner does not learn where operators work from
        event = {**event, "sourceAddress": None, "userAgent": None}
    assert as_partner_sees_it == [event]


def test_a_price_book_change_keeps_its_target(ctx: Ctx) -> None:
    ctx.prices("12.50", change=False)
    ctx.prices("14.00", change=True)

    events = list_all(ctx.client, PARTNER_AUDIT, ctx.partner.headers, action="price_book.set")

    assert [e["after"]["prices"] for e in events] == [
        {CALLING_SKU: "14.00"},
        {CALLING_SKU: "12.50"},
    ]
    assert events[0]["targetId"] == events[1]["targetId"]


def test_setting_up_a_sub_partner_credits_every_resulting_change_to_the_caller(ctx: Ctx) -> None:
    body = {
        "name": "Beta",
        "adminEmail": "boss@beta.test",
        "adminFirstName": "B",
        "adminLastName": "B",
    }
    org_id = ctx.act("POST", SUB_PARTNERS, json=body)["orgId"]

    caused = list_all(ctx.client, OPS_AUDIT, ctx.ops.headers, trackingId=TRACKING)

    # The sub-partner's default template and its admin's roles come with it; its new admin
    # has done nothing yet.
    assert sorted(e["action"] for e in caused) == [
        "role.grant",
        "role.grant",
        "sub_partner.create",
        "template.create",
    ]
    admin = user_id_of(ctx.db, ctx.partner.admin_email)
    assert {(e["action"], e["actorUserId"], e["actorOrgId"]) for e in caused} == {
        ("sub_partner.create", admin, ctx.partner.org_id),
        ("template.create", admin, ctx.partner.org_id),
        ("role.grant", admin, ctx.partner.org_id),
    }
    grants = [e for e in caused if e["action"] == "role.grant"]
    assert {e["after"]["role"] for e in grants} == {"partner_full_admin", "wholesale_admin"}
    assert {e["ownerOrgId"] for e in grants} == {org_id}
    template = next(e for e in caused if e["action"] == "template.create")
    assert template["onBehalfOfOrgId"] == org_id
    assert template["ownerOrgId"] == org_id


def test_before_and_after_name_fields_in_camel_case_like_the_rest_of_the_api(ctx: Ctx) -> None:
    customer = ctx.customer()
    subscriber = ctx.subscriber(customer["id"])
    ctx.setup("PUT", f"{SUBSCRIBERS}/{subscriber['id']}", json={"packages": ["webex_meetings"]})
    template = ctx.setup("POST", TEMPLATES, json={"name": "Gold", "pstnProvider": "Tele PSTN"})
    ctx.setup("DELETE", f"{TEMPLATES}/{template['id']}")
    ctx.setup("POST", REPORTS, json=REPORT_DAYS)
    ctx.setup("PUT", f"{CUSTOMERS}/{customer['id']}", json={"packages": ["webex_meetings"]})

    events = list_all(ctx.client, PARTNER_AUDIT, ctx.partner.headers)

    keys = {
        (e["action"], key)
        for e in events
        for side in (e["before"], e["after"])
        for key in side or {}
    }
    assert keys
    assert {(action, key) for action, key in keys if "_" in key} == set()


# -- 2. acting for a sub-partner; who sees what -------------------------------------------------


def _template_event(events: list[dict[str, Any]], tracking: str) -> dict[str, Any]:
    found = [e for e in events if e["trackingId"] == tracking and e["action"] == "template.create"]
    assert len(found) == 1, events
    return found[0]


def test_acting_for_a_sub_partner_is_recorded_and_each_side_sees_its_share(
    ctx: Ctx, other_partner: Partner
) -> None:
    client, partner, clock = ctx.client, ctx.partner, ctx.clock
    admin = user_id_of(ctx.db, partner.admin_email)
    sub = ctx.sub_partner(email="boss@beta.test")
    sub_admin, sub_headers = token_of(ctx.db, clock, "boss@beta.test")
    clock.advance(timedelta(minutes=1))
    ok(send(client, "POST", TEMPLATES, partner.headers, "parent-own", json={"name": "P"}))
    clock.advance(timedelta(minutes=1))
    ok(
        send(
            client,
            "POST",
            TEMPLATES,
            partner.headers,
            "parent-for-sub",
            params={ON_BEHALF: sub},
            json={"name": "For B"},
        )
    )
    clock.advance(timedelta(minutes=1))
    ok(send(client, "POST", TEMPLATES, sub_headers, "sub-own", json={"name": "B's own"}))
    ok(send(client, "POST", TEMPLATES, other_partner.headers, "rival", json={"name": "R"}))

    parent_view = list_all(client, PARTNER_AUDIT, partner.headers)
    parent_for_sub_view = list_all(client, PARTNER_AUDIT, partner.headers, **{ON_BEHALF: sub})
    sub_view = list_all(client, PARTNER_AUDIT, sub_headers)
    rival_view = list_all(client, PARTNER_AUDIT, other_partner.headers)
    ops_view = list_all(client, OPS_AUDIT, ctx.ops.headers)

    for_sub = _template_event(parent_view, "parent-for-sub")
    assert (for_sub["actorUserId"], for_sub["actorOrgId"]) == (admin, partner.org_id)
    assert for_sub["onBehalfOfOrgId"] == sub
    assert (for_sub["ownerOrgId"], for_sub["partnerOrgId"]) == (sub, partner.org_id)
    by_sub = _template_event(parent_view, "sub-own")
    assert (by_sub["actorUserId"], by_sub["actorOrgId"]) == (sub_admin, sub)
    assert by_sub["onBehalfOfOrgId"] is None
    own = _template_event(parent_view, "parent-own")
    assert (own["actorOrgId"], own["onBehalfOfOrgId"], own["ownerOrgId"]) == (
        partner.org_id,
        None,
        partner.org_id,
    )
    rival = _template_event(rival_view, "rival")

    assert without_source([for_sub, by_sub]) == without_source(sub_view[:2][::-1])
    assert own["id"] not in {e["id"] for e in sub_view}
    assert {e["ownerOrgId"] for e in sub_view} == {sub}
    assert without_source(parent_for_sub_view) == without_source(sub_view)
    # where from: each side sees it for its own people's changes (a parent, its sub-partners'
    # too), never for the other's; the operator sees all
    sources = {
        view_name: {e["trackingId"]: e["sourceAddress"] for e in view}
        for view_name, view in (
            ("parent", parent_view),
            ("sub", sub_view),
            ("ops", ops_view),
            ("rival", rival_view),
        )
    }
    assert sources["parent"]["parent-own"] == "testclient"
    assert sources["parent"]["parent-for-sub"] == "testclient"
    assert sources["parent"]["sub-own"] == "testclient"
    assert sources["sub"]["parent-for-sub"] is None
    assert sources["sub"]["sub-own"] == "testclient"
    assert sources["rival"]["rival"] == "testclient"
    assert {sources["ops"][t] for t in ("parent-own", "parent-for-sub", "sub-own", "rival")} == {
        "testclient"
    }
    assert {e["ownerOrgId"] for e in parent_view} == {partner.org_id, sub}
    assert rival not in parent_view
    assert rival not in sub_view
    assert {e["partnerOrgId"] for e in rival_view} == {other_partner.org_id}
    assert not {e["id"] for e in rival_view} & {e["id"] for e in parent_view}
    for event in (for_sub, by_sub, own, rival):
        assert event in ops_view


def test_another_partner_cannot_read_a_sub_partner_log_it_does_not_own(
    ctx: Ctx, other_partner: Partner
) -> None:
    sub = ctx.sub_partner()

    response = ctx.client.get(PARTNER_AUDIT, params={ON_BEHALF: sub}, headers=other_partner.headers)

    assert response.status_code == 404
    assert error_codes(response) == [1015]


# -- 3. filters, order, paging, access ----------------------------------------------------------

T = [START + timedelta(minutes=i) for i in range(6)]


@dataclass(frozen=True)
class History:
    """A partner's log: its default template at T0, then one request per minute T1..T5."""

    partner: Partner
    admin: str
    bob: str
    alpha: str
    beta: str
    full: list[dict[str, Any]]
    ops_full: list[dict[str, Any]]
    ops: Operator


def make_history(client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> History:
    """T1 admin creates Alpha, T2 Bob renames it, T3 admin creates Beta, T4 deletes it,
    T5 admin sets up a sub-partner (which comes with its own default template)."""
    ops = make_operator(db, clock)
    bob, bob_headers = add_user(
        db, clock, partner.org_id, "bob@acme.test", Role.WHOLESALE_ADMIN, WHOLESALE_SCOPES
    )
    h = partner.headers
    clock.set(T[1])
    alpha = ok(send(client, "POST", TEMPLATES, h, "trk-1", json={"name": "Alpha"}))["id"]
    clock.set(T[2])
    ok(send(client, "PUT", f"{TEMPLATES}/{alpha}", bob_headers, "trk-2", json={"name": "Alpha 2"}))
    clock.set(T[3])
    beta = ok(send(client, "POST", TEMPLATES, h, "trk-3", json={"name": "Beta"}))["id"]
    clock.set(T[4])
    ok(send(client, "DELETE", f"{TEMPLATES}/{beta}", h, "trk-4"))
    clock.set(T[5])
    body = {
        "name": "Sub",
        "adminEmail": "sub@sub.test",
        "adminFirstName": "S",
        "adminLastName": "S",
    }
    ok(send(client, "POST", SUB_PARTNERS, h, "trk-5", json=body))
    return History(
        partner=partner,
        admin=user_id_of(db, partner.admin_email),
        bob=bob,
        alpha=alpha,
        beta=beta,
        full=list_all(client, PARTNER_AUDIT, h),
        ops_full=list_all(client, OPS_AUDIT, ops.headers),
        ops=ops,
    )


@pytest.fixture
def history(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> History:
    """The partner's scripted history."""
    return make_history(app_client, db, clock, partner)


Filter = Callable[[History], tuple[dict[str, str], Callable[[dict[str, Any]], bool]]]
FILTERS: dict[str, Filter] = {
    "action": lambda h: ({"action": "template.create"}, lambda e: e["action"] == "template.create"),
    "targetType": lambda h: (
        {"targetType": "sub_partner"},
        lambda e: e["targetType"] == "sub_partner",
    ),
    "targetId": lambda h: ({"targetId": h.alpha}, lambda e: e["targetId"] == h.alpha),
    "actorUserId": lambda h: ({"actorUserId": h.bob}, lambda e: e["actorUserId"] == h.bob),
    "trackingId": lambda h: ({"trackingId": "trk-3"}, lambda e: e["trackingId"] == "trk-3"),
    "action and actor together": lambda h: (
        {"action": "template.create", "actorUserId": h.admin},
        lambda e: e["action"] == "template.create" and e["actorUserId"] == h.admin,
    ),
    "from, ISO 8601, inclusive": lambda h: ({"from": iso_z(T[2])}, lambda e: occurred(e) >= T[2]),
    "to, epoch ms, inclusive": lambda h: ({"to": epoch_ms(T[4])}, lambda e: occurred(e) <= T[4]),
    "from and to both at one event's instant (inclusive), with an offset": lambda h: (
        {"from": "2027-01-03T11:03:00+02:00", "to": epoch_ms(T[3])},
        lambda e: occurred(e) == T[3],
    ),
    "from epoch ms and to ISO": lambda h: (
        {"from": epoch_ms(T[1]), "to": iso_z(T[2])},
        lambda e: T[1] <= occurred(e) <= T[2],
    ),
}


def test_each_filter_narrows_both_lists_to_exactly_the_matching_events(
    app_client: TestClient, history: History
) -> None:
    for name, make_filter in FILTERS.items():
        params, matches = make_filter(history)

        mine = list_all(app_client, PARTNER_AUDIT, history.partner.headers, **params)
        everyone = list_all(app_client, OPS_AUDIT, history.ops.headers, **params)

        expected = [e for e in history.full if matches(e)]
        assert 0 < len(expected) < len(history.full), name
        assert mine == expected, name
        assert everyone == [e for e in history.ops_full if matches(e)], name


def test_events_come_newest_first(history: History) -> None:
    assert [(e["trackingId"], e["action"]) for e in history.full] == [
        ("trk-5", "role.grant"),  # the sub-partner's admin, both of its roles
        ("trk-5", "role.grant"),
        ("trk-5", "sub_partner.create"),
        ("trk-5", "template.create"),
        ("trk-4", "template.delete"),
        ("trk-3", "template.create"),
        ("trk-2", "template.replace"),
        ("trk-1", "template.create"),
        # Set up outside a request: Bob's token and role, the partner's test token, its
        # admin's roles, the partner itself and its default template.
        (None, "token.issue"),
        (None, "role.grant"),
        (None, "token.issue"),
        (None, "role.grant"),
        (None, "role.grant"),
        (None, "partner.create"),
        (None, "template.create"),
    ]
    times = [occurred(e) for e in history.full]
    assert times == sorted(times, reverse=True)
    assert times[-1] == START


INVALID_QUERIES = [
    ("from", "yesterday"),
    ("to", "2027-13-01T00:00:00Z"),
    ("from", "1.5"),
    ("max", "0"),
    ("offset", "-1"),
]


def test_an_invalid_query_parameter_is_a_400(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    ops = make_operator(db, clock)

    for name, value in INVALID_QUERIES:
        for url, headers in ((PARTNER_AUDIT, partner.headers), (OPS_AUDIT, ops.headers)):
            response = app_client.get(url, params={name: value}, headers=headers)
            assert response.status_code == 400, (name, value, url, response.text)
            assert error_codes(response) == [1003], (name, value, url)


def _pages(client: TestClient, url: str, headers: dict[str, str]) -> list[list[Any]]:
    """Every page of a list, following `Link: rel="next"` as a client would."""
    pages = []
    params: dict[str, str] | None = {"action": "template.create", "from": iso_z(START), "max": "2"}
    while True:
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        if "link" not in response.headers:
            return pages
        link = response.headers["link"]
        assert link.endswith('>; rel="next"')
        url, params = link[1 : link.index(">")], None
        query = parse_qs(urlsplit(url).query)
        assert query["action"] == ["template.create"]
        assert query["from"] == [iso_z(START)]
        assert query["max"] == ["2"]
        assert query["offset"] == [str(2 * len(pages))]


def test_paging_follows_link_headers_that_keep_the_filters(
    app_client: TestClient, history: History
) -> None:
    for url, headers, full in (
        (PARTNER_AUDIT, history.partner.headers, history.full),
        (OPS_AUDIT, history.ops.headers, history.ops_full),
    ):
        expected = [e for e in full if e["action"] == "template.create"]
        assert len(expected) == 4  # the two default templates, Alpha and Beta

        pages = _pages(app_client, url, headers)

        assert [len(page) for page in pages] == [2, 2], url
        assert [e for page in pages for e in page] == expected, url


def test_a_partner_read_only_user_can_read_the_log(
    app_client: TestClient, db: Database, clock: ManualClock, history: History
) -> None:
    _, reader = add_user(
        db, clock, history.partner.org_id, "viewer@acme.test", Role.PARTNER_READ_ONLY, READ_SCOPES
    )

    response = app_client.get(PARTNER_AUDIT, headers=reader)

    assert response.status_code == 200
    items = response.json()["items"]
    # Newest first: the reader's own token and role, then the history as its admin saw it.
    assert [(e["action"], e["ownerOrgId"]) for e in items[:2]] == [
        ("token.issue", history.partner.org_id),
        ("role.grant", history.partner.org_id),
    ]
    assert items[2:] == history.full


def test_a_token_without_the_audit_scope_is_refused(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    scopes = frozenset({Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE, Scope.TEMPLATES_READ})
    _, headers = token_of(db, clock, partner.admin_email, scopes)

    response = app_client.get(PARTNER_AUDIT, headers=headers)

    assert response.status_code == 403
    assert error_codes(response) == [1011]


def test_only_operators_read_the_whole_log(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    ops = make_operator(db, clock)

    as_partner = app_client.get(OPS_AUDIT, headers=partner.headers)
    operator_on_partner_route = app_client.get(PARTNER_AUDIT, headers=ops.headers)
    anonymous = app_client.get(OPS_AUDIT)

    assert as_partner.status_code == 403
    assert error_codes(as_partner) == [1011]
    assert operator_on_partner_route.status_code == 403
    assert anonymous.status_code == 401
    assert error_codes(anonymous) == [1010]


# -- 4. failed requests leave nothing -----------------------------------------------------------


def duplicate_template_name(ctx: Ctx) -> Reply:
    ctx.setup("POST", TEMPLATES, json={"name": "Gold"})
    return ctx.attempt("POST", TEMPLATES, json={"name": "Gold"})


def template_without_name(ctx: Ctx) -> Reply:
    return ctx.attempt("POST", TEMPLATES, json={"pstnProvider": "Tele PSTN"})


def replace_unknown_template(ctx: Ctx) -> Reply:
    return ctx.attempt("PUT", f"{TEMPLATES}/no-such-template", json={"name": "X"})


def template_for_unknown_sub_partner(ctx: Ctx) -> Reply:
    return ctx.attempt("POST", TEMPLATES, params={ON_BEHALF: "nobody"}, json={"name": "X"})


def duplicate_external_id(ctx: Ctx) -> Reply:
    ctx.customer(externalId="same")
    return ctx.attempt("POST", CUSTOMERS, json=customer_body(ctx.partner, externalId="same"))


def customer_with_unknown_package(ctx: Ctx) -> Reply:
    body = customer_body(ctx.partner, packages=["webex_calling", "webex_teleport"])
    return ctx.attempt("POST", CUSTOMERS, json=body)


def customer_update_removing_a_package_in_use(ctx: Ctx) -> Reply:
    customer = ctx.customer(externalId="keep-me")
    ctx.subscriber(customer["id"])  # holds webex_calling
    body = {"packages": ["webex_meetings"], "externalId": "changed"}
    response = ctx.attempt("PUT", f"{CUSTOMERS}/{customer['id']}", json=body)
    after = ctx.setup("GET", f"{CUSTOMERS}/{customer['id']}")
    assert after["externalId"] == "keep-me"
    return response


def customer_update_while_provisioning(ctx: Ctx) -> Reply:
    accepted = ctx.setup("POST", CUSTOMERS, json=customer_body(ctx.partner))
    return ctx.attempt("PUT", accepted["url"], json={"packages": ["webex_calling"]})


def remove_another_partners_customer(ctx: Ctx) -> Reply:
    rival = make_partner(ctx.db, ctx.clock, "Rival Networks")
    accepted = ok(
        send(ctx.client, "POST", CUSTOMERS, rival.headers, "x", json=customer_body(rival))
    )
    drain(ctx.client)
    return ctx.attempt("DELETE", accepted["url"])


def restricted_mode_of_unknown_customer(ctx: Ctx) -> Reply:
    url = "/v1/partner/customers/no-such-customer/restrictedMode"
    return ctx.attempt("PUT", url, json={"enabled": False})


def duplicate_extension(ctx: Ctx) -> Reply:
    customer = ctx.customer()
    ctx.subscriber(
        customer["id"],
        provisioningParameters={"firstName": "A", "lastName": "B", "extension": "4321"},
    )
    parameters = {"firstName": "C", "lastName": "D", "extension": "4321"}
    body = subscriber_body(customer["id"], provisioningParameters=parameters)
    return ctx.attempt("POST", SUBSCRIBERS, json=body)


def subscriber_to_unknown_package(ctx: Ctx) -> Reply:
    subscriber = ctx.subscriber(ctx.customer()["id"])
    url = f"{SUBSCRIBERS}/{subscriber['id']}"
    return ctx.attempt("PUT", url, json={"packages": ["webex_teleport"]})


def remove_unknown_subscriber(ctx: Ctx) -> Reply:
    return ctx.attempt("DELETE", f"{SUBSCRIBERS}/no-such-subscriber")


def report_ending_today(ctx: Ctx) -> Reply:
    body = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-03"}
    return ctx.attempt("POST", REPORTS, json=body)


def duplicate_completed_report(ctx: Ctx) -> Reply:
    ctx.setup("POST", REPORTS, json=REPORT_DAYS)
    drain(ctx.client)
    return ctx.attempt("POST", REPORTS, json=REPORT_DAYS)


def delete_unknown_report(ctx: Ctx) -> Reply:
    return ctx.attempt("DELETE", f"{REPORTS}/no-such-report")


def price_book_in_bad_currency(ctx: Ctx) -> Reply:
    body = {"currency": "euro", "prices": [{"sku": CALLING_SKU, "monthlyPrice": "1"}]}
    params = {"partnerOrgId": ctx.partner.org_id}
    return ctx.attempt("PUT", PRICE_BOOK, params=params, json=body, headers=ctx.ops.headers)


def price_book_with_unknown_sku(ctx: Ctx) -> Reply:
    body = {"currency": "EUR", "prices": [{"sku": "TK-NOPE", "monthlyPrice": "1"}]}
    params = {"partnerOrgId": ctx.partner.org_id}
    return ctx.attempt("PUT", PRICE_BOOK, params=params, json=body, headers=ctx.ops.headers)


def sub_partner_with_taken_email(ctx: Ctx) -> Reply:
    body = {
        "name": "Gamma",
        "adminEmail": ctx.partner.admin_email,
        "adminFirstName": "G",
        "adminLastName": "G",
    }
    return ctx.attempt("POST", SUB_PARTNERS, json=body)


def suspend_unknown_sub_partner(ctx: Ctx) -> Reply:
    return ctx.attempt("POST", f"{SUB_PARTNERS}/no-such-org/suspend")


FAILURES: list[tuple[Callable[[Ctx], Reply], int, int]] = [
    (duplicate_template_name, 409, 3003),
    (template_without_name, 400, 1001),
    (replace_unknown_template, 404, 3001),
    (template_for_unknown_sub_partner, 404, 1015),
    (duplicate_external_id, 409, 4003),
    (customer_with_unknown_package, 400, 4005),
    (customer_update_removing_a_package_in_use, 409, 4016),
    (customer_update_while_provisioning, 409, 4015),
    (remove_another_partners_customer, 404, 4001),
    (restricted_mode_of_unknown_customer, 404, 4001),
    (duplicate_extension, 409, 5005),
    (subscriber_to_unknown_package, 400, 4005),
    (remove_unknown_subscriber, 404, 5013),
    (report_ending_today, 400, 6001),
    (duplicate_completed_report, 409, 6002),
    (delete_unknown_report, 404, 2024),
    (price_book_in_bad_currency, 400, 6008),
    (price_book_with_unknown_sku, 400, 6007),
    (sub_partner_with_taken_email, 409, 10022),
    (suspend_unknown_sub_partner, 404, 1015),
]


@pytest.mark.parametrize(
    ("attempt", "status", "code"), FAILURES, ids=[f[0].__name__ for f in FAILURES]
)
def test_a_failed_request_leaves_no_audit_event(
    ctx: Ctx, attempt: Callable[[Ctx], Reply], status: int, code: int
) -> None:
    response = attempt(ctx)

    assert response.status_code == status, response.text
    assert error_codes(response) == [code]
    everything = list_all(ctx.client, OPS_AUDIT, ctx.ops.headers)
    assert [e for e in everything if e["id"] not in ctx.seen] == []
    assert [e for e in everything if e["trackingId"] == TRACKING] == []


def test_a_background_step_carries_the_tracking_id_of_the_request_behind_it(
    app_client: TestClient, partner: Partner
) -> None:
    headers = {**partner.headers, "TrackingID": "order-77"}
    accepted = app_client.post(CUSTOMERS, json=customer_body(partner), headers=headers)
    drain(app_client)

    events = list_all(app_client, PARTNER_AUDIT, partner.headers, trackingId="order-77")

    customer_id = accepted.json()["url"].rsplit("/", 1)[1]
    assert [(e["action"], e["targetId"]) for e in events] == [
        ("customer.status", customer_id),
        ("customer.provision", customer_id),
    ]
    assert events[0]["after"] == {"status": "provisioned"}
    assert events[0]["actorUserId"] is None
