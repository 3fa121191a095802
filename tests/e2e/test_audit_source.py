"""Where a change came from, over real HTTP: the audit log records the client's address (as a
trusted proxy on loopback forwards it) and its User-Agent."""

from __future__ import annotations

import httpx

from tests.e2e.conftest import Server


def test_the_audit_log_records_the_client_address_and_user_agent(server: Server) -> None:
    auth = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=10) as client:
        direct = client.post(
            "/v1/partner/onboardingTemplates",
            json={"name": "Direct"},
            headers={"User-Agent": "crm-sync/4.2", "TrackingID": "direct"},
        )
        proxied = client.post(
            "/v1/partner/onboardingTemplates",
            json={"name": "Proxied"},
            headers={"X-Forwarded-For": "203.0.113.9", "TrackingID": "proxied"},
        )
        events = client.get("/v1/partner/auditEvents", params={"action": "template.create"})

    assert (direct.status_code, proxied.status_code) == (201, 201)
    seen = {e["trackingId"]: (e["sourceAddress"], e["userAgent"]) for e in events.json()["items"]}
    assert seen["direct"] == ("127.0.0.1", "crm-sync/4.2")
    assert seen["proxied"] == ("203.0.113.9", f"python-httpx/{httpx.__version__}")
