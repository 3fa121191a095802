"""The package and add-on catalog (PRODUCT.md §2): names, calling, dependencies, downgrades."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.catalog.packages import Catalog, catalog

# The public API's customer package enum (WholesalePackagesCustomer).
PUBLIC_PACKAGES = (
    "common_area_calling",
    "webex_calling",
    "webex_meetings",
    "webex_suite",
    "webex_voice",
    "cx_essentials",
    "webex_calling_standard",
    "cisco_calling_plan",
    "attendant_console",
    "cx_premium_agent",
    "cx_standard_agent",
    "cx_voice_ports",
    "cx_ai_assistant",
    "webex_ai_agent",
)
# The public API's subscriber package enum (WholesalePackagesSubscriber).
SUBSCRIBER_PACKAGES = frozenset(
    {
        "webex_calling",
        "webex_meetings",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
        "attendant_console",
        "cx_premium_agent",
        "cx_standard_agent",
    }
)
NON_CALLING = frozenset({"webex_meetings", "meetings_toll_dialin"})
# PRODUCT.md §2: the two add-ons with dependencies, and what each needs one of.
NEEDS_ONE_OF: dict[str, frozenset[str]] = {
    "cisco_calling_plan": frozenset(
        {
            "common_area_calling",
            "webex_calling",
            "webex_suite",
            "webex_voice",
            "cx_essentials",
            "webex_calling_standard",
        }
    ),
    "attendant_console": frozenset({"webex_calling", "webex_suite", "cx_essentials"}),
}
UNKNOWN_NAMES = ("webex_calling_pro", "WEBEX_CALLING", "webex-calling", "", "teams")


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog()


def expected_problems(names: list[str]) -> set[tuple[str, str]]:
    """The oracle: (kind, package) of every problem a package list has."""
    problems = {("unknown", n) for n in names if n not in PUBLIC_PACKAGES}
    problems |= {("duplicate", n) for n in names if names.count(n) > 1}
    problems |= {
        ("dependency", n)
        for n in set(names)
        if n in NEEDS_ONE_OF and not NEEDS_ONE_OF[n] & set(names)
    }
    return problems


def test_every_public_package_is_in_the_catalog(cat: Catalog) -> None:
    missing = [name for name in PUBLIC_PACKAGES if cat.get(name) is None]

    assert missing == []


def test_the_legacy_meetings_toll_dialin_add_on_is_in_the_catalog(cat: Catalog) -> None:
    add_on = cat.get("meetings_toll_dialin")

    assert add_on is not None
    assert not add_on.calling


def test_an_unknown_name_is_not_in_the_catalog(cat: Catalog) -> None:
    assert all(cat.get(name) is None for name in UNKNOWN_NAMES)


def test_package_names_and_skus_are_unique(cat: Catalog) -> None:
    names = cat.names()
    skus = [p.sku for p in cat.packages]

    assert len(set(names)) == len(names)
    assert all(skus)
    assert len(set(skus)) == len(skus)


def test_calling_packages_are_all_but_meetings(cat: Catalog) -> None:
    calling = {p.name for p in cat.packages if p.calling}

    assert calling == set(cat.names()) - NON_CALLING
    assert set(PUBLIC_PACKAGES) - {"webex_meetings"} <= calling


@given(names=st.lists(st.sampled_from([*PUBLIC_PACKAGES, *UNKNOWN_NAMES]), max_size=5))
def test_a_customer_needs_calling_set_up_iff_it_has_a_calling_package(names: list[str]) -> None:
    expected = any(n in PUBLIC_PACKAGES and n != "webex_meetings" for n in names)

    assert catalog().any_calling(names) is expected


def test_customer_level_add_ons_are_the_add_ons_no_subscriber_or_workspace_takes(
    cat: Catalog,
) -> None:
    held_by_customers = {p.name for p in cat.packages if p.customer_level}

    assert held_by_customers == {
        "cisco_calling_plan",
        "cx_voice_ports",
        "cx_ai_assistant",
        "webex_ai_agent",
        "meetings_toll_dialin",
    }
    assert not cat["common_area_calling"].customer_level  # a package workspaces hold
    assert not cat["attendant_console"].customer_level  # an add-on subscribers hold


def test_subscriber_packages_are_exactly_the_public_subscriber_enum(cat: Catalog) -> None:
    assert {p.name for p in cat.packages if p.subscriber} == SUBSCRIBER_PACKAGES


@pytest.mark.parametrize(
    ("name", "service_name"),
    [
        ("common_area_calling", "COMMON_AREA_CALLING"),
        ("webex_calling", "WEBEX_CALLING"),
        ("webex_suite", "WEBEX_SUITE"),
        ("webex_meetings", "WEBEX_MEETINGS"),
        ("webex_voice", "WEBEX_VOICE"),
        ("cx_essentials", "CX_ESSENTIALS"),
    ],
)
def test_billing_reports_name_each_package_by_its_service_name(
    cat: Catalog, name: str, service_name: str
) -> None:
    assert cat[name].service_name == service_name


@given(
    names=st.lists(st.sampled_from([*PUBLIC_PACKAGES, *UNKNOWN_NAMES[:2]]), min_size=0, max_size=6)
)
def test_package_list_problems_are_unknowns_duplicates_and_unmet_dependencies(
    names: list[str],
) -> None:
    problems = catalog().check_customer_packages(names)

    assert {(p.kind, p.package) for p in problems} == expected_problems(names)
    assert all(p.detail for p in problems)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["webex_calling", "webex_meetings"], set()),
        (["cisco_calling_plan"], {("dependency", "cisco_calling_plan")}),
        (["cisco_calling_plan", "webex_meetings"], {("dependency", "cisco_calling_plan")}),
        (["cisco_calling_plan", "common_area_calling"], set()),
        (["cisco_calling_plan", "webex_calling_standard"], set()),
        (["attendant_console", "webex_voice"], {("dependency", "attendant_console")}),
        (
            ["attendant_console", "cisco_calling_plan"],
            {
                ("dependency", "attendant_console"),
                ("dependency", "cisco_calling_plan"),
            },
        ),
        (["attendant_console", "cx_essentials"], set()),
        (["webex_suite", "attendant_console", "cisco_calling_plan"], set()),
        (["webex_calling", "webex_calling"], {("duplicate", "webex_calling")}),
        (["webex_calling", "webex_calling_pro"], {("unknown", "webex_calling_pro")}),
    ],
)
def test_package_list_examples(
    cat: Catalog, names: list[str], expected: set[tuple[str, str]]
) -> None:
    assert {(p.kind, p.package) for p in cat.check_customer_packages(names)} == expected


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("webex_suite", "webex_meetings"),
        ("webex_suite", "webex_calling"),
        ("webex_calling", "webex_meetings"),
        ("webex_calling", "webex_voice"),
        ("webex_meetings", "webex_calling"),
        ("cx_essentials", "webex_calling"),
    ],
)
def test_moving_to_a_package_lacking_a_capability_is_a_downgrade(
    cat: Catalog, current: str, new: str
) -> None:
    assert cat.is_downgrade(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("webex_calling", "webex_suite"),
        ("webex_calling", "cx_essentials"),
        ("webex_voice", "webex_calling"),
        ("webex_voice", "webex_suite"),
        ("webex_meetings", "webex_suite"),
    ],
)
def test_moving_to_a_package_with_every_capability_is_not_a_downgrade(
    cat: Catalog, current: str, new: str
) -> None:
    assert not cat.is_downgrade(current, new)


@pytest.mark.parametrize("name", PUBLIC_PACKAGES)
def test_a_package_is_never_a_downgrade_of_itself(cat: Catalog, name: str) -> None:
    assert not cat.is_downgrade(name, name)


def test_neither_direction_is_a_downgrade_iff_capabilities_are_equal(cat: Catalog) -> None:
    for a, b in itertools.product(cat.names(), repeat=2):
        same = cat[a].capabilities == cat[b].capabilities
        neither = not cat.is_downgrade(a, b) and not cat.is_downgrade(b, a)
        assert neither is same, (a, b)


def test_a_downgrade_cannot_be_split_into_two_non_downgrades(cat: Catalog) -> None:
    for a, b, c in itertools.product(cat.names(), repeat=3):
        if cat.is_downgrade(a, c):
            assert cat.is_downgrade(a, b) or cat.is_downgrade(b, c), (a, b, c)
