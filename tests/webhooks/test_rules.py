"""The pure rules of webhooks: the retry schedule, the SSRF address check, event naming."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from tukku.webhooks import rules

THREE_DAYS = timedelta(days=3)


def test_the_retry_schedule_follows_svix_and_ends_within_three_days() -> None:
    waits = [rules.retry_delay(n, 0.0) for n in range(1, 20)]
    scheduled = [w for w in waits if w is not None]
    assert scheduled[:5] == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
    ]
    assert all(w == timedelta(hours=10) for w in scheduled[5:])
    assert waits[len(scheduled) :] == [None] * (len(waits) - len(scheduled))
    assert sum(scheduled, timedelta()) <= THREE_DAYS
    # One more 10-hour wait would run past three days: the schedule uses what it may.
    assert sum(scheduled, timedelta()) + timedelta(hours=10) > THREE_DAYS


@pytest.mark.parametrize("jitter", [0.0, 0.5, 0.999])
def test_jitter_only_shortens_waits(jitter: float) -> None:
    for n in range(1, 12):
        plain, jittered = rules.retry_delay(n, 0.0), rules.retry_delay(n, jitter)
        assert plain is not None
        assert jittered is not None
        assert plain * 0.8 <= jittered <= plain


def test_no_retry_before_a_failure() -> None:
    assert rules.retry_delay(0, 0.0) is None


REFUSED = [
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "100.64.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:1::",
    "2002:a00:1::",
    "64:ff9b::a00:1",
    "64:ff9b::7f00:1",
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("text", REFUSED)
def test_private_loopback_link_local_and_embedded_forms_are_refused(text: str) -> None:
    address = ipaddress.ip_address(text)
    assert rules.refusal(address, allow_private=False, allow_loopback=False) is not None


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_allowed(text: str) -> None:
    address = ipaddress.ip_address(text)
    assert rules.refusal(address, allow_private=False, allow_loopback=False) is None


def test_the_sandbox_reaches_loopback_but_not_private_ranges() -> None:
    for text in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        address = ipaddress.ip_address(text)
        assert rules.refusal(address, allow_private=False, allow_loopback=True) is None
    for text in ("10.0.0.1", "169.254.169.254", "::ffff:192.168.0.1"):
        address = ipaddress.ip_address(text)
        assert rules.refusal(address, allow_private=False, allow_loopback=True) is not None


def test_an_operator_may_allow_private_targets() -> None:
    for text in REFUSED:
        address = ipaddress.ip_address(text)
        assert rules.refusal(address, allow_private=True, allow_loopback=False) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/x", "https"),
        ("ftp://hooks.example.com/x", "https"),
        ("https:///x", "host"),
        ("https://user:pw@hooks.example.com/x", "credentials"),
        ("https://hooks.example.com:99999/x", "valid"),
    ],
)
def test_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        rules.parse_target(url, require_https=True)


def test_a_target_names_scheme_host_and_port() -> None:
    assert rules.parse_target("https://[::1]/h", require_https=True) == rules.Target(
        "https", "::1", 443
    )
    assert rules.parse_target("http://127.0.0.1:8080/h", require_https=False) == rules.Target(
        "http", "127.0.0.1", 8080
    )


@pytest.mark.parametrize(
    ("action", "target_type", "after", "expected"),
    [
        ("customer.provision", "customer", None, ("customer", "c1", "created")),
        ("customer.attach", "customer", None, ("customer", "c1", "created")),
        ("customer.status", "customer", None, ("customer", "c1", "updated")),
        ("subscriber.provision", "subscriber", None, ("subscriber", "c1", "created")),
        ("subscriber.remove", "subscriber", None, ("subscriber", "c1", "updated")),
        ("billing_report.delete", "billing_report", None, ("billing_report", "c1", "deleted")),
        ("invoice.issue", "invoice", None, ("invoice", "c1", "created")),
        ("device.delete", "device", None, ("device", "c1", "deleted")),
        ("screening.case_opened", "customer", {"caseId": "k"}, ("screening_case", "k", "created")),
        ("screening.escalated", "customer", {"caseId": "k"}, ("screening_case", "k", "updated")),
        ("customer.cross_launch", "customer", None, None),
        ("template.create", "onboarding_template", None, None),
        ("location.create", "location", None, None),
    ],
)
def test_audited_changes_name_their_events(
    action: str,
    target_type: str,
    after: dict[str, object] | None,
    expected: tuple[str, str, str] | None,
) -> None:
    subject = rules.subject_of(action, target_type, "c1", after)
    assert (None if subject is None else (subject.resource, subject.resource_id, subject.verb)) == (
        expected
    )


def test_one_event_per_resource_and_transaction() -> None:
    assert rules.merged_verb(["created", "updated"], exists=True) == "created"
    assert rules.merged_verb(["updated", "updated"], exists=True) == "updated"
    assert rules.merged_verb(["created"], exists=False) == "deleted"
