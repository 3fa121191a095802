"""Tenancy within the channel: sub-partners, their parent, and other partners never cross.

Partner P has two sub-partners, S1 and S2; partner Q has a sub-partner QS (PRODUCT.md section 1:
"A sub-partner never sees its parent or its sibling sub-partners; it manages only its own
customers"; section 10.1: "foreign object → 403/404"). Each of the five has its own template,
customer, subscriber and billing report; P also has a price book and an invoice. S1 made its own
objects; P made S2's and Q made QS's acting `onBehalfOfSubPartnerOrgId`.

Then, table-driven, every endpoint taking an ID (customers, subscribers, consent e-mails,
templates, billing reports, sub-partners, restricted mode, locations, workspaces, numbers, price
book, invoices) and
every `onBehalfOfSubPartnerOrgId` / `subPartnerOrgId` is tried by the wrong tenant: S1 on S2's
and P's, S2 on S1's, Q and QS on P's and S1's, S1 and Q acting for someone else's sub-partner,
and P acting for Q's sub-partner or for an unknown organization. Every attempt must answer 404
with the catalog's code and reveal nothing of the other tenant; every list of S1, S2, Q and QS
holds exactly its own rows whatever the filter; and nothing changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    SubPartner,
    customer_body,
    error_codes,
    operator_headers,
    set_up_sub_partner,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database

CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
TEMPLATES = "/v1/partner/onboardingTemplates"
REPORTS = "/v1/wholesale/billing/reports"
SUB_PARTNERS = "/v1/partner/subPartners"
SUB_PARTNER_LIST = "/v1/wholesale/subPartners"
AUDIT = "/v1/partner/auditEvents"
PRICE_BOOK = "/v1/partner/priceBook"
INVOICES = "/v1/partner/invoices"
QUEUES = "/v1/telephony/config/queues"
HUNT_GROUPS = "/v1/telephony/config/huntGroups"
SETUP_ASSIST = "/v1/partner/setupAssist/orders"
WORKSPACES = "/v1/workspaces"
DEVICES = "/v1/devices"
NUMBERS = "/v1/telephony/config/numbers"
ON_BEHALF = "onBehalfOfSubPartnerOrgId"
UNKNOWN_ORG = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9ub2JvZHk"
PERIOD = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-02"}
INVOICE_RUN = datetime(2027, 2, 2, 10, 0, tzinfo=UTC)

# Catalog codes (src/tukku/core/errors.py), each a 404.
NOT_FOUND = 1013
SUB_PARTNER_NOT_FOUND = 1015
TEMPLATE_NOT_FOUND = 3001
CUSTOMER_NOT_FOUND = 4001
PROVISIONING_ID_UNKNOWN = 4002
SUBSCRIBER_NOT_FOUND = 5013
SETUP_ASSIST_ORDER_NOT_FOUND = 8060
REPORT_NOT_FOUND = 2024
PRICE_BOOK_NOT_FOUND = 6009
LOCATION_NOT_FOUND = 8001
PERSON_NOT_FOUND = 8007
DEVICE_NOT_FOUND = 8080
WORKSPACE_NOT_FOUND = 8020
# A sub-partner has no price book of its own, so it is refused before any invoice is looked up.
INVOICE_NOT_FOUND = (6009, 6010)


@dataclass(frozen=True)
class Tenant:
    """One partner or sub-partner and the objects it owns, as it sees them."""

    label: str
    org_id: str
    org_name: str
    admin_email: str
    headers: dict[str, str]
    templates: list[dict[str, Any]]  # the set-up "Default" first, then its own plan
    customer: dict[str, Any]
    subscriber: dict[str, Any]
    report_id: str
    location_id: str
    workspace_id: str
    phone_number: str
    subscription_id: str
    setup_assist_order_id: str
    sub_partner_ids: list[str] = field(default_factory=list)  # its own sub-partners
    invoice_id: str | None = None
    queue_id: str | None = None
    hunt_group_id: str | None = None
    floor_id: str = ""  # a floor of its customer's headquarters
    device_id: str = ""  # a phone of its subscriber

    @property
    def template(self) -> dict[str, Any]:
        """The tenant's own calling template (the one its customer was provisioned with)."""
        return self.templates[-1]

    def secrets(self) -> dict[str, str]:
        """Everything of this tenant another one must never see, by what it is."""
        found = {
            "org id": self.org_id,
            "org name": self.org_name,
            "admin e-mail": self.admin_email,
            "subscription id": self.subscription_id,
            "template id": self.template["id"],
            "default template id": self.templates[0]["id"],
            "provisioningId": self.template["provisioningId"],
            "default provisioningId": self.templates[0]["provisioningId"],
            "template name": self.template["name"],
            "brand name": self.template["brandName"],
            "customer id": self.customer["id"],
            "customer orgId": self.customer["orgId"],
            "externalId": self.customer["externalId"],
            "customer name": f"{self.label} Pizzeria Oy",
            "customer e-mail": f"owner@{self.label.lower()}-pizzeria.test",
            "subscriber id": self.subscriber["id"],
            "personId": self.subscriber["personId"],
            "subscriber e-mail": self.subscriber["email"],
            "report id": self.report_id,
            "location id": self.location_id,
            "floor id": self.floor_id,
            "device id": self.device_id,
            "Setup Assist order id": self.setup_assist_order_id,
            "workspace id": self.workspace_id,
            "phone number": self.phone_number,
        }
        if self.invoice_id is not None:
            found["invoice id"] = self.invoice_id
        if self.queue_id is not None:
            found["queue id"] = self.queue_id
        if self.hunt_group_id is not None:
            found["hunt group id"] = self.hunt_group_id
        return {f"{self.label}'s {what}": value for what, value in found.items()}


@dataclass(frozen=True)
class World:
    """P with sub-partners S1 and S2; Q with sub-partner QS."""

    tenants: dict[str, Tenant]
    parents: dict[str, str]  # sub-partner label -> parent label

    def __getitem__(self, label: str) -> Tenant:
        return self.tenants[label]

    def foreign_secrets(self, viewer: str) -> dict[str, str]:
        """What `viewer`'s lists must never show: every other tenant's data, except its own
        sub-partners' (a parent oversees them). A sub-partner may know its parent's organization
        ID and the subscription it shares (its audit events and templates carry them)."""
        parent = self.parents.get(viewer)
        result: dict[str, str] = {}
        for label, tenant in self.tenants.items():
            if label == viewer or self.parents.get(label) == viewer:
                continue
            secrets = tenant.secrets()
            if label == parent:
                secrets.pop(f"{label}'s org id")
            if parent is not None and label in (parent, *self.siblings(viewer)):
                secrets.pop(f"{label}'s subscription id")
            result.update(secrets)
        return result

    def siblings(self, label: str) -> list[str]:
        parent = self.parents.get(label)
        return [s for s, p in self.parents.items() if p == parent and s != label]


# ---- building the world -----------------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """How a tenant's own objects get made: whose token, and for whom."""

    label: str
    org_id: str
    headers: dict[str, str]
    params: dict[str, str]
    provisioning_partner: Partner


def _post(
    client: TestClient, url: str, acting: Acting, body: dict[str, Any], status: int
) -> dict[str, Any]:
    response = client.post(url, params=acting.params, json=body, headers=acting.headers)
    assert response.status_code == status, (url, response.text)
    result: dict[str, Any] = response.json()
    return result


def _get(client: TestClient, url: str, acting: Acting, **params: str) -> Any:
    response = client.get(url, params={**acting.params, **params}, headers=acting.headers)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def _start_estate(client: TestClient, a: Acting) -> tuple[dict[str, Any], str]:
    """A calling template and a customer (accepted, not yet provisioned) of a tenant."""
    template = _post(
        client,
        TEMPLATES,
        a,
        {
            "name": f"{a.label} Gold Plan",
            "brandName": f"{a.label} Brand Voice",
            "pstnProvider": f"{a.label} PSTN",
        },
        status=201,
    )
    body = customer_body(
        a.provisioning_partner,
        provisioningId=template["provisioningId"],
        externalId=f"{a.label.lower()}-ext-7f3a",
        customerInfo={
            "name": f"{a.label} Pizzeria Oy",
            "primaryEmail": f"owner@{a.label.lower()}-pizzeria.test",
        },
    )
    accepted = _post(client, CUSTOMERS, a, body, status=202)
    return template, accepted["url"]


def _finish_estate(
    client: TestClient, a: Acting, template: dict[str, Any], url: str, own: dict[str, str]
) -> dict[str, Any]:
    """The tenant's subscriber and billing report, once its customer is provisioned."""
    customer = client.get(url, params=a.params, headers=a.headers).json()
    assert customer["status"] == "provisioned", customer
    subscriber = _post(
        client,
        SUBSCRIBERS,
        a,
        subscriber_body(customer["id"], email=f"ada@{a.label.lower()}-pizzeria.test"),
        status=200,
    )
    # billing reports name a sub-partner in the body (`subPartnerOrgId`), not in the query
    about = {"subPartnerOrgId": a.org_id} if a.params else {}
    report = client.post(REPORTS, json={**PERIOD, **about}, headers=a.headers)
    assert report.status_code == 200, report.text
    locations = _get(client, "/v1/locations", a, orgId=customer["orgId"])
    location_id = locations["items"][0]["id"]
    queue = client.post(
        f"/v1/telephony/config/locations/{location_id}/queues",
        params={"orgId": customer["orgId"]},
        json={"name": f"{a.label} Queue", "extension": "7100", "queueSettings": {"queueSize": 5}},
        headers=a.headers,
    )
    assert queue.status_code == 201, queue.text
    hunt_group = client.post(
        f"/v1/telephony/config/locations/{location_id}/huntGroups",
        params={"orgId": customer["orgId"]},
        json={"name": f"{a.label} Hunt Group", "extension": "7200"},
        headers=a.headers,
    )
    assert hunt_group.status_code == 201, hunt_group.text
    floor = _post(client, f"/v1/locations/{location_id}/floors", a, {"floorNumber": 1}, 201)
    order = _post(
        client,
        SETUP_ASSIST,
        a,
        setup_assist_order(a.org_id, customer, location_id, a.provisioning_partner),
        status=201,
    )
    in_org = {**a.params, "orgId": customer["orgId"]}
    workspace = client.post(
        WORKSPACES, params=in_org, json={"displayName": f"{a.label} Lobby"}, headers=a.headers
    )
    assert workspace.status_code == 201, workspace.text
    phone_number = f"+1408555{sorted(PHONE_SUFFIX).index(a.label):04d}"
    added = client.post(
        f"/v1/telephony/config/locations/{location_id}/numbers",
        params=in_org,
        json={"phoneNumbers": [phone_number]},
        headers=a.headers,
    )
    assert added.status_code == 201, added.text
    device = client.post(
        DEVICES,
        params=in_org,
        json={
            "mac": f"0A0000{sorted(PHONE_SUFFIX).index(a.label):06d}",
            "model": "DMS Cisco 8811",
            "personId": subscriber["personId"],
        },
        headers=a.headers,
    )
    assert device.status_code == 200, device.text
    templates = _get(client, TEMPLATES, a)["items"]
    assert [t["name"] for t in templates] == ["Default", template["name"]]
    return {
        "headers": own,
        "templates": templates,
        "customer": customer,
        "subscriber": subscriber,
        "report_id": report.json()["id"],
        "location_id": location_id,
        "workspace_id": workspace.json()["id"],
        "phone_number": phone_number,
        "queue_id": queue.json()["id"],
        "hunt_group_id": hunt_group.json()["id"],
        "floor_id": floor["id"],
        "device_id": device.json()["id"],
        "setup_assist_order_id": order["id"],
    }


def setup_assist_order(
    org_id: str, customer: dict[str, Any], location_id: str, partner: Partner
) -> dict[str, Any]:
    """A valid Setup Assist order body from `org_id` for a location of `customer`."""
    return {
        "partnerOrgId": org_id,
        "customerOrgId": customer["orgId"],
        "subscriptionId": partner.subscription_id,
        "locationCount": 1,
        "locationId": location_id,
        "deploymentDate": "2027-06-01",
    }


PHONE_SUFFIX = ("P", "Q", "S1", "S2", "QS")


def build_world(
    client: TestClient, db: Database, clock: ManualClock, p: Partner, q: Partner
) -> World:
    s1 = set_up_sub_partner(client, p, name="Sierra One Resellers")
    s2 = set_up_sub_partner(client, p, name="Tango Two Resellers")
    qs = set_up_sub_partner(client, q, name="Quokka Resellers")
    subs: dict[str, SubPartner] = {"S1": s1, "S2": s2, "QS": qs}
    acting = {
        "P": Acting("P", p.org_id, p.headers, {}, p),
        "Q": Acting("Q", q.org_id, q.headers, {}, q),
        "S1": Acting("S1", s1.org_id, s1.headers, {}, p),  # S1 works itself
        "S2": Acting("S2", s2.org_id, p.headers, s2.for_it, p),  # P works for S2
        "QS": Acting("QS", qs.org_id, q.headers, qs.for_it, q),  # Q works for QS
    }
    started = {label: _start_estate(client, a) for label, a in acting.items()}
    drain(client)
    finished = {
        label: _finish_estate(
            client, a, *started[label], subs[label].headers if label in subs else a.headers
        )
        for label, a in acting.items()
    }
    invoice_id = _invoice_of(client, db, clock, p)
    tenants = {
        "P": Tenant(
            "P",
            p.org_id,
            "Acme Telecom",
            p.admin_email,
            subscription_id=p.subscription_id,
            sub_partner_ids=[s1.org_id, s2.org_id],
            invoice_id=invoice_id,
            **finished["P"],
        ),
        "Q": Tenant(
            "Q",
            q.org_id,
            "Rival Networks",
            q.admin_email,
            subscription_id=q.subscription_id,
            sub_partner_ids=[qs.org_id],
            **finished["Q"],
        ),
    }
    for label, sub in subs.items():
        tenants[label] = Tenant(
            label,
            sub.org_id,
            sub.name,
            sub.admin_email,
            subscription_id=sub.parent.subscription_id,
            **finished[label],
        )
    return World(tenants, {"S1": "P", "S2": "P", "QS": "Q"})


def _invoice_of(client: TestClient, db: Database, clock: ManualClock, p: Partner) -> str:
    """Give P a price book, close January, and return the ID of P's January invoice."""
    ops = operator_headers(db, clock)
    prices = {"currency": "EUR", "effectiveFrom": "2027-01-01"}
    prices["prices"] = [{"sku": "TK-WHL-CALLING", "monthlyPrice": "20.00"}]  # type: ignore[assignment]
    response = client.put(PRICE_BOOK, params={"partnerOrgId": p.org_id}, json=prices, headers=ops)
    assert response.status_code == 200, response.text
    clock.set(INVOICE_RUN)
    drain(client)
    invoices = client.get(INVOICES, headers=p.headers).json()["items"]
    assert len(invoices) == 1, invoices
    invoice_id: str = invoices[0]["id"]
    return invoice_id


@pytest.fixture
def world(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
) -> World:
    return build_world(app_client, db, clock, partner, other_partner)


# ---- the attacks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One request, and the 404 codes it may answer with."""

    method: str
    url: str
    body: dict[str, Any] | None
    codes: tuple[int, ...]
    params: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The URL with `params` added to its query."""
        if not self.params:
            return self.url
        return f"{self.url}{'&' if '?' in self.url else '?'}{urlencode(self.params)}"


NOBODY = Partner("", "", "", "", "")  # customer_body reads only the overridden provisioningId


def customer_using(provisioning_id: str) -> dict[str, Any]:
    """A valid new-customer body naming `provisioning_id`."""
    return customer_body(NOBODY, provisioningId=provisioning_id, externalId="planted")


def by_id(w: World, victim: str) -> list[Attempt]:
    """Every request naming one of `victim`'s objects, made without acting for anyone."""
    v = w[victim]
    cid, sid, tid = v.customer["id"], v.subscriber["id"], v.template["id"]
    body_any_customer = customer_using(v.template["provisioningId"])
    result = [
        Attempt("GET", f"{CUSTOMERS}/{cid}", None, (CUSTOMER_NOT_FOUND,)),
        Attempt(
            "GET", f"{CUSTOMERS}/{cid}?includePackageLicenseInfo=true", None, (CUSTOMER_NOT_FOUND,)
        ),
        Attempt(
            "PUT", f"{CUSTOMERS}/{cid}", {"packages": ["webex_meetings"]}, (CUSTOMER_NOT_FOUND,)
        ),
        Attempt("DELETE", f"{CUSTOMERS}/{cid}", None, (CUSTOMER_NOT_FOUND,)),
        Attempt(
            "PUT",
            f"/v1/partner/customers/{cid}/restrictedMode",
            {"enabled": False},
            (CUSTOMER_NOT_FOUND,),
        ),
        Attempt("GET", f"/v1/locations?orgId={v.customer['orgId']}", None, (NOT_FOUND,)),
        Attempt("POST", CUSTOMERS, body_any_customer, (PROVISIONING_ID_UNKNOWN,)),
        *queue_attempts(v),
        *hunt_group_attempts(v),
        Attempt("GET", f"{SUBSCRIBERS}/{sid}", None, (SUBSCRIBER_NOT_FOUND,)),
        Attempt(
            "PUT", f"{SUBSCRIBERS}/{sid}", {"packages": ["webex_meetings"]}, (SUBSCRIBER_NOT_FOUND,)
        ),
        Attempt("DELETE", f"{SUBSCRIBERS}/{sid}", None, (SUBSCRIBER_NOT_FOUND,)),
        Attempt("POST", f"{SUBSCRIBERS}/{sid}/emails/consentMove", None, (SUBSCRIBER_NOT_FOUND,)),
        Attempt("POST", f"/v1/subscribers/{sid}/emails/consentMove", None, (SUBSCRIBER_NOT_FOUND,)),
        Attempt("POST", SUBSCRIBERS, subscriber_body(cid), (CUSTOMER_NOT_FOUND,)),
        Attempt("GET", f"{TEMPLATES}/{tid}", None, (TEMPLATE_NOT_FOUND,)),
        Attempt("GET", f"{TEMPLATES}/{v.templates[0]['id']}", None, (TEMPLATE_NOT_FOUND,)),
        Attempt("PUT", f"{TEMPLATES}/{tid}", {"name": "Hijacked"}, (TEMPLATE_NOT_FOUND,)),
        Attempt("DELETE", f"{TEMPLATES}/{tid}", None, (TEMPLATE_NOT_FOUND,)),
        Attempt("GET", f"{REPORTS}/{v.report_id}", None, (REPORT_NOT_FOUND,)),
        Attempt("DELETE", f"{REPORTS}/{v.report_id}", None, (REPORT_NOT_FOUND,)),
        *calling_by_id(v),
        Attempt(
            "GET",
            f"{SETUP_ASSIST}/{v.setup_assist_order_id}",
            None,
            (SETUP_ASSIST_ORDER_NOT_FOUND,),
        ),
        Attempt(
            "POST",
            SETUP_ASSIST,
            setup_assist_order(v.org_id, v.customer, v.location_id, NOBODY),
            (NOT_FOUND,),
        ),
    ]
    # the calling set-up, naming the victim's customer organization
    org = {"orgId": v.customer["orgId"]}
    wid, numbers = v.workspace_id, f"/v1/telephony/config/locations/{v.location_id}/numbers"
    result += [
        Attempt("GET", WORKSPACES, None, (NOT_FOUND,), org),
        Attempt("POST", WORKSPACES, {"displayName": "Planted"}, (NOT_FOUND,), org),
        Attempt("GET", NUMBERS, None, (NOT_FOUND,), org),
        Attempt("GET", DEVICES, None, (NOT_FOUND,), org),
        Attempt(
            "POST",
            DEVICES,
            {"mac": "0C0000000999", "model": "DMS Cisco 8811", "workspaceId": wid},
            (NOT_FOUND,),
            org,
        ),
        Attempt("POST", f"{DEVICES}/activationCode", {"workspaceId": wid}, (NOT_FOUND,), org),
        Attempt("GET", f"/v1/telephony/config/workspaces/{wid}/devices", None, (NOT_FOUND,), org),
        Attempt("GET", "/v1/telephony/config/supportedDevices", None, (NOT_FOUND,), org),
        Attempt("POST", numbers, {"phoneNumbers": ["+14085559999"]}, (NOT_FOUND,), org),
        Attempt("DELETE", numbers, {"phoneNumbers": [v.phone_number]}, (NOT_FOUND,), org),
    ]
    # the victim as a sub-partner, or the victim's own sub-partners
    for org in [v.org_id] if victim in w.parents else v.sub_partner_ids:
        result += [
            Attempt("GET", f"{SUB_PARTNERS}/{org}", None, (SUB_PARTNER_NOT_FOUND,)),
            Attempt("POST", f"{SUB_PARTNERS}/{org}/suspend", None, (SUB_PARTNER_NOT_FOUND,)),
            Attempt("POST", f"{SUB_PARTNERS}/{org}/reactivate", None, (SUB_PARTNER_NOT_FOUND,)),
            Attempt(
                "GET",
                f"{SUB_PARTNERS}/{org}?partnerOrgId={v.org_id}",
                None,
                (SUB_PARTNER_NOT_FOUND,),
            ),
        ]
    # naming the victim's organization where a sub-partner can be named
    result += [
        Attempt("GET", f"{AUDIT}?{ON_BEHALF}={v.org_id}", None, (SUB_PARTNER_NOT_FOUND,)),
        Attempt("GET", f"{REPORTS}?subPartnerOrgId={v.org_id}", None, (SUB_PARTNER_NOT_FOUND,)),
        Attempt(
            "POST",
            REPORTS,
            {**PERIOD, "type": "USER", "subPartnerOrgId": v.org_id},
            (SUB_PARTNER_NOT_FOUND,),
        ),
    ]
    if v.invoice_id is not None:
        result += [
            Attempt("GET", f"{PRICE_BOOK}?partnerOrgId={v.org_id}", None, (PRICE_BOOK_NOT_FOUND,)),
            Attempt(
                "GET",
                f"{PRICE_BOOK}/versions?partnerOrgId={v.org_id}",
                None,
                (PRICE_BOOK_NOT_FOUND,),
            ),
            Attempt("GET", f"{INVOICES}?partnerOrgId={v.org_id}", None, (PRICE_BOOK_NOT_FOUND,)),
            Attempt("GET", f"{INVOICES}/{v.invoice_id}", None, INVOICE_NOT_FOUND),
            Attempt("GET", f"{INVOICES}/{v.invoice_id}/csv", None, INVOICE_NOT_FOUND),
            Attempt(
                "GET", f"{INVOICES}/{v.invoice_id}?partnerOrgId={v.org_id}", None, INVOICE_NOT_FOUND
            ),
        ]
    return result


def queue_attempts(v: Tenant) -> list[Attempt]:
    """The victim's call queue, its location's queues and its organization's list, each named
    with the victim's `orgId`: refused for the organization (1013)."""
    org = f"orgId={v.customer['orgId']}"
    one = f"/v1/telephony/config/locations/{v.location_id}/queues"
    body = {"name": "Planted", "extension": "7999", "queueSettings": {"queueSize": 1}}
    return [
        Attempt("GET", f"{QUEUES}?{org}", None, (NOT_FOUND,)),
        Attempt("GET", f"{QUEUES}?{org}&hasCxEssentials=true", None, (NOT_FOUND,)),
        Attempt("POST", f"{one}?{org}", body, (NOT_FOUND,)),
        Attempt("GET", f"{one}/{v.queue_id}?{org}", None, (NOT_FOUND,)),
        Attempt("PUT", f"{one}/{v.queue_id}?{org}", {"name": "Hijacked"}, (NOT_FOUND,)),
        Attempt("PUT", f"{one}/{v.queue_id}?{org}&hasCxEssentials=true", {}, (NOT_FOUND,)),
        Attempt("DELETE", f"{one}/{v.queue_id}?{org}", None, (NOT_FOUND,)),
    ]


def hunt_group_attempts(v: Tenant) -> list[Attempt]:
    """The victim's hunt group, its location's hunt groups and its organization's list, each
    named with the victim's `orgId`: refused for the organization (1013)."""
    org = f"orgId={v.customer['orgId']}"
    one = f"/v1/telephony/config/locations/{v.location_id}/huntGroups"
    body = {"name": "Planted", "extension": "7998"}
    return [
        Attempt("GET", f"{HUNT_GROUPS}?{org}", None, (NOT_FOUND,)),
        Attempt("GET", f"{one}?{org}", None, (NOT_FOUND,)),
        Attempt("POST", f"{one}?{org}", body, (NOT_FOUND,)),
        Attempt("GET", f"{one}/{v.hunt_group_id}?{org}", None, (NOT_FOUND,)),
        Attempt("PUT", f"{one}/{v.hunt_group_id}?{org}", {"name": "Hijacked"}, (NOT_FOUND,)),
        Attempt("DELETE", f"{one}/{v.hunt_group_id}?{org}", None, (NOT_FOUND,)),
    ]


def calling_by_id(v: Tenant) -> list[Attempt]:
    """The public Locations and People APIs at `v`'s customer: by ID with or without its
    `orgId` (the ID then says whose it is), and listing or creating naming its `orgId`."""
    org, loc, pid = v.customer["orgId"], v.location_id, v.subscriber["personId"]
    location, floors = f"/v1/locations/{loc}", f"/v1/locations/{loc}/floors"
    floor = f"{floors}/{v.floor_id}"
    missing = (LOCATION_NOT_FOUND,)
    result = [
        Attempt("POST", f"/v1/locations?orgId={org}", LOCATION_BODY, (NOT_FOUND,)),
        Attempt("GET", f"/v1/people?orgId={org}", None, (NOT_FOUND,)),
    ]
    for query in ("", f"?orgId={org}"):
        result += [
            Attempt("GET", f"{location}{query}", None, missing),
            Attempt("PUT", f"{location}{query}", {"name": "Hijacked"}, missing),
            Attempt("DELETE", f"{location}{query}", None, missing),
            Attempt("GET", f"{floors}{query}", None, missing),
            Attempt("POST", f"{floors}{query}", {"floorNumber": 7}, missing),
            Attempt("GET", f"{floor}{query}", None, missing),
            Attempt("PUT", f"{floor}{query}", {"floorNumber": 7}, missing),
            Attempt("DELETE", f"{floor}{query}", None, missing),
            Attempt("GET", f"/v1/people/{pid}{query}", None, (PERSON_NOT_FOUND,)),
            *device_attempts(v, query),
            *workspace_attempts(v, query),
        ]
    return result


def workspace_attempts(v: Tenant, query: str) -> list[Attempt]:
    """The victim's workspace by ID, with or without its `orgId` (the reference's operations
    on one workspace take none): the workspace is unknown."""
    one, missing = f"{WORKSPACES}/{v.workspace_id}", (WORKSPACE_NOT_FOUND,)
    return [
        Attempt("GET", f"{one}{query}", None, missing),
        Attempt("PUT", f"{one}{query}", {"displayName": "Hijacked"}, missing),
        Attempt("DELETE", f"{one}{query}", None, missing),
        Attempt("GET", f"{one}/capabilities{query}", None, missing),
    ]


def device_attempts(v: Tenant, query: str) -> list[Attempt]:
    """The victim's device and its subscriber's device list, by ID with or without its
    `orgId`: the device or person is unknown."""
    device = f"{DEVICES}/{v.device_id}"
    credentials = f"{device}/actions/downloadSipCredentials/invoke"
    person = f"/v1/telephony/config/people/{v.subscriber['personId']}/devices"
    return [
        Attempt("GET", f"{device}{query}", None, (DEVICE_NOT_FOUND,)),
        Attempt("DELETE", f"{device}{query}", None, (DEVICE_NOT_FOUND,)),
        Attempt("POST", f"{credentials}{query}", None, (DEVICE_NOT_FOUND,)),
        Attempt("GET", f"{person}{query}", None, (PERSON_NOT_FOUND,)),
    ]


LOCATION_BODY = {
    "name": "Planted",
    "timeZone": "Europe/Helsinki",
    "preferredLanguage": "fi_fi",
    "announcementLanguage": "fi_fi",
    "address": {
        "address1": "Mannerheimintie 1",
        "city": "Helsinki",
        "state": "Uusimaa",
        "postalCode": "00100",
        "country": "FI",
    },
}


def acting_for(w: World, victim: str, on_behalf_of: str) -> list[Attempt]:
    """Every request acting for `on_behalf_of` (not the caller's sub-partner), at `victim`'s
    objects: refused before anything is looked up (1015)."""
    v = w[victim]
    cid, sid, tid = v.customer["id"], v.subscriber["id"], v.template["id"]
    code = (SUB_PARTNER_NOT_FOUND,)
    body_new_customer = customer_using(v.template["provisioningId"])
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", CUSTOMERS, None),
        ("GET", f"{CUSTOMERS}?externalId={v.customer['externalId']}", None),
        ("GET", f"{CUSTOMERS}/{cid}", None),
        ("POST", CUSTOMERS, body_new_customer),
        ("POST", f"{CUSTOMERS}/validate", {**body_new_customer, "externalId": "probe"}),
        ("PUT", f"{CUSTOMERS}/{cid}", {"packages": ["webex_meetings"]}),
        ("DELETE", f"{CUSTOMERS}/{cid}", None),
        ("PUT", f"/v1/partner/customers/{cid}/restrictedMode", {"enabled": False}),
        ("GET", f"/v1/locations?orgId={v.customer['orgId']}", None),
        ("POST", f"/v1/locations?orgId={v.customer['orgId']}", LOCATION_BODY),
        ("GET", f"/v1/locations/{v.location_id}", None),
        ("PUT", f"/v1/locations/{v.location_id}", {"name": "Hijacked"}),
        ("GET", f"/v1/locations/{v.location_id}/floors", None),
        ("DELETE", f"/v1/locations/{v.location_id}/floors/{v.floor_id}", None),
        ("GET", f"/v1/people?orgId={v.customer['orgId']}", None),
        ("GET", f"/v1/people/{v.subscriber['personId']}", None),
        ("GET", SUBSCRIBERS, None),
        ("GET", f"{SUBSCRIBERS}?customerId={cid}", None),
        ("GET", f"{SUBSCRIBERS}/{sid}", None),
        ("POST", SUBSCRIBERS, subscriber_body(cid)),
        ("POST", f"{SUBSCRIBERS}/validate", subscriber_body(cid)),
        ("PUT", f"{SUBSCRIBERS}/{sid}", {"packages": ["webex_meetings"]}),
        ("DELETE", f"{SUBSCRIBERS}/{sid}", None),
        ("POST", f"{SUBSCRIBERS}/{sid}/emails/consentMove", None),
        ("POST", f"/v1/subscribers/{sid}/emails/consentMove", None),
        ("GET", TEMPLATES, None),
        ("GET", f"{TEMPLATES}/{tid}", None),
        ("POST", TEMPLATES, {"name": "Planted"}),
        ("PUT", f"{TEMPLATES}/{tid}", {"name": "Hijacked"}),
        ("DELETE", f"{TEMPLATES}/{tid}", None),
        ("GET", AUDIT, None),
        ("GET", SETUP_ASSIST, None),
        ("GET", f"{SETUP_ASSIST}/{v.setup_assist_order_id}", None),
        ("POST", SETUP_ASSIST, setup_assist_order(v.org_id, v.customer, v.location_id, NOBODY)),
    ]
    result = [
        Attempt(method, url, body, code, {ON_BEHALF: on_behalf_of})
        for method, url, body in requests
    ]
    # billing's own way of naming a sub-partner
    result += [
        Attempt("GET", f"{REPORTS}?subPartnerOrgId={on_behalf_of}", None, code),
        Attempt("POST", REPORTS, {**PERIOD, "type": "USER", "subPartnerOrgId": on_behalf_of}, code),
    ]
    return result


@dataclass(frozen=True)
class Scenario:
    """Who attacks whose objects, and for whom it claims to act (None: for itself)."""

    attacker: str
    victim: str
    on_behalf_of: str | None = None  # a tenant's label, or UNKNOWN_ORG

    def acted_for(self, w: World) -> str | None:
        """The organization ID named in `onBehalfOfSubPartnerOrgId`, if any."""
        if self.on_behalf_of is None:
            return None
        return w[self.on_behalf_of].org_id if self.on_behalf_of in w.tenants else UNKNOWN_ORG

    def attempts(self, w: World) -> list[Attempt]:
        org = self.acted_for(w)
        return by_id(w, self.victim) if org is None else acting_for(w, self.victim, org)


SCENARIOS = {
    "S1 at its sibling S2's objects": Scenario("S1", "S2"),
    "S1 at its parent P's own objects": Scenario("S1", "P"),
    "S1 acting for its sibling S2": Scenario("S1", "S2", "S2"),
    "S1 acting for its parent P": Scenario("S1", "P", "P"),
    "S2 at its sibling S1's objects": Scenario("S2", "S1"),
    "Q at P's objects": Scenario("Q", "P"),
    "Q at P's sub-partner S1's objects": Scenario("Q", "S1"),
    "Q acting for P's sub-partner S1": Scenario("Q", "S1", "S1"),
    "QS at P's objects": Scenario("QS", "P"),
    "QS at S1's objects": Scenario("QS", "S1"),
    "P acting for Q's sub-partner QS": Scenario("P", "QS", "QS"),
    "P acting for an unknown organization, at S1's objects": Scenario("P", "S1", UNKNOWN_ORG),
    "P acting for an unknown organization, at its own": Scenario("P", "P", UNKNOWN_ORG),
}
ACTING_FOR_OTHERS = {name: s for name, s in SCENARIOS.items() if s.on_behalf_of is not None}


def run(client: TestClient, w: World, scenario: Scenario) -> list[tuple[Attempt, Any]]:
    headers = w[scenario.attacker].headers
    return [
        (a, client.request(a.method, a.target, json=a.body, headers=headers))
        for a in scenario.attempts(w)
    ]


def describe(a: Attempt) -> str:
    return f"{a.method} {a.target}"


def check(
    client: TestClient, w: World, scenarios: dict[str, Scenario]
) -> tuple[list[str], list[str]]:
    """Run the scenarios: (answers other than 404 with an expected code, answers revealing
    something of the victim or of the organization acted for)."""
    wrong, leaks = [], []
    for name, scenario in scenarios.items():
        victim = w[scenario.victim].secrets()
        if scenario.on_behalf_of in w.tenants:
            victim.update(w[scenario.on_behalf_of].secrets())
        for attempt, response in run(client, w, scenario):
            codes = error_codes(response) if response.status_code == 404 else []
            if len(codes) != 1 or codes[0] not in attempt.codes:
                text = response.text[:200]
                wrong.append(f"{name}: {describe(attempt)} -> {response.status_code} {text}")
            shown = response.text + response.headers.get("link", "")
            leaks += [
                f"{name}: {describe(attempt)} reveals {what}"
                for what, value in victim.items()
                if value in shown
            ]
    return wrong, leaks


# One world per attacker: each runs every scenario of the table in which it attacks.
@pytest.mark.parametrize("attacker", ["S1", "S2", "Q", "QS", "P"])
def test_every_foreign_id_answers_404_and_reveals_nothing(
    app_client: TestClient, world: World, attacker: str
) -> None:
    mine = {name: s for name, s in SCENARIOS.items() if s.attacker == attacker}

    wrong, leaks = check(app_client, world, mine)

    assert wrong == []
    assert leaks == []


def test_billing_reports_refuse_acting_for_someone_elses_sub_partner(
    app_client: TestClient, world: World
) -> None:
    """docs/channel.md: billing reports accept `onBehalfOfSubPartnerOrgId` like every
    provisioning endpoint, so acting for an organization that is not the caller's sub-partner
    must be refused (404, 1015), never quietly done as the caller itself."""
    wrong = []
    for name, scenario in ACTING_FOR_OTHERS.items():
        v = world[scenario.victim]
        on_behalf = {ON_BEHALF: scenario.acted_for(world) or ""}
        for method, url, body in (
            ("GET", REPORTS, None),
            ("GET", f"{REPORTS}/{v.report_id}", None),
            ("POST", REPORTS, {**PERIOD, "type": "CUSTOMER"}),
            ("DELETE", f"{REPORTS}/{v.report_id}", None),
        ):
            attempt = Attempt(method, url, body, (SUB_PARTNER_NOT_FOUND,), on_behalf)
            response = app_client.request(
                method, attempt.target, json=body, headers=world[scenario.attacker].headers
            )
            if response.status_code != 404 or error_codes(response) != [SUB_PARTNER_NOT_FOUND]:
                wrong.append(f"{name}: {describe(attempt)} -> {response.status_code}")

    assert wrong == []


# ---- lists ------------------------------------------------------------------------------------


def list_checks(w: World, viewer: str) -> list[tuple[str, str, list[str]]]:
    """(url, key, the values `viewer` must get): its own rows only, whatever the filter names."""
    me = w[viewer]
    own_customer, own_subscriber = [me.customer["id"]], [me.subscriber["id"]]
    checks = [
        (CUSTOMERS, "id", own_customer),
        (f"{CUSTOMERS}?status=provisioned&max=1000", "id", own_customer),
        (SUBSCRIBERS, "id", own_subscriber),
        (f"{SUBSCRIBERS}?sortBy=lastStatusChange&sortOrder=DESC&max=100", "id", own_subscriber),
        (TEMPLATES, "id", [t["id"] for t in me.templates]),
        (REPORTS, "id", [me.report_id]),
        (SUB_PARTNER_LIST, "orgId", list(me.sub_partner_ids)),
        (SETUP_ASSIST, "id", [me.setup_assist_order_id]),
    ]
    for label, other in w.tenants.items():
        if label == viewer or w.parents.get(label) == viewer:
            continue
        checks += [
            (f"{CUSTOMERS}?externalId={other.customer['externalId']}", "id", []),
            (f"{CUSTOMERS}?orgId={other.customer['orgId']}", "id", []),
            (f"{SUBSCRIBERS}?customerId={other.customer['id']}", "id", []),
            (f"{SUBSCRIBERS}?externalCustomerId={other.customer['externalId']}", "id", []),
            (f"{SUBSCRIBERS}?email={other.subscriber['email']}", "id", []),
            (f"{SUBSCRIBERS}?personId={other.subscriber['personId']}", "id", []),
            (f"{AUDIT}?targetId={other.customer['id']}", "id", []),
            (f"{AUDIT}?targetId={other.org_id}", "id", []),
            (f"{SETUP_ASSIST}?customerOrgId={other.customer['orgId']}", "id", []),
        ]
    return checks


VIEWERS = ["S1", "S2", "Q", "QS"]


# One world per viewer: its lists, what they reveal, and (for a sub-partner) its audit log.
@pytest.mark.parametrize("viewer", VIEWERS)
def test_lists_hold_only_the_viewers_own_rows_and_reveal_nothing_else(
    app_client: TestClient, world: World, viewer: str
) -> None:
    headers = world[viewer].headers
    foreign = world.foreign_secrets(viewer)

    wrong, leaks = [], []
    for url, key, expected in list_checks(world, viewer):
        response = app_client.get(url, headers=headers)
        got = [item[key] for item in response.json().get("items", [])]
        if response.status_code != 200 or got != expected:
            wrong.append(f"GET {url} -> {response.status_code} {got} (expected {expected})")
    for url in [url for url, _, _ in list_checks(world, viewer)] + [
        f"{AUDIT}?max=1000",
        INVOICES,
        PRICE_BOOK,
        f"{PRICE_BOOK}/versions",
    ]:
        response = app_client.get(url, headers=headers)
        shown = response.text + response.headers.get("link", "")
        leaks += [f"GET {url} reveals {what}" for what, value in foreign.items() if value in shown]

    assert wrong == []
    assert leaks == []
    if viewer in world.parents:
        events = app_client.get(AUDIT, params={"max": "1000"}, headers=headers).json()["items"]
        assert {e["ownerOrgId"] for e in events} == {world[viewer].org_id}


def test_the_parents_lists_and_acting_for_each_sub_partner_stay_apart(
    app_client: TestClient, world: World
) -> None:
    p = world["P"].headers
    mine = [world["P"].customer["id"]]

    plain = app_client.get(CUSTOMERS, headers=p).json()["items"]
    for_s1 = app_client.get(CUSTOMERS, params={ON_BEHALF: world["S1"].org_id}, headers=p)
    for_s2 = app_client.get(CUSTOMERS, params={ON_BEHALF: world["S2"].org_id}, headers=p)
    subs = app_client.get(SUB_PARTNER_LIST, headers=p).json()["items"]
    qs_by_external_id = app_client.get(
        CUSTOMERS, params={"externalId": world["QS"].customer["externalId"]}, headers=p
    )
    reports = app_client.get(REPORTS, headers=p).json()["items"]
    reports_for_s2 = app_client.get(REPORTS, params={ON_BEHALF: world["S2"].org_id}, headers=p)

    assert [c["id"] for c in plain] == mine
    assert [c["id"] for c in for_s1.json()["items"]] == [world["S1"].customer["id"]]
    assert [c["id"] for c in for_s2.json()["items"]] == [world["S2"].customer["id"]]
    assert sorted(s["orgId"] for s in subs) == sorted(world["P"].sub_partner_ids)
    assert qs_by_external_id.json()["items"] == []
    assert [r["id"] for r in reports] == [world["P"].report_id]
    assert [r["id"] for r in reports_for_s2.json()["items"]] == [world["S2"].report_id]


# ---- nothing changed --------------------------------------------------------------------------


def snapshot(client: TestClient, w: World) -> dict[str, Any]:
    """Every tenant's objects as it sees them itself, and the sub-partners' states."""
    result: dict[str, Any] = {}
    for label, t in w.tenants.items():
        for url in (
            f"{CUSTOMERS}/{t.customer['id']}?includePackageLicenseInfo=true",
            f"{SUBSCRIBERS}/{t.subscriber['id']}",
            f"{TEMPLATES}/{t.template['id']}",
            f"{REPORTS}/{t.report_id}",
            CUSTOMERS,
            SUBSCRIBERS,
            TEMPLATES,
            SUB_PARTNER_LIST,
            f"/v1/locations?orgId={t.customer['orgId']}",
            f"{QUEUES}?orgId={t.customer['orgId']}",
            f"/v1/telephony/config/locations/{t.location_id}/queues/{t.queue_id}"
            f"?orgId={t.customer['orgId']}",
            f"{HUNT_GROUPS}?orgId={t.customer['orgId']}",
            f"/v1/telephony/config/locations/{t.location_id}/huntGroups/{t.hunt_group_id}"
            f"?orgId={t.customer['orgId']}",
            f"/v1/locations/{t.location_id}/floors",
            f"/v1/people/{t.subscriber['personId']}",
            f"{SETUP_ASSIST}/{t.setup_assist_order_id}",
            SETUP_ASSIST,
            f"{WORKSPACES}?orgId={t.customer['orgId']}",
            f"{NUMBERS}?orgId={t.customer['orgId']}",
            f"{DEVICES}?orgId={t.customer['orgId']}",
        ):
            response = client.get(url, headers=t.headers)
            assert response.status_code == 200, (label, url, response.text)
            body = response.json()
            for item in [body, *body.get("items", [])]:
                item.pop("tempDownloadURL", None)  # a fresh signed link on every read
            result[f"{label} {url}"] = body
    invoice = client.get(f"{INVOICES}/{w['P'].invoice_id}", headers=w["P"].headers)
    result["P's invoice"] = invoice.json()
    result["P's price book"] = client.get(PRICE_BOOK, headers=w["P"].headers).json()
    return result


def test_nothing_changed_after_every_attempt(app_client: TestClient, world: World) -> None:
    before = snapshot(app_client, world)

    for scenario in SCENARIOS.values():
        run(app_client, world, scenario)
    drain(app_client)

    assert snapshot(app_client, world) == before


def test_another_tenants_workspace_or_location_under_ones_own_organization_is_404(
    app_client: TestClient, world: World
) -> None:
    """Naming one's own customer organization does not reach another tenant's workspace or
    location: the workspace is unknown (8020), the location too (1013), and nothing leaks."""
    wrong, leaks = [], []
    for name, scenario in SCENARIOS.items():
        if scenario.on_behalf_of is not None:
            continue
        attacker, victim = world[scenario.attacker], world[scenario.victim]
        own = {"orgId": attacker.customer["orgId"]}
        wid, pid = victim.workspace_id, victim.subscriber["personId"]
        numbers = f"/v1/telephony/config/locations/{victim.location_id}/numbers"
        attempts = [
            Attempt("GET", f"{WORKSPACES}/{wid}", None, (WORKSPACE_NOT_FOUND,), own),
            Attempt(
                "PUT", f"{WORKSPACES}/{wid}", {"displayName": "X"}, (WORKSPACE_NOT_FOUND,), own
            ),
            Attempt("DELETE", f"{WORKSPACES}/{wid}", None, (WORKSPACE_NOT_FOUND,), own),
            Attempt("GET", f"{WORKSPACES}/{wid}/capabilities", None, (WORKSPACE_NOT_FOUND,), own),
            Attempt(
                "POST",
                DEVICES,
                {"mac": "0C0000000998", "model": "DMS Cisco 8811", "workspaceId": wid},
                (WORKSPACE_NOT_FOUND,),
                own,
            ),
            Attempt(
                "POST",
                DEVICES,
                {"mac": "0C0000000997", "model": "DMS Cisco 8811", "personId": pid},
                (PERSON_NOT_FOUND,),
                own,
            ),
            Attempt("GET", f"{DEVICES}/{victim.device_id}", None, (DEVICE_NOT_FOUND,), own),
            Attempt(
                "GET",
                f"/v1/telephony/config/workspaces/{wid}/devices",
                None,
                (WORKSPACE_NOT_FOUND,),
                own,
            ),
            Attempt("POST", numbers, {"phoneNumbers": ["+14085559998"]}, (NOT_FOUND,), own),
            Attempt("DELETE", numbers, {"phoneNumbers": [victim.phone_number]}, (NOT_FOUND,), own),
        ]
        secrets = victim.secrets()
        for a in attempts:
            response = app_client.request(a.method, a.target, json=a.body, headers=attacker.headers)
            codes = error_codes(response) if response.status_code == 404 else []
            if codes != list(a.codes):
                wrong.append(
                    f"{name}: {describe(a)} -> {response.status_code} {response.text[:200]}"
                )
            leaks += [
                f"{name}: {describe(a)} reveals {w}"
                for w, v in secrets.items()
                if v in response.text
            ]
        own_numbers = app_client.get(
            NUMBERS, params={**own, "numberType": "NUMBER"}, headers=attacker.headers
        )
        shown = [n["phoneNumber"] for n in own_numbers.json()["phoneNumbers"]]
        if shown != [attacker.phone_number]:
            wrong.append(f"{name}: {scenario.attacker}'s numbers are {shown}")

    assert wrong == []
    assert leaks == []
