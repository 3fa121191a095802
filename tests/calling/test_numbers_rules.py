"""The numbers API's rules, directly."""

from __future__ import annotations

from tukku.calling.numbers_rules import number_filters, numbers_to_add, phone_number_list


def _filters(**given: object) -> dict[str, object]:
    base: dict[str, object] = dict.fromkeys(
        (
            "location_id",
            "phone_number",
            "available",
            "assigned",
            "owner_type",
            "owner_id",
            "owner_name",
            "extension",
            "number_type",
            "state",
            "toll_free_numbers",
        )
    )
    base.update(given)
    return base


def test_phone_numbers_are_e164_normalized_once_each_and_bad_ones_named_by_index() -> None:
    numbers, problems = phone_number_list(["+1 408-555-0100", "+14085550100", "+358401234567"])
    assert numbers == ["+14085550100", "+358401234567"]
    assert problems == []
    _, problems = phone_number_list(["+14085550100", "0401234567"])
    assert [(p.code.number, p.field) for p in problems] == [(5010, "phoneNumbers[1]")]
    _, problems = phone_number_list([])
    assert [p.field for p in problems] == ["phoneNumbers"]


def test_number_type_state_and_usage_default_and_refuse_what_is_not_offered() -> None:
    added, problems = numbers_to_add(["+14085550100"], None, None, None)
    assert problems == []
    assert added is not None
    assert (added.number_type, added.state) == ("DID", "ACTIVE")
    added, _ = numbers_to_add(["+18005550100"], "tollfree", "inactive", "SERVICE")
    assert added is not None
    assert (added.number_type, added.state) == ("TOLLFREE", "INACTIVE")
    _, problems = numbers_to_add(["+14085550100"], "MOBILE", "ON", "BULK")
    assert [(p.code.number, p.field) for p in problems] == [
        (8025, "numberType"),
        (1002, "state"),
        (1002, "numberUsageType"),
    ]


def test_filters_follow_the_upstream_meaning_and_refuse_its_incompatible_combinations() -> None:
    filters, problems = number_filters(**_filters(available=True, owner_type="place"))  # type: ignore[arg-type]
    assert problems == []
    assert filters is not None
    assert filters.assigned is False
    assert filters.owner_type == "PLACE"
    _, problems = number_filters(**_filters(number_type="EXTENSION", state="ACTIVE"))  # type: ignore[arg-type]
    assert [p.field for p in problems] == ["state"]
    _, problems = number_filters(**_filters(owner_type="AUTO_ATTENDANT", phone_number="x"))  # type: ignore[arg-type]
    assert [p.field for p in problems] == ["ownerType", "phoneNumber"]
    _, problems = number_filters(**_filters(available=True, assigned=True))  # type: ignore[arg-type]
    assert [p.field for p in problems] == ["available"]
