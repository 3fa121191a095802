"""Pure subscriber rules, over every combination of their small input domains (PRODUCT.md §5)."""

from __future__ import annotations

import itertools

import pytest

from tukku.catalog.packages import Catalog, catalog
from tukku.core.errors import Codes
from tukku.subscribers.rules import (
    EmailOwner,
    Numbers,
    becomes_admin,
    check_numbers,
    choose_package,
    email_owner,
)

# The public subscriber package enum, and customer-only packages a subscriber cannot hold.
SUBSCRIBER_PACKAGES = (
    "webex_calling",
    "webex_meetings",
    "webex_suite",
    "webex_voice",
    "cx_essentials",
    "webex_calling_standard",
    "attendant_console",
    "cx_premium_agent",
    "cx_standard_agent",
)
NOT_FOR_SUBSCRIBERS = (
    "common_area_calling",
    "cisco_calling_plan",
    "cx_voice_ports",
    "cx_ai_assistant",
    "webex_ai_agent",
    "meetings_toll_dialin",
    "no_such_package",
    "",
)
NAMES = SUBSCRIBER_PACKAGES + NOT_FOR_SUBSCRIBERS
PACKAGES_VALUES: list[list[str] | None] = [
    None,
    [],
    *([name] for name in NAMES),
    ["webex_calling", "webex_meetings"],
    ["webex_calling", "webex_calling"],
]

VALID_EXTENSIONS = ("12", "1234", "0042", "1234567890")
INVALID_EXTENSIONS = ("1", "12345678901", "12a", "+123", "1 2", "x")
VALID_NUMBERS = ("+14085550100", "+358401234567", "+442079460100", "+123456789012345")
INVALID_NUMBERS = (
    "4085550100",
    "14085550100",
    "+04085550100",
    "+1234567890123456",
    "++14085550100",
    "+1408555010a",
    "+",
    "tel:+14085550100",
)
PREFIX = "provisioningParameters"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog()


@pytest.mark.parametrize("package", [None, *NAMES])
@pytest.mark.parametrize("packages", PACKAGES_VALUES, ids=repr)
def test_choose_package_over_every_combination(
    cat: Catalog, package: str | None, packages: list[str] | None
) -> None:
    chosen, problems = choose_package(cat, package, packages)

    if (package is None) == (packages is None):
        assert chosen is None
        assert [p.code for p in problems] == [Codes.PACKAGE_XOR]
        return
    if packages is not None and len(packages) != 1:
        assert chosen is None
        assert [(p.code, p.field) for p in problems] == [(Codes.PACKAGES_ONE, "packages")]
        return
    name, field = (package, "package") if package is not None else (packages[0], "packages")
    if name in SUBSCRIBER_PACKAGES:
        assert (chosen, problems) == (name, [])
    else:
        assert chosen is None
        assert [(p.code, p.field) for p in problems] == [(Codes.PACKAGE_UNKNOWN, field)]


def test_choose_package_examples(cat: Catalog) -> None:
    assert choose_package(cat, "webex_suite", None) == ("webex_suite", [])
    assert choose_package(cat, None, ["webex_voice"]) == ("webex_voice", [])
    assert choose_package(cat, None, ["common_area_calling"])[0] is None
    assert choose_package(cat, "webex_calling", ["webex_calling"])[0] is None
    assert choose_package(cat, None, None)[0] is None


@pytest.mark.parametrize("extension", [None, *VALID_EXTENSIONS, *INVALID_EXTENSIONS], ids=repr)
@pytest.mark.parametrize("number", [None, *VALID_NUMBERS, *INVALID_NUMBERS], ids=repr)
@pytest.mark.parametrize("required", [True, False])
def test_check_numbers_over_every_combination(
    extension: str | None, number: str | None, required: bool
) -> None:
    expected = set()
    if required and extension is None and number is None:
        expected.add((Codes.NUMBER_REQUIRED, PREFIX))
    if extension in INVALID_EXTENSIONS:
        expected.add((Codes.EXTENSION_INVALID, f"{PREFIX}.extension"))
    if number in INVALID_NUMBERS:
        expected.add((Codes.PHONE_NUMBER_INVALID, f"{PREFIX}.primaryPhoneNumber"))

    checked, problems = check_numbers(extension, number, required=required, prefix=PREFIX)

    assert {(p.code, p.field) for p in problems} == expected
    assert checked == (None if expected else Numbers(extension, number))


def test_check_numbers_examples() -> None:
    assert check_numbers(None, "+14085550100", required=True, prefix=PREFIX)[1] == []
    assert check_numbers(None, "4085550100", required=True, prefix=PREFIX)[0] is None
    assert check_numbers("1001", None, required=True, prefix=PREFIX)[1] == []
    assert check_numbers(None, None, required=False, prefix=PREFIX) == (Numbers(None, None), [])
    assert check_numbers(None, None, required=True, prefix=PREFIX)[0] is None


CUSTOMER_ORG = "org-customer"
OWNER_ORGS = (None, CUSTOMER_ORG, "org-elsewhere")
ORG_KINDS = (None, "standalone", "customer", "partner", "operator")


def expected_owner(
    owner_org_id: str | None, owner_org_kind: str | None, customer_org_id: str | None, sub: bool
) -> EmailOwner:
    """PRODUCT.md §5: one subscriber per e-mail; outside-wholesale users are asked to consent."""
    if sub:
        return EmailOwner.TAKEN  # already a subscriber somewhere: 409
    if owner_org_id is None:
        return EmailOwner.NOBODY  # a fresh user is created
    if owner_org_id == customer_org_id:
        return EmailOwner.MEMBER  # the customer's own user becomes the subscriber
    if owner_org_kind == "standalone":
        return EmailOwner.OUTSIDE  # e.g. a free account: 202 pending_user_migration
    return EmailOwner.TAKEN  # a user of another wholesale organization


@pytest.mark.parametrize(
    ("owner_org_id", "owner_org_kind", "customer_org_id", "sub"),
    list(itertools.product(OWNER_ORGS, ORG_KINDS, (CUSTOMER_ORG, None), (False, True))),
)
def test_email_owner_over_every_combination(
    owner_org_id: str | None, owner_org_kind: str | None, customer_org_id: str | None, sub: bool
) -> None:
    result = email_owner(
        owner_org_id=owner_org_id,
        owner_org_kind=owner_org_kind,
        customer_org_id=customer_org_id,
        owner_is_subscriber=sub,
    )

    assert result is expected_owner(owner_org_id, owner_org_kind, customer_org_id, sub)


def test_a_free_account_elsewhere_is_asked_to_consent() -> None:
    result = email_owner(
        owner_org_id="org-free",
        owner_org_kind="standalone",
        customer_org_id=CUSTOMER_ORG,
        owner_is_subscriber=False,
    )

    assert result is EmailOwner.OUTSIDE


@pytest.mark.parametrize(
    ("attached", "org_has_admin", "expected"),
    [
        (False, False, True),  # first subscriber of a new organization
        (False, True, False),  # a later subscriber
        (True, False, False),  # an attached organization keeps its own administrators
        (True, True, False),
    ],
)
def test_only_the_first_subscriber_of_a_new_organization_becomes_admin(
    attached: bool, org_has_admin: bool, expected: bool
) -> None:
    assert becomes_admin(attached=attached, org_has_admin=org_has_admin) is expected
