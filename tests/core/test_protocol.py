"""Cross-cutting protocol: tracking IDs, the error body, media types, formats, service routes.

WEBEX-API-NOTES.md section 4: clients such as wxc_sdk and WebexPythonSDK parse errors as
`{message, errors: [{description, errorCode}], trackingId}` only when the response is
`application/json`, and read timestamps as ISO 8601 UTC with `Z`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import (
    customer_body,
    error_codes,
    operator_headers,
    provision_customer,
    provision_subscriber,
)
from tukku.core.clock import ManualClock

CUSTOMERS = "/v1/wholesale/customers"
TEMPLATES = "/v1/partner/onboardingTemplates"
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def assert_webex_error(response: Any, status: int) -> dict[str, Any]:
    """The response is `status` with exactly the Webex error body, served as JSON."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors", "trackingId"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"], list)
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) == {"description", "errorCode"}
        assert isinstance(error["description"], str)
        assert isinstance(error["errorCode"], int)
    assert body["trackingId"] == response.headers["trackingid"]
    return body


def test_tracking_id_is_echoed_on_success(app_client: TestClient, partner: Partner) -> None:
    headers = {**partner.headers, "TrackingID": "SIMPLE_4f1c2b1e-0d7e-4c55-a4f7-1b2c3d4e5f60"}

    response = app_client.get(CUSTOMERS, headers=headers)

    assert response.status_code == 200
    assert response.headers["trackingid"] == "SIMPLE_4f1c2b1e-0d7e-4c55-a4f7-1b2c3d4e5f60"
    lower = app_client.get("/healthz", headers={"trackingid": "lower-case-1"})
    assert lower.headers["TrackingID"] == "lower-case-1"  # header names are case-insensitive


def test_tracking_id_is_echoed_on_errors_in_header_and_body(
    app_client: TestClient, partner: Partner
) -> None:
    sent = "SIMPLE_tracking-error-1"
    responses = [
        app_client.get(CUSTOMERS, headers={"TrackingID": sent}),  # 401
        app_client.get("/v1/nowhere", headers={"TrackingID": sent}),  # 404
        app_client.post(CUSTOMERS, json={}, headers={**partner.headers, "TrackingID": sent}),  # 400
    ]

    for response in responses:
        assert response.headers["trackingid"] == sent
        assert response.json()["trackingId"] == sent


def test_without_a_tracking_id_one_is_generated(app_client: TestClient) -> None:
    first = app_client.get("/v1/nowhere")
    second = app_client.get("/v1/nowhere")
    ok = app_client.get("/healthz")

    assert first.headers["trackingid"]
    assert first.json()["trackingId"] == first.headers["trackingid"]
    assert second.headers["trackingid"] != first.headers["trackingid"]
    assert ok.headers["trackingid"]


def test_unknown_path_is_404_with_the_error_body(app_client: TestClient, partner: Partner) -> None:
    assert_webex_error(app_client.get("/v1/nowhere", headers=partner.headers), 404)
    assert_webex_error(app_client.get("/v1/wholesale/customerz"), 404)


def test_wrong_method_is_405_with_the_error_body(app_client: TestClient, partner: Partner) -> None:
    for method, url in [
        ("DELETE", CUSTOMERS),
        ("PATCH", f"{CUSTOMERS}/some-id"),
        ("PUT", "/v1/wholesale/subscribers"),
        ("POST", f"{CUSTOMERS}/some-id"),
        ("DELETE", TEMPLATES),
    ]:
        response = app_client.request(method, url, headers=partner.headers)

        assert_webex_error(response, 405)


def test_405_names_the_allowed_methods(app_client: TestClient, partner: Partner) -> None:
    # RFC 9110 section 15.5.6: a 405 response MUST carry an Allow header.
    response = app_client.delete(CUSTOMERS, headers=partner.headers)

    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
    assert {"GET", "POST"} <= allowed


def test_body_that_is_not_json_is_400(app_client: TestClient, partner: Partner) -> None:
    for url, content in [
        (CUSTOMERS, b"not json"),
        (TEMPLATES, b'{"name": "x"'),
        ("/v1/wholesale/subscribers", b"{'email': 'single@quotes.test'}"),
    ]:
        response = app_client.post(
            url,
            content=content,
            headers={**partner.headers, "Content-Type": "application/json"},
        )

        body = assert_webex_error(response, 400)
        assert error_codes(response) == [1000], url
        assert "JSON" in body["message"]


def test_body_of_another_media_type_is_415(app_client: TestClient, partner: Partner) -> None:
    for content_type, content in [
        ("text/plain", b'{"name": "x"}'),
        ("application/x-www-form-urlencoded", b"name=x"),
        ("application/xml", b"<template><name>x</name></template>"),
    ]:
        response = app_client.post(
            TEMPLATES, content=content, headers={**partner.headers, "Content-Type": content_type}
        )

        assert_webex_error(response, 415)
        assert error_codes(response) == [1004], content_type
    listed = app_client.get(TEMPLATES, headers=partner.headers).json()["items"]
    assert [t["provisioningId"] for t in listed] == [partner.provisioning_id]


def test_json_with_a_charset_parameter_is_accepted(
    app_client: TestClient, partner: Partner
) -> None:
    # wxc_sdk sends `Content-Type: application/json;charset=utf-8` (WEBEX-API-NOTES 4.6)
    response = app_client.post(
        TEMPLATES,
        content=b'{"name": "Charset"}',
        headers={**partner.headers, "Content-Type": "application/json;charset=utf-8"},
    )

    assert response.status_code == 201, response.text


def test_json_array_instead_of_an_object_is_400(app_client: TestClient, partner: Partner) -> None:
    for url, body in [
        (TEMPLATES, [{"name": "x"}]),
        (CUSTOMERS, [customer_body(partner)]),
        (CUSTOMERS, []),
        (TEMPLATES, "a string"),
        (TEMPLATES, 42),
    ]:
        response = app_client.post(url, json=body, headers=partner.headers)

        assert_webex_error(response, 400)
    assert app_client.get(CUSTOMERS, headers=partner.headers).json()["items"] == []


def test_validation_errors_name_every_problem(app_client: TestClient, partner: Partner) -> None:
    response = app_client.post(CUSTOMERS, json={"packages": "x"}, headers=partner.headers)

    body = assert_webex_error(response, 400)
    descriptions = " ".join(e["description"] for e in body["errors"])
    for field in ("provisioningId", "externalId", "address"):
        assert field in descriptions


def test_timestamps_are_iso_8601_utc_with_z(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    clock.advance(timedelta(minutes=5, seconds=7, milliseconds=250))
    subscriber = provision_subscriber(app_client, partner, customer["id"])
    template = app_client.post(TEMPLATES, json={"name": "Fmt"}, headers=partner.headers).json()

    for value in (
        subscriber["created"],
        subscriber["lastStatusChange"],
        template["created"],
        template["lastModified"],
    ):
        assert ISO_UTC.match(value), value
    # platform time (the test clock started at 2027-01-03T09:00:00Z), in UTC
    assert subscriber["created"] == "2027-01-03T09:05:07.250Z"
    assert template["created"] == "2027-01-03T09:05:07.250Z"


def test_success_responses_are_json(app_client: TestClient, partner: Partner) -> None:
    for url in (CUSTOMERS, "/v1/wholesale/subscribers", TEMPLATES):
        response = app_client.get(url, headers=partner.headers)

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert isinstance(response.json()["items"], list)


def test_openapi_document_is_served_with_the_wholesale_paths(app_client: TestClient) -> None:
    response = app_client.get("/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/v1/wholesale/customers",
        "/v1/wholesale/customers/{customer_id}",
        "/v1/wholesale/customers/validate",
        "/v1/wholesale/subscribers",
        "/v1/wholesale/subscribers/{subscriber_id}",
        "/v1/wholesale/subscribers/validate",
        "/v1/partner/onboardingTemplates",
    } <= set(document["paths"])
    customers = document["paths"]["/v1/wholesale/customers"]
    assert {"get", "post"} <= set(customers)


def test_docs_are_served_as_html(app_client: TestClient) -> None:
    response = app_client.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


def test_health_and_readiness_answer_200(app_client: TestClient) -> None:
    assert app_client.get("/healthz").status_code == 200
    ready = app_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


def test_sandbox_routes_do_not_exist_outside_sandbox_mode(
    app_client: TestClient, partner: Partner
) -> None:
    state = app_client.app.state  # type: ignore[attr-defined]
    ops = operator_headers(state.db, state.clock)
    for response in (
        app_client.get("/v1/sandbox/clock", headers=partner.headers),
        app_client.post("/v1/sandbox/clock", json={"advanceSeconds": 86400}, headers=ops),
    ):
        assert_webex_error(response, 404)
    assert "/v1/sandbox/clock" not in app_client.get("/openapi.json").json()["paths"]
