"""Pure customer rules: the status machine, addresses, names, packages and provisioning checks."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.catalog.packages import Catalog, catalog
from tukku.core.errors import Code, Codes, Problem
from tukku.customers.rules import (
    TRANSITIONS,
    Parameters,
    Status,
    TemplateTerms,
    calling_requirements,
    can_transition,
    check_address,
    check_customer_name,
    check_new_customer,
    check_packages,
    check_parameters,
    plan_package_change,
    settle,
)
from tukku.customers.schemas import (
    AddressIn,
    CallingIn,
    CallingLocationIn,
    MeetingsIn,
    PackageParametersIn,
    ProvisioningParametersIn,
)

WIRE_STATUSES = {
    "provisioned",
    "provisioned_with_errors",
    "provisioning",
    "updating",
    "deleting",
    "error",
    "pending_rpl_review",
}
LOCATION = "provisioningParameters.calling.location"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return catalog()


def address(**overrides: Any) -> AddressIn:
    fields: dict[str, Any] = {
        "address_line1": "771 Alder Drive",
        "address_line2": "Site 5",
        "city": "Milpitas",
        "state_or_province": "CA",
        "zip_or_postal_code": "95035",
        "country": "US",
    }
    fields.update(overrides)
    return AddressIn(**fields)


def location(**overrides: Any) -> CallingLocationIn:
    fields: dict[str, Any] = {
        "name": "Head Office",
        "address": address(),
        "timezone": "America/Los_Angeles",
        "language": "en",
        "emergency_location_identifier": "95547321",
    }
    fields.update(overrides)
    return CallingLocationIn(**fields)


def calling_parameters(**overrides: Any) -> ProvisioningParametersIn:
    return ProvisioningParametersIn(
        calling=CallingIn(location=location(**overrides)),
        meetings=MeetingsIn(timezone="America/Los_Angeles"),
    )


def codes_and_fields(problems: list[Problem]) -> set[tuple[Code, str | None]]:
    return {(p.code, p.field) for p in problems}


def reachable(start: Status) -> set[Status]:
    """Every status reachable from `start` in one or more allowed steps."""
    seen: set[Status] = set()
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in (s for s in Status if can_transition(current, s)):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


# --- status machine ---------------------------------------------------------------------------


def test_wire_statuses_are_exactly_those_of_the_public_api() -> None:
    assert {s.value for s in Status} - {"removed"} == WIRE_STATUSES


def test_every_status_has_its_allowed_moves_listed() -> None:
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("provisioning", "provisioned"),
        ("provisioning", "provisioned_with_errors"),
        ("provisioning", "error"),
        ("provisioning", "pending_rpl_review"),
        ("pending_rpl_review", "provisioning"),  # ops approve: provisioning resumes
        ("pending_rpl_review", "error"),  # ops deny
        ("provisioned", "updating"),
        ("provisioned_with_errors", "updating"),
        ("updating", "provisioned"),
        ("updating", "provisioned_with_errors"),
        ("provisioned", "deleting"),
        ("provisioned_with_errors", "deleting"),
        ("error", "deleting"),
        ("deleting", "removed"),
    ],
)
def test_the_lifecycle_of_the_spec_is_allowed(current: str, new: str) -> None:
    assert can_transition(Status(current), Status(new))


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("provisioned", "provisioning"),
        ("provisioned", "error"),
        ("error", "provisioned"),
        ("error", "provisioning"),
        ("deleting", "provisioned"),
        ("deleting", "updating"),
        ("removed", "provisioning"),
        ("provisioning", "removed"),
        ("provisioned", "removed"),
    ],
)
def test_moves_against_the_lifecycle_are_refused(current: str, new: str) -> None:
    assert not can_transition(Status(current), Status(new))


def test_removed_is_terminal() -> None:
    assert not any(can_transition(Status.REMOVED, s) for s in Status)


def test_deleting_leads_only_to_removed() -> None:
    assert {s for s in Status if can_transition(Status.DELETING, s)} == {Status.REMOVED}


def test_only_deleting_leads_to_removed() -> None:
    assert {s for s in Status if can_transition(s, Status.REMOVED)} == {Status.DELETING}


@pytest.mark.parametrize("status", sorted(set(Status) - {Status.REMOVED}))
def test_every_live_status_can_reach_deleting(status: Status) -> None:
    assert status is Status.DELETING or Status.DELETING in reachable(status)


def test_error_never_comes_back_to_a_provisioned_state() -> None:
    assert reachable(Status.ERROR) == {Status.DELETING, Status.REMOVED}


@given(data=st.data())
def test_random_walks_from_provisioning_keep_the_lifecycle_invariants(
    data: st.DataObject,
) -> None:
    state = Status.PROVISIONING
    failed = False
    for _ in range(25):
        moves = sorted(s for s in Status if can_transition(state, s))
        if state is Status.REMOVED:
            assert moves == []
            return
        assert moves, f"{state} is a dead end"
        new = data.draw(st.sampled_from(moves))
        if state is Status.DELETING:
            assert new is Status.REMOVED
        if failed:
            assert new in {Status.DELETING, Status.REMOVED}
        failed = failed or new is Status.ERROR
        state = new


@given(st.lists(st.sampled_from(["provisioned", "error"]), min_size=1, max_size=8))
def test_settle_is_provisioned_error_or_with_errors_by_how_many_packages_failed(
    statuses: list[str],
) -> None:
    if "error" not in statuses:
        expected = Status.PROVISIONED
    elif "provisioned" not in statuses:
        expected = Status.ERROR
    else:
        expected = Status.PROVISIONED_WITH_ERRORS

    assert settle(statuses) is expected


def test_settle_examples() -> None:
    assert settle(["provisioned"]) is Status.PROVISIONED
    assert settle(["error"]) is Status.ERROR
    assert settle(["provisioned", "error", "provisioned"]) is Status.PROVISIONED_WITH_ERRORS


def test_after_an_update_all_failed_is_provisioned_with_errors_which_updating_may_reach() -> None:
    assert settle(["error"], after_update=True) is Status.PROVISIONED_WITH_ERRORS
    assert settle(["provisioned"], after_update=True) is Status.PROVISIONED
    for statuses in (["error"], ["error", "provisioned"], ["provisioned"]):
        assert can_transition(Status.UPDATING, settle(statuses, after_update=True))


# --- addresses ----------------------------------------------------------------------------------


def test_a_valid_address_is_trimmed_and_its_country_upper_cased() -> None:
    checked, problems = check_address(
        address(
            address_line1="  771 Alder Drive ",
            address_line2="   ",
            city=" Milpitas ",
            state_or_province=" ",
            zip_or_postal_code=" 95035 ",
            country=" fi ",
        ),
        "address",
    )

    assert problems == []
    assert checked is not None
    assert (checked.line1, checked.line2, checked.city) == ("771 Alder Drive", None, "Milpitas")
    assert (checked.state_or_province, checked.zip_or_postal_code) == (None, "95035")
    assert checked.country == "FI"


@pytest.mark.parametrize("field", ["address_line1", "address_line2"])
def test_an_address_line_of_50_characters_is_accepted(field: str) -> None:
    checked, problems = check_address(address(**{field: "x" * 50}), "address")

    assert problems == []
    assert checked is not None


@pytest.mark.parametrize(
    ("field", "wire_name"),
    [("address_line1", "address.addressLine1"), ("address_line2", "address.addressLine2")],
)
def test_an_address_line_of_51_characters_is_refused_naming_the_line(
    field: str, wire_name: str
) -> None:
    checked, problems = check_address(address(**{field: "x" * 51}), "address")

    assert checked is None
    assert codes_and_fields(problems) == {(Codes.ADDRESS_INVALID, wire_name)}
    assert wire_name in problems[0].description


@given(length=st.integers(min_value=1, max_value=120), letter=st.sampled_from("aZ9 é"))
def test_an_address_line_is_accepted_iff_at_most_50_characters(length: int, letter: str) -> None:
    line = "A" + letter * (length - 2) + "Z" if length > 1 else "A"

    checked, problems = check_address(address(address_line1=line), "address")

    assert (checked is not None) is (length <= 50)
    assert (problems == []) is (length <= 50)


@pytest.mark.parametrize(
    ("field", "wire_name"),
    [("city", "address.city"), ("address_line1", "address.addressLine1")],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_required_part_is_refused(field: str, wire_name: str, blank: str) -> None:
    checked, problems = check_address(address(**{field: blank}), "address")

    assert checked is None
    assert codes_and_fields(problems) == {(Codes.ADDRESS_INVALID, wire_name)}


@pytest.mark.parametrize("country", ["us", "Us", "gb", "fi", "de"])
def test_a_lower_case_country_is_upper_cased(country: str) -> None:
    checked, _ = check_address(address(country=country), "address")

    assert checked is not None
    assert checked.country == country.upper()


@pytest.mark.parametrize("country", ["USA", "usa", "XX", "", "U", "UK", "12", "U S"])
def test_a_country_that_is_not_iso_alpha_2_is_refused(country: str) -> None:
    checked, problems = check_address(address(country=country), "address")

    assert checked is None
    assert codes_and_fields(problems) == {(Codes.COUNTRY_INVALID, "address.country")}


@pytest.mark.parametrize("country", ["\u00df", "\ufb01", "\u017ft"])
def test_a_non_ascii_look_alike_is_not_taken_for_a_country(country: str) -> None:
    # U+00DF, U+FB01 and U+017F+"t" upper-case to "SS", "FI" and "ST" (South Sudan, Finland,
    # Sao Tome), but none of these strings is an ISO 3166 alpha-2 code: the API must answer 400.
    checked, problems = check_address(address(country=country), "address")

    assert checked is None
    assert codes_and_fields(problems) == {(Codes.COUNTRY_INVALID, "address.country")}


def test_every_address_problem_is_reported_at_once_under_the_prefix() -> None:
    prefix = f"{LOCATION}.address"
    checked, problems = check_address(
        address(address_line1="", address_line2="y" * 60, city=" ", country="ZZ"), prefix
    )

    assert checked is None
    assert codes_and_fields(problems) == {
        (Codes.ADDRESS_INVALID, f"{prefix}.addressLine1"),
        (Codes.ADDRESS_INVALID, f"{prefix}.addressLine2"),
        (Codes.ADDRESS_INVALID, f"{prefix}.city"),
        (Codes.COUNTRY_INVALID, f"{prefix}.country"),
    }


# --- names and packages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Pizza Palace", "  Pizza Palace  ", "A", "Åke & Söner Oy", "x" * 255]
)
def test_a_reasonable_customer_name_is_accepted(name: str) -> None:
    assert check_customer_name(name) is None


@pytest.mark.parametrize("name", ["", "   ", "50% off", "%", "x" * 256])
def test_an_empty_overlong_or_percent_name_is_refused(name: str) -> None:
    # The API's message advertises the rule: 1-255 characters without '%'.
    problem = check_customer_name(name)

    assert problem is not None
    assert (problem.code, problem.field) == (Codes.CUSTOMER_NAME_INVALID, "customerInfo.name")


@given(before=st.text(max_size=20), after=st.text(max_size=20))
def test_a_name_with_a_percent_sign_is_always_refused(before: str, after: str) -> None:
    assert check_customer_name(f"{before}%{after}") is not None


def test_an_empty_package_list_is_refused(cat: Catalog) -> None:
    assert codes_and_fields(check_packages(cat, [])) == {(Codes.MISSING_FIELD, "packages")}


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (["webex_calling", "nope"], Codes.PACKAGE_UNKNOWN),
        (["webex_calling", "webex_calling"], Codes.PACKAGE_DUPLICATE),
        (["cisco_calling_plan", "webex_meetings"], Codes.PACKAGE_DEPENDENCY),
        (["attendant_console", "webex_voice"], Codes.PACKAGE_DEPENDENCY),
    ],
)
def test_a_bad_package_list_is_refused_with_its_code(
    cat: Catalog, names: list[str], code: Code
) -> None:
    assert codes_and_fields(check_packages(cat, names)) == {(code, "packages")}


def test_a_good_package_list_has_no_problem(cat: Catalog) -> None:
    names = ["webex_suite", "webex_meetings", "attendant_console", "cisco_calling_plan"]

    assert check_packages(cat, names) == []


# --- provisioning parameters --------------------------------------------------------------------


def test_no_parameters_mean_nothing_to_set_up() -> None:
    parameters, problems = check_parameters(None, ["webex_meetings"])

    assert problems == []
    assert parameters == Parameters(calling_location=None, meetings_timezone=None, limits={})


def test_a_calling_location_is_checked_and_its_language_resolved_with_its_country() -> None:
    parameters_in = calling_parameters(
        name=" Siège ",
        address=address(city="Montréal", country="ca"),
        timezone="America/Toronto",
        language="fr",
        emergency_location_identifier=" ",
    )

    parameters, problems = check_parameters(parameters_in, ["webex_calling"])

    assert problems == []
    hq = parameters.calling_location
    assert hq is not None
    assert (hq.name, hq.address.city, hq.address.country) == ("Siège", "Montréal", "CA")
    assert (hq.timezone, hq.language, hq.emergency_location_identifier) == (
        "America/Toronto",
        "fr_CA",
        None,
    )
    assert parameters.meetings_timezone == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": "  "}, Codes.MISSING_FIELD, f"{LOCATION}.name"),
        ({"timezone": "Mars/Olympus"}, Codes.TIMEZONE_INVALID, f"{LOCATION}.timezone"),
        ({"timezone": "Europe/Helsinki"}, None, None),
        ({"language": "xx"}, Codes.LANGUAGE_INVALID, f"{LOCATION}.language"),
        ({"language": "en_FR"}, Codes.LANGUAGE_INVALID, f"{LOCATION}.language"),
        (
            {"address": address(address_line1="x" * 51)},
            Codes.ADDRESS_INVALID,
            f"{LOCATION}.address.addressLine1",
        ),
        ({"address": address(country="USA")}, Codes.COUNTRY_INVALID, f"{LOCATION}.address.country"),
    ],
)
def test_each_calling_location_problem_names_its_field(
    overrides: dict[str, Any], code: Code | None, field: str | None
) -> None:
    parameters, problems = check_parameters(calling_parameters(**overrides), ["webex_calling"])

    if code is None:
        assert problems == []
        assert parameters.calling_location is not None
    else:
        assert codes_and_fields(problems) == {(code, field)}


def test_an_unknown_meetings_time_zone_is_refused() -> None:
    parameters_in = ProvisioningParametersIn(meetings=MeetingsIn(timezone="Europe/Atlantis"))

    _, problems = check_parameters(parameters_in, ["webex_meetings"])

    assert codes_and_fields(problems) == {
        (Codes.TIMEZONE_INVALID, "provisioningParameters.meetings.timezone")
    }


@pytest.mark.parametrize(
    ("limits", "bad"),
    [
        ({"webex_calling": 10, "webex_meetings": 0}, set()),
        ({"webex_calling": -1}, {"webex_calling"}),
        ({"webex_suite": 5}, set()),
        ({"webex_suite": -5}, {"webex_suite"}),
        (
            {"webex_calling": 3, "webex_suite": 5, "webex_meetings": -2},
            {"webex_meetings"},
        ),
    ],
)
def test_package_limits_must_not_be_negative_and_unlisted_ones_are_ignored(
    limits: dict[str, int], bad: set[str]
) -> None:
    parameters_in = ProvisioningParametersIn(packages=PackageParametersIn(limits=limits))

    parameters, problems = check_parameters(parameters_in, ["webex_calling", "webex_meetings"])

    assert codes_and_fields(problems) == {
        (Codes.PACKAGE_LIMIT_INVALID, f"provisioningParameters.packages.limits.{name}")
        for name in bad
    }
    if not bad:
        assert parameters.limits == {k: v for k, v in limits.items() if k != "webex_suite"}


# --- calling requirements and new customers -------------------------------------------------------


def test_meetings_only_needs_neither_calling_location_nor_pstn(cat: Catalog) -> None:
    assert calling_requirements(cat, ["webex_meetings"], Parameters(), None, False) == []


@pytest.mark.parametrize("package", ["webex_calling", "common_area_calling", "webex_voice"])
def test_calling_packages_need_a_calling_location_and_a_pstn_provider(
    cat: Catalog, package: str
) -> None:
    problems = calling_requirements(cat, [package, "webex_meetings"], Parameters(), None, False)

    assert codes_and_fields(problems) == {
        (Codes.CALLING_PARAMETERS_REQUIRED, "provisioningParameters.calling"),
        (Codes.PSTN_PROVIDER_REQUIRED, "provisioningId"),
    }


def test_an_existing_calling_location_stands_in_for_the_parameters(cat: Catalog) -> None:
    assert calling_requirements(cat, ["webex_calling"], Parameters(), "pstn-1", True) == []


def new_customer(cat: Catalog, **overrides: Any) -> tuple[Any, list[Problem]]:
    arguments: dict[str, Any] = {
        "name": "Pizza Palace",
        "primary_email": "owner@pizza.test",
        "language": "en",
        "address_in": address(),
        "packages": ["webex_calling", "webex_meetings"],
        "parameters_in": calling_parameters(),
        "template": TemplateTerms("en", "pstn-1"),
    }
    arguments.update(overrides)
    return check_new_customer(cat, **arguments)


def test_a_valid_new_customer_is_accepted_with_its_locale(cat: Catalog) -> None:
    plan, problems = new_customer(cat, language="en", address_in=address(country="gb"))

    assert problems == []
    assert plan is not None
    assert (plan.name, plan.primary_email) == ("Pizza Palace", "owner@pizza.test")
    assert (plan.locale, plan.address.country) == ("en_GB", "GB")
    assert plan.packages == ["webex_calling", "webex_meetings"]
    assert plan.parameters.calling_location is not None


@pytest.mark.parametrize(
    ("language", "template_language", "country", "locale"),
    [
        (None, "fr", "CA", "fr_CA"),
        (None, "de", "AT", "de_DE"),
        ("", "es", "MX", "es_MX"),
        ("pt", "en", "BR", "pt_BR"),
        ("fr_FR", "en", "CA", "fr_FR"),
    ],
)
def test_the_locale_comes_from_the_request_language_else_the_template_language(
    cat: Catalog, language: str | None, template_language: str, country: str, locale: str
) -> None:
    plan, problems = new_customer(
        cat,
        language=language,
        template=TemplateTerms(template_language, "pstn-1"),
        address_in=address(country=country),
    )

    assert problems == []
    assert plan is not None
    assert plan.locale == locale


def test_a_meetings_only_customer_needs_no_parameters_nor_pstn(cat: Catalog) -> None:
    plan, problems = new_customer(
        cat, packages=["webex_meetings"], parameters_in=None, template=TemplateTerms("en", None)
    )

    assert problems == []
    assert plan is not None
    assert plan.parameters.calling_location is None


def test_a_calling_customer_without_location_or_pstn_is_refused(cat: Catalog) -> None:
    plan, problems = new_customer(cat, parameters_in=None, template=TemplateTerms("en", None))

    assert plan is None
    assert codes_and_fields(problems) == {
        (Codes.CALLING_PARAMETERS_REQUIRED, "provisioningParameters.calling"),
        (Codes.PSTN_PROVIDER_REQUIRED, "provisioningId"),
    }


def test_a_blank_primary_email_is_refused(cat: Catalog) -> None:
    plan, problems = new_customer(cat, primary_email="  ")

    assert plan is None
    assert codes_and_fields(problems) == {(Codes.EMAIL_INVALID, "customerInfo.primaryEmail")}


def test_parts_left_out_are_not_checked_and_leave_no_plan(cat: Catalog) -> None:
    plan, problems = new_customer(
        cat, name=None, primary_email=None, language=None, packages=None, template=None
    )

    assert (plan, problems) == (None, [])


def test_without_a_template_calling_needs_a_location_and_no_pstn_is_asked_for(
    cat: Catalog,
) -> None:
    plan, problems = new_customer(cat, parameters_in=None, template=None)

    assert plan is None
    assert codes_and_fields(problems) == {
        (Codes.CALLING_PARAMETERS_REQUIRED, "provisioningParameters.calling")
    }


def test_every_problem_of_a_new_customer_is_reported_at_once(cat: Catalog) -> None:
    plan, problems = new_customer(
        cat,
        name="100% pizza",
        primary_email="not an e-mail",
        language="xx",
        address_in=address(address_line1="", country="USA"),
        packages=["webex_calling", "nope"],
    )

    assert plan is None
    assert codes_and_fields(problems) == {
        (Codes.ADDRESS_INVALID, "address.addressLine1"),
        (Codes.COUNTRY_INVALID, "address.country"),
        (Codes.CUSTOMER_NAME_INVALID, "customerInfo.name"),
        (Codes.EMAIL_INVALID, "customerInfo.primaryEmail"),
        (Codes.PACKAGE_UNKNOWN, "packages"),
        (Codes.LANGUAGE_INVALID, "customerInfo.language"),
    }


# --- package changes ----------------------------------------------------------------------------


package_names = st.sampled_from(
    ["webex_calling", "webex_meetings", "webex_suite", "webex_voice", "cx_essentials"]
)


@given(
    current=st.lists(package_names, unique=True, max_size=5),
    requested=st.lists(package_names, max_size=7),
)
def test_a_package_change_partitions_into_add_remove_and_keep(
    current: list[str], requested: list[str]
) -> None:
    change = plan_package_change(current, requested)

    assert set(change.add) == set(requested) - set(current)
    assert set(change.remove) == set(current) - set(requested)
    assert set(change.keep) == set(current) & set(requested)
    for part in (change.add, change.remove, change.keep):
        assert len(part) == len(set(part))
    assert sorted(change.keep + change.remove) == sorted(current)
    assert sorted(change.keep + change.add) == sorted(set(requested))


def test_a_package_change_example() -> None:
    change = plan_package_change(
        ["webex_calling", "webex_meetings"], ["webex_meetings", "webex_suite", "webex_suite"]
    )

    assert (change.add, change.remove, change.keep) == (
        ["webex_suite"],
        ["webex_calling"],
        ["webex_meetings"],
    )
