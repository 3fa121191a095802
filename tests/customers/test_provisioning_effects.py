"""What provisioning sets up (PRODUCT §4.1, §4.2, §4.5), read back from the database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner, drain
from tests.support import provision_customer
from tukku.accounts.models import ManagingRelationship
from tukku.core.db import Database
from tukku.customers.models import Location, MeetingSite
from tukku.identity.models import Organization


def address(country: str) -> dict[str, str]:
    return {"addressLine1": "1 High Street", "city": "Somewhere", "country": country}


def calling(country: str, language: str = "en_us") -> dict[str, Any]:
    return {
        "calling": {
            "location": {
                "name": "HQ",
                "address": address(country),
                "timezone": "UTC",
                "language": language,
            }
        }
    }


def org_of(db: Database, customer: dict[str, Any]) -> Organization:
    with db.unit_of_work(write=False) as session:
        org = session.get(Organization, customer["orgId"])
        assert org is not None
        session.expunge(org)
        return org


def site_of(db: Database, customer: dict[str, Any]) -> MeetingSite | None:
    with db.unit_of_work(write=False) as session:
        site = session.scalars(
            select(MeetingSite).where(MeetingSite.customer_id == customer["id"])
        ).first()
        if site is not None:
            session.expunge(site)
        return site


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "AMER"),
        ("BR", "AMER"),
        ("SG", "APAC"),
        ("JP", "APAC"),
        ("AU", "ANZ"),
        ("NZ", "ANZ"),
        ("GB", "EMEA"),
        ("ZA", "EMEA"),
        ("DE", "EURO"),
        ("FR", "EURO"),
    ],
)
def test_the_billing_country_decides_country_and_data_region(
    app_client: TestClient, partner: Partner, db: Database, country: str, region: str
) -> None:
    customer = provision_customer(
        app_client, partner, address=address(country), provisioningParameters=calling(country)
    )

    org = org_of(db, customer)
    assert (org.country, org.region) == (country, region)


@pytest.mark.parametrize(
    ("country", "language", "org_locale", "site_locale"),
    [
        ("CA", "fr", "fr_CA", "fr_CA"),  # fr_<country> is supported
        ("BE", "fr", "fr_FR", "fr_FR"),  # fr_BE is not: the language default
        ("BR", "pt", "pt_BR", "pt_BR"),
        ("PT", "pt", "pt_PT", "en_US"),  # meeting sites lack pt_PT
        ("NO", "nb", "nb_NO", "en_US"),  # ... and nb_NO
        ("GB", "en_GB", "en_GB", "en_GB"),
        ("US", None, "en_US", "en_US"),  # no language: the template's (en_US)
    ],
)
def test_language_becomes_the_org_locale_and_the_site_locale(
    app_client: TestClient,
    partner: Partner,
    db: Database,
    country: str,
    language: str | None,
    org_locale: str,
    site_locale: str,
) -> None:
    info: dict[str, Any] = {"name": "Locale Co", "primaryEmail": "it@locale.test"}
    if language:
        info["language"] = language
    customer = provision_customer(
        app_client,
        partner,
        address=address(country),
        customerInfo=info,
        provisioningParameters=calling(country),
    )

    site = site_of(db, customer)
    assert org_of(db, customer).locale == org_locale
    assert site is not None
    assert site.locale == site_locale


def test_call_in_numbers_of_the_country_or_else_of_its_region(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    germany = provision_customer(
        app_client, partner, address=address("DE"), provisioningParameters=calling("DE")
    )
    mexico = provision_customer(
        app_client, partner, address=address("MX"), provisioningParameters=calling("MX")
    )
    united_states = provision_customer(
        app_client, partner, address=address("US"), provisioningParameters=calling("US")
    )

    germany_site, mexico_site, us_site = (site_of(db, c) for c in (germany, mexico, united_states))
    assert germany_site is not None
    assert mexico_site is not None
    assert us_site is not None
    assert germany_site.call_in_numbers[0].startswith("+49")
    assert mexico_site.call_in_numbers == us_site.call_in_numbers  # AMER falls back to the US
    assert us_site.call_in_numbers[0].startswith("+1")


def test_each_customer_gets_its_own_sip_domain(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    same_name = {"name": "Joe's Plumbing", "primaryEmail": "joe@plumbing.test"}
    first = provision_customer(app_client, partner, customerInfo=same_name)
    second = provision_customer(app_client, partner, customerInfo=same_name)

    domains = {org_of(db, first).sip_domain, org_of(db, second).sip_domain}
    assert len(domains) == 2
    assert all(d and d.startswith("joesplumbing") for d in domains)


def test_headquarters_location_comes_from_the_calling_parameters(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer = provision_customer(
        app_client, partner, provisioningParameters=calling("US", "en_us")
    )

    with db.unit_of_work(write=False) as session:
        locations = session.scalars(
            select(Location).where(Location.customer_id == customer["id"])
        ).all()
        summary = [(loc.name, loc.is_headquarters, loc.language, loc.timezone) for loc in locations]
    assert summary == [("HQ", True, "en_US", "UTC")]


def test_meetings_only_customers_get_a_site_and_webex_assistant_but_no_location(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer = provision_customer(
        app_client, partner, packages=["webex_meetings"], provisioningParameters=None
    )

    with db.unit_of_work(write=False) as session:
        locations = session.scalars(
            select(Location).where(Location.customer_id == customer["id"])
        ).all()
    assert locations == []
    assert site_of(db, customer) is not None
    assert org_of(db, customer).webex_assistant is True


def test_a_calling_only_customer_has_no_meeting_site_and_no_assistant(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer = provision_customer(app_client, partner, packages=["webex_voice"])

    assert site_of(db, customer) is None
    assert org_of(db, customer).webex_assistant is False


def test_the_partner_manages_the_new_organization_as_full_administrator(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer = provision_customer(app_client, partner)

    with db.unit_of_work(write=False) as session:
        relations = [
            (r.manager_org_id, r.kind, r.admin_level)
            for r in session.scalars(
                select(ManagingRelationship).where(
                    ManagingRelationship.managed_org_id == customer["orgId"]
                )
            )
        ]
    assert relations == [(partner.org_id, "partner", "full_admin")]


def test_removal_leaves_the_organization_but_ends_management(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer = provision_customer(app_client, partner)
    app_client.delete(f"/v1/wholesale/customers/{customer['id']}", headers=partner.headers)
    drain(app_client)

    with db.unit_of_work(write=False) as session:
        managers = session.scalars(
            select(ManagingRelationship).where(
                ManagingRelationship.managed_org_id == customer["orgId"]
            )
        ).all()
    assert managers == []
    assert org_of(db, customer).kind == "standalone"
