"""Sub-partners (PRODUCT.md section 7, roles in 10.1), through the real app.

Covers setting one up (`POST /v1/partner/subPartners`: the answer, the first administrator's
invitation, validation naming the field, one level only, roles), the wire-compatible list
`GET /v1/wholesale/subPartners` (fields, filters, `Link` paging), suspending and reactivating
(a suspended sub-partner can only read and delete, whether it acts itself or its parent acts
for it), and a parent acting for its sub-partner with `onBehalfOfSubPartnerOrgId`
(templates in its account, its customers and subscribers, `subPartnerAdminEmail`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    SubPartner,
    customer_body,
    error_codes,
    new_user_headers,
    next_url,
    operator_headers,
    outbox,
    provision_customer,
    set_up_sub_partner,
    sub_partner_body,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import READ_SCOPES, Role, Scope

SUB_PARTNERS = "/v1/partner/subPartners"
LIST = "/v1/wholesale/subPartners"
CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
TEMPLATES = "/v1/partner/onboardingTemplates"
AUDIT = "/v1/partner/auditEvents"
ON_BEHALF = "onBehalfOfSubPartnerOrgId"
SET_UP_AT = "2027-01-03T09:00:00.000Z"  # the `clock` fixture's start
SET_UP_DAY = "2027-01-03T00:00:00.000Z"
WIRE_FIELDS = {"orgId", "subscriptionId", "provisioningState", "created", "billingStartDate"}

# ---- helpers -----------------------------------------------------------------------------------


def calling_template(
    client: TestClient,
    headers: dict[str, str],
    name: str,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Create a template fit for calling customers (it names a PSTN provider)."""
    response = client.post(
        TEMPLATES,
        params=params,
        json={"name": name, "pstnProvider": f"{name} PSTN"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def ids(response: Any, key: str = "id") -> list[str]:
    """The `key` of every item of a list answer (which must be 200)."""
    assert response.status_code == 200, response.text
    return [item[key] for item in response.json()["items"]]


# ---- setting up a sub-partner -----------------------------------------------------------------


def test_setting_up_a_sub_partner_answers_201_with_its_org_id_and_details(
    app_client: TestClient, partner: Partner
) -> None:
    body = sub_partner_body(
        name="Corner Shop Telecom",
        subscriptionId=partner.subscription_id,
        billingStartDate="2027-02-01",
    )

    response = app_client.post(SUB_PARTNERS, json=body, headers=partner.headers)

    assert response.status_code == 201, response.text
    created = response.json()
    org_id = created["orgId"]
    assert org_id
    assert org_id != partner.org_id
    assert created["subscriptionId"] == partner.subscription_id
    assert created["provisioningState"] == "active"
    assert created["created"] == SET_UP_AT
    assert created["billingStartDate"] == "2027-02-01T00:00:00.000Z"
    assert created["name"] == "Corner Shop Telecom"
    assert created["adminEmail"] == body["adminEmail"]
    assert response.headers["location"] == f"http://tukku.test{SUB_PARTNERS}/{org_id}"
    again = app_client.get(f"{SUB_PARTNERS}/{org_id}", headers=partner.headers)
    assert again.status_code == 200
    assert again.json() == created


def test_subscription_and_billing_start_default_to_the_partners_and_the_set_up_day(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(SUB_PARTNERS, json=sub_partner_body(), headers=partner.headers)

    assert response.status_code == 201, response.text
    assert response.json()["subscriptionId"] == partner.subscription_id
    assert response.json()["billingStartDate"] == SET_UP_DAY


def test_the_first_administrator_is_invited_by_e_mail(
    app_client: TestClient, partner: Partner
) -> None:
    body = sub_partner_body(name="Invited Resellers", adminEmail="Rita.Admin@Invited.test")

    response = app_client.post(SUB_PARTNERS, json=body, headers=partner.headers)

    assert response.status_code == 201, response.text
    mails = outbox(app_client, "rita.admin@invited.test")
    assert [m.kind for m in mails] == ["invitation"]
    assert "Invited Resellers" in mails[0].subject
    # A link to choose a portal password, from the configured base URL, that works.
    link = re.search(r"http://tukku\.test(/portal/set-password/\S+)", mails[0].body)
    assert link is not None, mails[0].body
    form = app_client.get(link.group(1))
    assert form.status_code == 200
    assert "rita.admin@invited.test" in form.text


def test_the_first_administrator_can_work_with_a_token_of_its_own(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Own Token Resellers")

    customers = app_client.get(CUSTOMERS, headers=sub.headers)
    templates = app_client.get(TEMPLATES, headers=sub.headers)

    assert ids(customers) == []
    # set-up gives the sub-partner a default template, under the shared subscription
    assert [t["name"] for t in templates.json()["items"]] == ["Default"]
    assert templates.json()["items"][0]["subscriptionId"] == partner.subscription_id
    assert templates.json()["items"][0]["brandName"] == "Own Token Resellers"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": None}, "name", 1001),
        ({"name": ""}, "name", 1002),
        ({"name": "   "}, "name", 1002),
        ({"adminEmail": None}, "adminEmail", 1001),
        ({"adminEmail": "not-an-address"}, "adminEmail", 5015),
        ({"adminFirstName": None}, "adminFirstName", 1001),
        ({"adminLastName": ""}, "adminLastName", 1002),
        ({"billingStartDate": "2027-02-30"}, "billingStartDate", 1002),
        ({"billingStartDate": "01.02.2027"}, "billingStartDate", 1002),
        ({"subscriptionId": "Sub-no-such-subscription"}, "subscriptionId", 1002),
    ],
    ids=lambda value: str(value),
)
def test_an_invalid_field_is_refused_with_400_naming_it(
    app_client: TestClient, partner: Partner, change: dict[str, Any], field: str, code: int
) -> None:
    body = sub_partner_body()
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value

    response = app_client.post(SUB_PARTNERS, json=body, headers=partner.headers)

    assert response.status_code == 400, response.text
    assert error_codes(response) == [code]
    assert field in response.json()["errors"][0]["description"]
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == []
    if "adminEmail" in body and "@" in body["adminEmail"]:
        assert outbox(app_client, body["adminEmail"]) == []


def test_another_partners_subscription_id_is_refused(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    body = sub_partner_body(subscriptionId=other_partner.subscription_id)

    response = app_client.post(SUB_PARTNERS, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [1002]
    assert "subscriptionId" in response.json()["message"]
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == []


def test_every_invalid_field_is_reported_at_once(app_client: TestClient, partner: Partner) -> None:
    body = sub_partner_body(adminEmail="nobody", billingStartDate="someday")

    response = app_client.post(SUB_PARTNERS, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [1002, 5015]
    assert "adminEmail" in response.json()["message"]
    assert "billingStartDate" in response.json()["message"]


def test_an_admin_e_mail_already_in_use_is_a_conflict(
    app_client: TestClient, partner: Partner
) -> None:
    taken = set_up_sub_partner(app_client, partner)

    response = app_client.post(
        SUB_PARTNERS,
        json=sub_partner_body(adminEmail=taken.admin_email.upper()),
        headers=partner.headers,
    )

    assert response.status_code == 409
    assert error_codes(response) == [10022]
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == [taken.org_id]


def test_a_sub_partner_cannot_set_up_a_sub_partner_of_its_own(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    body = sub_partner_body()

    response = app_client.post(SUB_PARTNERS, json=body, headers=sub.headers)

    assert response.status_code == 403
    assert error_codes(response) == [1017]
    assert outbox(app_client, body["adminEmail"]) == []
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == [sub.org_id]


def test_a_read_only_partner_user_may_list_but_not_set_up_suspend_or_reactivate(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    read_only = new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY, READ_SCOPES)

    listed = app_client.get(LIST, headers=read_only)
    created = app_client.post(SUB_PARTNERS, json=sub_partner_body(), headers=read_only)
    suspended = app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/suspend", headers=read_only)
    reactivated = app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/reactivate", headers=read_only)

    assert ids(listed, "orgId") == [sub.org_id]
    for refused in (created, suspended, reactivated):
        assert refused.status_code == 403, refused.text
        assert error_codes(refused) == [1011]
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == [sub.org_id]
    state = app_client.get(f"{SUB_PARTNERS}/{sub.org_id}", headers=partner.headers).json()
    assert state["provisioningState"] == "active"


def test_a_token_without_the_sub_partner_scopes_is_refused(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    limited = new_user_headers(
        db, clock, partner.org_id, Role.PARTNER_FULL_ADMIN, {Scope.CUSTOMERS_READ}
    )

    listed = app_client.get(LIST, headers=limited)
    created = app_client.post(SUB_PARTNERS, json=sub_partner_body(), headers=limited)

    assert listed.status_code == 403
    assert error_codes(listed) == [1011]
    assert created.status_code == 403
    assert error_codes(created) == [1011]


def test_an_operator_sets_up_a_sub_partner_for_a_named_partner(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    ops = operator_headers(db, clock)
    body = sub_partner_body()

    created = app_client.post(
        SUB_PARTNERS, params={"partnerOrgId": partner.org_id}, json=body, headers=ops
    )
    unnamed = app_client.post(SUB_PARTNERS, json=sub_partner_body(), headers=ops)
    under_a_sub_partner = app_client.post(
        SUB_PARTNERS,
        params={"partnerOrgId": created.json()["orgId"]},
        json=sub_partner_body(),
        headers=ops,
    )

    assert created.status_code == 201, created.text
    assert created.json()["subscriptionId"] == partner.subscription_id
    assert ids(app_client.get(LIST, headers=partner.headers), "orgId") == [created.json()["orgId"]]
    assert [m.kind for m in outbox(app_client, body["adminEmail"])] == ["invitation"]
    assert unnamed.status_code == 404
    assert under_a_sub_partner.status_code == 404


def test_without_a_token_the_answer_is_401(app_client: TestClient) -> None:
    created = app_client.post(SUB_PARTNERS, json=sub_partner_body())
    listed = app_client.get(LIST)

    assert created.status_code == 401
    assert listed.status_code == 401


# ---- GET /v1/wholesale/subPartners ------------------------------------------------------------


def test_the_list_carries_exactly_the_wire_fields_oldest_first(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    first = set_up_sub_partner(app_client, partner, billingStartDate="2027-03-01")
    clock.advance(timedelta(seconds=90))
    second = set_up_sub_partner(app_client, partner)

    response = app_client.get(LIST, headers=partner.headers)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [set(item) for item in items] == [WIRE_FIELDS, WIRE_FIELDS]
    assert items == [
        {
            "orgId": first.org_id,
            "subscriptionId": partner.subscription_id,
            "provisioningState": "active",
            "created": SET_UP_AT,
            "billingStartDate": "2027-03-01T00:00:00.000Z",
        },
        {
            "orgId": second.org_id,
            "subscriptionId": partner.subscription_id,
            "provisioningState": "active",
            "created": "2027-01-03T09:01:30.000Z",
            "billingStartDate": SET_UP_DAY,
        },
    ]
    assert "link" not in response.headers


def test_the_list_filters_by_provisioning_state(app_client: TestClient, partner: Partner) -> None:
    active = set_up_sub_partner(app_client, partner)
    suspended = set_up_sub_partner(app_client, partner)
    response = app_client.post(
        f"{SUB_PARTNERS}/{suspended.org_id}/suspend", headers=partner.headers
    )
    assert response.status_code == 200, response.text

    only_active = app_client.get(
        LIST, params={"provisioningState": "active"}, headers=partner.headers
    )
    only_suspended = app_client.get(
        LIST, params={"provisioningState": "suspended"}, headers=partner.headers
    )

    assert ids(only_active, "orgId") == [active.org_id]
    assert ids(only_suspended, "orgId") == [suspended.org_id]
    assert only_suspended.json()["items"][0]["provisioningState"] == "suspended"


def test_the_list_pages_with_link_headers_that_keep_the_filters(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    made = []
    for _ in range(3):
        made.append(set_up_sub_partner(app_client, partner).org_id)
        clock.advance(timedelta(minutes=1))
    gone = set_up_sub_partner(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{gone.org_id}/suspend", headers=partner.headers)

    first = app_client.get(
        LIST, params={"provisioningState": "active", "max": "2"}, headers=partner.headers
    )
    url = next_url(first)
    assert url is not None
    assert "provisioningState=active" in url
    second = app_client.get(url, headers=partner.headers)

    assert ids(first, "orgId") == made[:2]
    assert ids(second, "orgId") == made[2:]
    assert next_url(second) is None
    skipped = app_client.get(LIST, params={"offset": "3"}, headers=partner.headers)
    assert ids(skipped, "orgId") == [gone.org_id]


@pytest.mark.parametrize(
    "params",
    [
        {"provisioningState": "deleted"},
        {"max": "0"},
        {"max": "many"},
        {"offset": "-1"},
        {"offset": "first"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_an_invalid_list_filter_is_refused_with_400(
    app_client: TestClient, partner: Partner, params: dict[str, str]
) -> None:
    response = app_client.get(LIST, params=params, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [1003]
    assert next(iter(params)) in response.json()["message"]


def test_a_sub_partner_has_no_sub_partners_to_list(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    set_up_sub_partner(app_client, partner)

    assert ids(app_client.get(LIST, headers=sub.headers), "orgId") == []


# ---- suspending and reactivating --------------------------------------------------------------


@dataclass(frozen=True)
class Estate:
    """A sub-partner with a template, a provisioned customer and a subscriber of it."""

    sub: SubPartner
    template: dict[str, Any]
    customer: dict[str, Any]
    subscriber: dict[str, Any]


def estate(client: TestClient, partner: Partner) -> Estate:
    sub = set_up_sub_partner(client, partner, name="Suspense Resellers")
    template = calling_template(client, sub.headers, "Suspense Gold")
    created = client.post(
        CUSTOMERS,
        json=customer_body(partner, provisioningId=template["provisioningId"]),
        headers=sub.headers,
    )
    assert created.status_code == 202, created.text
    drain(client)
    customer = client.get(created.json()["url"], headers=sub.headers).json()
    assert customer["status"] == "provisioned"
    subscriber = client.post(SUBSCRIBERS, json=subscriber_body(customer["id"]), headers=sub.headers)
    assert subscriber.status_code == 200, subscriber.text
    return Estate(sub, template, customer, subscriber.json())


@dataclass(frozen=True)
class Caller:
    """Who acts for the sub-partner: its own administrator, or its parent on its behalf."""

    headers: dict[str, str]
    params: dict[str, str]


def caller(kind: str, e: Estate) -> Caller:
    if kind == "its own administrator":
        return Caller(e.sub.headers, {})
    return Caller(e.sub.parent.headers, e.sub.for_it)


WHO = ["its own administrator", "its parent on its behalf"]


def test_suspend_and_reactivate_answer_with_the_new_state(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)

    suspended = app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/suspend", headers=partner.headers)
    while_suspended = app_client.get(f"{SUB_PARTNERS}/{sub.org_id}", headers=partner.headers)
    reactivated = app_client.post(
        f"{SUB_PARTNERS}/{sub.org_id}/reactivate", headers=partner.headers
    )

    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["provisioningState"] == "suspended"
    assert suspended.json()["orgId"] == sub.org_id
    assert while_suspended.json()["provisioningState"] == "suspended"
    assert reactivated.status_code == 200, reactivated.text
    assert reactivated.json()["provisioningState"] == "active"
    listed = app_client.get(LIST, headers=partner.headers).json()["items"]
    assert [i["provisioningState"] for i in listed] == ["active"]


def test_suspending_and_reactivating_are_audited(app_client: TestClient, partner: Partner) -> None:
    sub = set_up_sub_partner(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/suspend", headers=partner.headers)
    app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/reactivate", headers=partner.headers)

    events = app_client.get(AUDIT, params={"targetId": sub.org_id}, headers=partner.headers).json()[
        "items"
    ]

    assert [e["action"] for e in events] == [
        "sub_partner.reactivate",
        "sub_partner.suspend",
        "sub_partner.create",
    ]
    assert events[1]["before"] == {"provisioningState": "active"}
    assert events[1]["after"] == {"provisioningState": "suspended"}


@pytest.mark.parametrize("who", WHO)
def test_a_suspended_sub_partner_cannot_provision_or_update(
    app_client: TestClient, partner: Partner, who: str
) -> None:
    e = estate(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/suspend", headers=partner.headers)
    c = caller(who, e)
    cid, sid = e.customer["id"], e.subscriber["id"]
    attempts = {
        "new customer": app_client.post(
            CUSTOMERS,
            params=c.params,
            json=customer_body(partner, provisioningId=e.template["provisioningId"]),
            headers=c.headers,
        ),
        "new subscriber": app_client.post(
            SUBSCRIBERS, params=c.params, json=subscriber_body(cid), headers=c.headers
        ),
        "new template": app_client.post(
            TEMPLATES, params=c.params, json={"name": "While suspended"}, headers=c.headers
        ),
        "customer update": app_client.put(
            f"{CUSTOMERS}/{cid}",
            params=c.params,
            json={"packages": ["webex_calling", "webex_meetings", "common_area_calling"]},
            headers=c.headers,
        ),
        "subscriber update": app_client.put(
            f"{SUBSCRIBERS}/{sid}",
            params=c.params,
            json={"packages": ["webex_meetings"]},
            headers=c.headers,
        ),
        "template update": app_client.put(
            f"{TEMPLATES}/{e.template['id']}",
            params=c.params,
            json={"name": "Renamed while suspended"},
            headers=c.headers,
        ),
    }
    drain(app_client)

    wrong = {
        what: f"{r.status_code} {r.text}"
        for what, r in attempts.items()
        if r.status_code != 403 or error_codes(r) != [1016]
    }
    assert wrong == {}
    # nothing changed
    sub = e.sub.headers
    assert ids(app_client.get(CUSTOMERS, headers=sub)) == [cid]
    assert ids(app_client.get(SUBSCRIBERS, headers=sub)) == [sid]
    assert [t["name"] for t in app_client.get(TEMPLATES, headers=sub).json()["items"]] == [
        "Default",
        "Suspense Gold",
    ]
    customer = app_client.get(f"{CUSTOMERS}/{cid}", headers=sub).json()
    assert customer["packages"] == ["webex_calling", "webex_meetings"]
    subscriber = app_client.get(f"{SUBSCRIBERS}/{sid}", headers=sub).json()
    assert subscriber["package"] == "webex_calling"


@pytest.mark.parametrize("who", [*WHO, "its parent at its customer"])
def test_a_suspended_sub_partners_prechecks_answer_the_403_provisioning_answers(
    app_client: TestClient, partner: Partner, who: str
) -> None:
    e = estate(app_client, partner)
    c = caller(who, e) if who in WHO else Caller(partner.headers, {})
    requests = {
        "customer": (
            CUSTOMERS,
            customer_body(partner, provisioningId=e.template["provisioningId"]),
        ),
        "subscriber": (SUBSCRIBERS, subscriber_body(e.customer["id"])),
    }
    if who not in WHO:  # acting for itself, the parent provisions customers of its own
        del requests["customer"]

    def precheck(url: str, body: dict[str, Any]) -> Any:
        return app_client.post(f"{url}/validate", params=c.params, json=body, headers=c.headers)

    while_active = {what: precheck(url, body) for what, (url, body) in requests.items()}
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/suspend", headers=partner.headers)
    checked = {what: precheck(url, body) for what, (url, body) in requests.items()}
    provisioned = {
        what: app_client.post(url, params=c.params, json=body, headers=c.headers)
        for what, (url, body) in requests.items()
    }

    for what in requests:
        assert while_active[what].status_code == 200, while_active[what].text
        assert provisioned[what].status_code == 403, provisioned[what].text
        assert checked[what].status_code == 403, checked[what].text
        assert error_codes(checked[what]) == error_codes(provisioned[what]) == [1016]
        assert checked[what].json()["message"] == provisioned[what].json()["message"]


def test_a_suspended_sub_partner_cannot_precheck_a_subscriber_without_a_customer(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    template = calling_template(app_client, sub.headers, "Gold")
    bodies = [
        {"email": "new@pizza.test"},
        {
            "email": "new@pizza.test",
            "provisioningId": template["provisioningId"],
            "customerInfo": {"primaryEmail": "boss@pizza.test"},
        },
    ]
    app_client.post(f"{SUB_PARTNERS}/{sub.org_id}/suspend", headers=partner.headers)

    for body in bodies:
        for headers, params in ((sub.headers, {}), (partner.headers, sub.for_it)):
            checked = app_client.post(
                f"{SUBSCRIBERS}/validate", params=params, json=body, headers=headers
            )

            assert checked.status_code == 403, checked.text
            assert error_codes(checked) == [1016]


@pytest.mark.parametrize("who", WHO)
def test_a_suspended_sub_partner_can_still_read_and_delete(
    app_client: TestClient, partner: Partner, who: str
) -> None:
    e = estate(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/suspend", headers=partner.headers)
    c = caller(who, e)
    cid, sid = e.customer["id"], e.subscriber["id"]

    reads = [
        app_client.get(f"{CUSTOMERS}/{cid}", params=c.params, headers=c.headers),
        app_client.get(f"{SUBSCRIBERS}/{sid}", params=c.params, headers=c.headers),
        app_client.get(f"{TEMPLATES}/{e.template['id']}", params=c.params, headers=c.headers),
    ]
    listed = app_client.get(CUSTOMERS, params=c.params, headers=c.headers)
    removed_subscriber = app_client.delete(
        f"{SUBSCRIBERS}/{sid}", params=c.params, headers=c.headers
    )
    removed_template = app_client.delete(
        f"{TEMPLATES}/{e.template['id']}", params=c.params, headers=c.headers
    )
    removed_customer = app_client.delete(f"{CUSTOMERS}/{cid}", params=c.params, headers=c.headers)
    drain(app_client)

    assert [r.status_code for r in reads] == [200, 200, 200]
    assert ids(listed) == [cid]
    assert removed_subscriber.status_code == 204, removed_subscriber.text
    assert removed_template.status_code == 204, removed_template.text
    assert removed_customer.status_code == 202, removed_customer.text
    assert app_client.get(f"{CUSTOMERS}/{cid}", headers=e.sub.headers).status_code == 404
    assert app_client.get(f"{SUBSCRIBERS}/{sid}", headers=e.sub.headers).status_code == 404


@pytest.mark.parametrize("who", WHO)
def test_reactivating_restores_provisioning(
    app_client: TestClient, partner: Partner, who: str
) -> None:
    e = estate(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/suspend", headers=partner.headers)
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/reactivate", headers=partner.headers)
    c = caller(who, e)

    customer = app_client.post(
        CUSTOMERS,
        params=c.params,
        json=customer_body(partner, provisioningId=e.template["provisioningId"]),
        headers=c.headers,
    )
    subscriber = app_client.post(
        SUBSCRIBERS, params=c.params, json=subscriber_body(e.customer["id"]), headers=c.headers
    )
    template = app_client.post(
        TEMPLATES, params=c.params, json={"name": "After reactivation"}, headers=c.headers
    )
    update = app_client.put(
        f"{SUBSCRIBERS}/{e.subscriber['id']}",
        params=c.params,
        json={"packages": ["webex_meetings"]},
        headers=c.headers,
    )

    assert customer.status_code == 202, customer.text
    assert subscriber.status_code == 200, subscriber.text
    assert template.status_code == 201, template.text
    assert update.status_code == 200, update.text
    assert update.json()["package"] == "webex_meetings"


def test_suspending_one_sub_partner_leaves_the_parent_and_siblings_alone(
    app_client: TestClient, partner: Partner
) -> None:
    e = estate(app_client, partner)
    sibling = set_up_sub_partner(app_client, partner)
    app_client.post(f"{SUB_PARTNERS}/{e.sub.org_id}/suspend", headers=partner.headers)

    own = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    siblings = app_client.post(TEMPLATES, json={"name": "Sibling plan"}, headers=sibling.headers)

    assert own.status_code == 202, own.text
    assert siblings.status_code == 201, siblings.text


def test_suspending_an_unknown_organization_is_404(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(
        f"{SUB_PARTNERS}/Y2lzY29zcGFyazovL3VzL05PVEhJTkcvMA/suspend", headers=partner.headers
    )

    assert response.status_code == 404
    assert error_codes(response) == [1015]


# ---- acting for a sub-partner -----------------------------------------------------------------


def test_the_parent_creates_templates_in_the_sub_partners_account(
    app_client: TestClient, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Template Resellers")

    made = calling_template(app_client, partner.headers, "Made For Reseller", sub.for_it)

    assert made["subscriptionId"] == partner.subscription_id
    assert made["brandName"] == "Template Resellers"
    assert made["id"] in ids(app_client.get(TEMPLATES, headers=sub.headers))
    assert made["id"] in ids(app_client.get(TEMPLATES, params=sub.for_it, headers=partner.headers))
    assert made["id"] not in ids(app_client.get(TEMPLATES, headers=partner.headers))
    # the parent's own templates are not the sub-partner's, and the other way round
    with_parents = app_client.post(
        CUSTOMERS,
        params=sub.for_it,
        json=customer_body(partner),
        headers=partner.headers,
    )
    assert with_parents.status_code == 404
    assert error_codes(with_parents) == [4002]
    with_sub_partners = app_client.post(
        CUSTOMERS,
        json=customer_body(partner, provisioningId=made["provisioningId"]),
        headers=partner.headers,
    )
    assert with_sub_partners.status_code == 404
    assert error_codes(with_sub_partners) == [4002]


@dataclass(frozen=True)
class Provisioned:
    """A customer the parent provisioned for its sub-partner, and a subscriber of it."""

    sub: SubPartner
    customer: dict[str, Any]
    subscriber: dict[str, Any]
    own_customer: dict[str, Any]


def provisioned_for_sub_partner(client: TestClient, partner: Partner) -> Provisioned:
    sub = set_up_sub_partner(client, partner)
    template = calling_template(client, partner.headers, "For Reseller", sub.for_it)
    own_customer = provision_customer(client, partner, externalId="parents-own")
    response = client.post(
        CUSTOMERS,
        params=sub.for_it,
        json=customer_body(
            partner, provisioningId=template["provisioningId"], externalId="resold-1"
        ),
        headers=partner.headers,
    )
    assert response.status_code == 202, response.text
    drain(client)
    customer = client.get(response.json()["url"], params=sub.for_it, headers=partner.headers)
    assert customer.status_code == 200, customer.text
    assert customer.json()["status"] == "provisioned"
    subscriber = client.post(
        SUBSCRIBERS,
        params=sub.for_it,
        json=subscriber_body(customer.json()["id"]),
        headers=partner.headers,
    )
    assert subscriber.status_code == 200, subscriber.text
    return Provisioned(sub, customer.json(), subscriber.json(), own_customer)


def test_customers_provisioned_for_a_sub_partner_belong_to_it(
    app_client: TestClient, partner: Partner
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)
    cid, sid = p.customer["id"], p.subscriber["id"]

    assert ids(app_client.get(CUSTOMERS, headers=p.sub.headers)) == [cid]
    assert app_client.get(f"{CUSTOMERS}/{cid}", headers=p.sub.headers).json() == p.customer
    assert ids(app_client.get(SUBSCRIBERS, headers=p.sub.headers)) == [sid]
    assert ids(app_client.get(CUSTOMERS, params=p.sub.for_it, headers=partner.headers)) == [cid]
    assert ids(app_client.get(SUBSCRIBERS, params=p.sub.for_it, headers=partner.headers)) == [sid]


def test_the_parents_plain_lists_leave_sub_partners_customers_out(
    app_client: TestClient, partner: Partner
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)

    customers = app_client.get(CUSTOMERS, headers=partner.headers)
    by_status = app_client.get(CUSTOMERS, params={"status": "provisioned"}, headers=partner.headers)
    subscribers = app_client.get(SUBSCRIBERS, headers=partner.headers)

    assert ids(customers) == [p.own_customer["id"]]
    assert ids(by_status) == [p.own_customer["id"]]
    assert p.subscriber["id"] not in ids(subscribers)


@pytest.mark.parametrize("search", ["externalId", "orgId"])
def test_the_parent_finds_a_sub_partners_customer_by_an_exact_search(
    app_client: TestClient, partner: Partner, search: str
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)

    found = app_client.get(CUSTOMERS, params={search: p.customer[search]}, headers=partner.headers)

    assert ids(found) == [p.customer["id"]]


def test_the_parent_manages_its_sub_partners_customers_and_subscribers(
    app_client: TestClient, partner: Partner
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)
    cid, sid = p.customer["id"], p.subscriber["id"]

    by_id = app_client.get(f"{CUSTOMERS}/{cid}", headers=partner.headers)
    changed = app_client.put(
        f"{SUBSCRIBERS}/{sid}",
        params=p.sub.for_it,
        json={"packages": ["webex_meetings"]},
        headers=partner.headers,
    )
    restricted = app_client.put(
        f"/v1/partner/customers/{cid}/restrictedMode",
        params=p.sub.for_it,
        json={"enabled": False},
        headers=partner.headers,
    )
    updated = app_client.put(
        f"{CUSTOMERS}/{cid}",
        params=p.sub.for_it,
        json={"packages": ["webex_calling", "webex_meetings", "common_area_calling"]},
        headers=partner.headers,
    )
    drain(app_client)

    assert by_id.status_code == 200
    assert by_id.json()["id"] == cid
    assert changed.status_code == 200, changed.text
    assert restricted.status_code == 200, restricted.text
    assert updated.status_code == 202, updated.text
    seen_by_sub = app_client.get(f"{CUSTOMERS}/{cid}", headers=p.sub.headers).json()
    assert seen_by_sub["restrictedByPartner"] is False
    assert seen_by_sub["packages"] == ["webex_calling", "webex_meetings", "common_area_calling"]
    subscriber = app_client.get(f"{SUBSCRIBERS}/{sid}", headers=p.sub.headers).json()
    assert subscriber["package"] == "webex_meetings"
    removed = app_client.delete(f"{CUSTOMERS}/{cid}", params=p.sub.for_it, headers=partner.headers)
    assert removed.status_code == 202
    drain(app_client)
    assert app_client.get(f"{CUSTOMERS}/{cid}", headers=p.sub.headers).status_code == 404


def test_the_sub_partners_audit_log_shows_what_the_parent_did_for_it(
    app_client: TestClient, partner: Partner
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)

    own_view = app_client.get(
        AUDIT, params={"targetId": p.customer["id"]}, headers=p.sub.headers
    ).json()["items"]
    parents_view = app_client.get(
        AUDIT,
        params={ON_BEHALF: p.sub.org_id, "action": "customer.provision"},
        headers=partner.headers,
    ).json()["items"]

    provision = [e for e in own_view if e["action"] == "customer.provision"]
    assert len(provision) == 1
    assert provision[0]["actorOrgId"] == partner.org_id
    assert provision[0]["onBehalfOfOrgId"] == p.sub.org_id
    assert provision[0]["ownerOrgId"] == p.sub.org_id
    assert [e["targetId"] for e in parents_view] == [p.customer["id"]]


@pytest.mark.parametrize(
    ("acting", "email", "accepted"),
    [
        ("parent for the sub-partner", "sub-partner admin", True),
        ("sub-partner itself", "sub-partner admin", True),
        ("parent for the sub-partner", "sibling admin", False),
        ("parent for the sub-partner", "parent admin", False),
        ("parent for the sub-partner", "nobody", False),
        ("parent for itself", "sub-partner admin", False),
    ],
)
def test_sub_partner_admin_email_must_name_an_admin_of_the_owning_sub_partner(
    app_client: TestClient, partner: Partner, acting: str, email: str, accepted: bool
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    sibling = set_up_sub_partner(app_client, partner)
    template = calling_template(app_client, partner.headers, "Admin Mail", sub.for_it)
    emails = {
        "sub-partner admin": sub.admin_email.upper(),
        "sibling admin": sibling.admin_email,
        "parent admin": partner.admin_email,
        "nobody": "nobody@nowhere.test",
    }
    headers, params, provisioning_id = {
        "parent for the sub-partner": (partner.headers, sub.for_it, template["provisioningId"]),
        "sub-partner itself": (sub.headers, {}, template["provisioningId"]),
        "parent for itself": (partner.headers, {}, partner.provisioning_id),
    }[acting]
    body = customer_body(
        partner, provisioningId=provisioning_id, subPartnerAdminEmail=emails[email]
    )

    response = app_client.post(CUSTOMERS, params=params, json=body, headers=headers)

    if accepted:
        assert response.status_code == 202, response.text
    else:
        assert response.status_code == 400, response.text
        assert error_codes(response) == [1002]
        assert "subPartnerAdminEmail" in response.json()["message"]
        listed = app_client.get(CUSTOMERS, params=params, headers=headers)
        assert body["externalId"] not in [c["externalId"] for c in listed.json()["items"]]


@pytest.mark.parametrize("spelling", ["as registered", "in capitals"])
def test_the_named_sub_partner_admin_is_told_when_the_customer_is_ready(
    app_client: TestClient, partner: Partner, spelling: str
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    template = calling_template(app_client, partner.headers, "Ready Mail", sub.for_it)
    named = sub.admin_email if spelling == "as registered" else sub.admin_email.upper()
    body = customer_body(
        partner,
        provisioningId=template["provisioningId"],
        subPartnerAdminEmail=named,
        customerInfo={"name": "Ready Bakery", "primaryEmail": "bo@ready-bakery.test"},
    )

    response = app_client.post(CUSTOMERS, params=sub.for_it, json=body, headers=partner.headers)
    assert response.status_code == 202, response.text
    before = [m.kind for m in outbox(app_client, sub.admin_email)]
    drain(app_client)

    assert before == ["invitation"]
    mails = outbox(app_client, sub.admin_email)
    assert [m.kind for m in mails] == ["invitation", "customer_ready"]
    assert "Ready Bakery" in mails[1].subject


def test_sub_partner_admin_email_is_checked_on_update_too(
    app_client: TestClient, partner: Partner
) -> None:
    p = provisioned_for_sub_partner(app_client, partner)
    url = f"{CUSTOMERS}/{p.customer['id']}"
    packages = p.customer["packages"]

    wrong = app_client.put(
        url,
        params=p.sub.for_it,
        json={"packages": packages, "subPartnerAdminEmail": partner.admin_email},
        headers=partner.headers,
    )
    right = app_client.put(
        url,
        params=p.sub.for_it,
        json={"packages": packages, "subPartnerAdminEmail": p.sub.admin_email},
        headers=partner.headers,
    )

    assert wrong.status_code == 400
    assert error_codes(wrong) == [1002]
    assert "subPartnerAdminEmail" in wrong.json()["message"]
    assert right.status_code == 202, right.text


def test_acting_for_an_organization_that_is_not_your_sub_partner_is_404(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = set_up_sub_partner(app_client, other_partner)
    mine = set_up_sub_partner(app_client, partner)

    responses = [
        app_client.get(CUSTOMERS, params={ON_BEHALF: org}, headers=headers)
        for org, headers in (
            (theirs.org_id, partner.headers),  # another partner's sub-partner
            (other_partner.org_id, partner.headers),  # another partner
            (mine.org_id, mine.headers),  # a sub-partner naming itself is fine...
        )
    ]

    assert [r.status_code for r in responses] == [404, 404, 200]
    assert error_codes(responses[0]) == [1015]
    assert error_codes(responses[1]) == [1015]
