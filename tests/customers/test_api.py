"""`/v1/wholesale/customers`: each operation's success and each documented error."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import ADDRESS, customer_body, error_codes, provision_customer


def test_provision_answers_202_with_location_and_url_then_completes(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )

    assert response.status_code == 202
    url = response.json()["url"]
    assert response.headers["location"] == url
    assert url.startswith("http://tukku.test/v1/wholesale/customers/")
    pending = app_client.get(url, headers=partner.headers).json()
    assert pending["status"] == "provisioning"
    assert "orgId" not in pending
    assert {p["status"] for p in pending["resourceDetails"]["packages"]} == {"provisioning"}

    drain(app_client)

    done = app_client.get(url, headers=partner.headers).json()
    assert done["status"] == "provisioned"
    assert done["orgId"]
    assert done["packages"] == ["webex_calling", "webex_meetings"]
    assert [p["status"] for p in done["resourceDetails"]["packages"]] == ["provisioned"] * 2
    assert "licenseIds" not in done["resourceDetails"]["packages"][0]


def test_license_ids_only_on_request(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    url = f"/v1/wholesale/customers/{customer['id']}"

    with_info = app_client.get(
        url, params={"includePackageLicenseInfo": "true"}, headers=partner.headers
    )

    packages = with_info.json()["resourceDetails"]["packages"]
    assert all(len(p["licenseIds"]) == 1 for p in packages)
    assert len({p["licenseIds"][0] for p in packages}) == 2


def test_address_line_over_50_characters_is_refused_naming_the_field(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner, address={**ADDRESS, "addressLine1": "x" * 51})

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert "address.addressLine1" in response.json()["message"]
    assert error_codes(response) == [4010]
    assert app_client.get("/v1/wholesale/customers", headers=partner.headers).json()["items"] == []


def test_missing_required_field_is_a_400_naming_it(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner)
    del body["address"]["city"]

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert response.json()["message"] == "address.city: is required"
    assert error_codes(response) == [1001]


def test_duplicate_external_id_is_a_conflict(app_client: TestClient, partner: Partner) -> None:
    provision_customer(app_client, partner, externalId="same")

    again = app_client.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, externalId="same"),
        headers=partner.headers,
    )

    assert again.status_code == 409
    assert error_codes(again) == [4003]


def test_unknown_provisioning_id_is_404(app_client: TestClient, partner: Partner) -> None:
    body = customer_body(partner, provisioningId="bm90LWEtdGVtcGxhdGU")

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 404
    assert error_codes(response) == [4002]


def test_calling_packages_need_calling_parameters(app_client: TestClient, partner: Partner) -> None:
    body = customer_body(partner, provisioningParameters={"meetings": {"timezone": "UTC"}})

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [4008]


def test_meetings_only_customer_needs_no_calling_parameters(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(
        app_client, partner, packages=["webex_meetings"], provisioningParameters=None
    )

    assert customer["status"] == "provisioned"


def test_add_on_without_its_base_package_is_refused(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner, packages=["webex_meetings", "attendant_console"])

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert 4007 in error_codes(response)
    assert "attendant_console" in response.json()["message"]


def test_unknown_org_id_is_a_clear_400(app_client: TestClient, partner: Partner) -> None:
    body = customer_body(partner, orgId="bm8tc3VjaC1vcmc")

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert "orgId" in response.json()["message"]


def test_percent_in_name_and_bad_country_are_reported_together(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(
        partner,
        customerInfo={"name": "100% Pizza", "primaryEmail": "a@b.test"},
        address={**ADDRESS, "country": "USA"},
    )

    response = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [4011, 4014]


def test_update_replaces_the_package_list(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    url = f"/v1/wholesale/customers/{customer['id']}"

    response = app_client.put(
        url, json={"packages": ["webex_calling", "webex_suite"]}, headers=partner.headers
    )

    assert response.status_code == 202
    assert response.headers["location"].endswith(url)
    updating = app_client.get(url, headers=partner.headers).json()
    assert updating["status"] == "updating"
    states = {p["name"]: p["status"] for p in updating["resourceDetails"]["packages"]}
    assert states == {
        "webex_calling": "provisioned",
        "webex_meetings": "deleting",
        "webex_suite": "provisioning",
    }
    drain(app_client)
    done = app_client.get(url, headers=partner.headers).json()
    assert done["status"] == "provisioned"
    assert done["packages"] == ["webex_calling", "webex_suite"]


def test_update_while_provisioning_is_a_conflict(app_client: TestClient, partner: Partner) -> None:
    accepted = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )

    response = app_client.put(
        accepted.json()["url"], json={"packages": ["webex_calling"]}, headers=partner.headers
    )

    assert response.status_code == 409
    assert error_codes(response) == [4015]


def test_country_of_provisioned_customer_cannot_change(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)

    response = app_client.put(
        f"/v1/wholesale/customers/{customer['id']}",
        json={"packages": customer["packages"], "address": {**ADDRESS, "country": "CA"}},
        headers=partner.headers,
    )

    assert response.status_code == 400
    assert error_codes(response) == [4017]


def test_remove_goes_through_deleting_then_404(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    url = f"/v1/wholesale/customers/{customer['id']}"

    response = app_client.delete(url, headers=partner.headers)

    assert response.status_code == 202
    assert response.content == b""
    assert app_client.get(url, headers=partner.headers).json()["status"] == "deleting"
    drain(app_client)
    gone = app_client.get(url, headers=partner.headers)
    assert gone.status_code == 404
    assert error_codes(gone) == [4001]


def test_external_id_is_free_again_after_removal(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner, externalId="reused")
    app_client.delete(f"/v1/wholesale/customers/{customer['id']}", headers=partner.headers)
    drain(app_client)

    again = provision_customer(app_client, partner, externalId="reused")

    assert again["status"] == "provisioned"
    assert again["id"] != customer["id"]


def test_list_filters_and_follows_link_headers(app_client: TestClient, partner: Partner) -> None:
    ids = [provision_customer(app_client, partner)["id"] for _ in range(5)]

    seen: list[str] = []
    url: str | None = "/v1/wholesale/customers?max=2&status=provisioned"
    while url:
        page = app_client.get(url, headers=partner.headers)
        assert page.status_code == 200
        seen += [c["id"] for c in page.json()["items"]]
        link = page.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
        if url:
            assert "status=provisioned" in url
            assert "max=2" in url

    assert seen == ids


def test_list_by_external_id_and_status(app_client: TestClient, partner: Partner) -> None:
    wanted = provision_customer(app_client, partner, externalId="wanted")
    provision_customer(app_client, partner)

    by_ext = app_client.get(
        "/v1/wholesale/customers", params={"externalId": "wanted"}, headers=partner.headers
    )
    by_status = app_client.get(
        "/v1/wholesale/customers?status=error,provisioning", headers=partner.headers
    )

    assert [c["id"] for c in by_ext.json()["items"]] == [wanted["id"]]
    assert by_status.json()["items"] == []


def test_unknown_status_filter_is_a_400(app_client: TestClient, partner: Partner) -> None:
    response = app_client.get("/v1/wholesale/customers?status=happy", headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [1003]
