"""The hunt group rules, each on its own: a name, a number, agents per routing policy and their
weights, alternate numbers, and the no-answer and redirect settings."""

from __future__ import annotations

import pytest

from tukku.calling import hunt_groups_rules as rules
from tukku.calling.hunt_groups_rules import NoAnswer, Policy
from tukku.core.errors import Problem


def codes(problems: list[Problem]) -> list[int]:
    return [p.code.number for p in problems]


def fields(problems: list[Problem]) -> list[str | None]:
    return [p.field for p in problems]


def test_a_name_is_required_and_at_most_80_characters() -> None:
    assert rules.name_problems("Front desk") == []
    assert rules.name_problems("x" * 80) == []
    for bad in ("", "   ", "x" * 81):
        problems = rules.name_problems(bad)
        assert codes(problems) == [8183]
        assert fields(problems) == ["name"]


def test_a_phone_number_an_extension_or_both_are_required() -> None:
    assert rules.number_problems("7001", None) == []
    assert rules.number_problems(None, "+14085550100") == []
    assert rules.number_problems("7001", "+14085550100") == []
    problems = rules.number_problems(None, None)
    assert codes(problems) == [8185]
    assert fields(problems) == ["phoneNumber"]


def test_the_routing_policies_are_the_public_apis_five() -> None:
    assert sorted(p.value for p in Policy) == [
        "CIRCULAR",
        "REGULAR",
        "SIMULTANEOUS",
        "UNIFORM",
        "WEIGHTED",
    ]


@pytest.mark.parametrize(
    ("policy", "most"),
    [
        (Policy.SIMULTANEOUS, 50),
        (Policy.CIRCULAR, 1000),
        (Policy.REGULAR, 1000),
        (Policy.UNIFORM, 1000),
    ],
)
def test_each_policy_takes_a_bounded_number_of_agents(policy: Policy, most: int) -> None:
    ids = [f"agent-{n}" for n in range(most + 1)]
    assert rules.agent_problems(policy, ids[:most], [None] * most) == []
    problems = rules.agent_problems(policy, ids, [None] * (most + 1))
    assert codes(problems) == [8186]
    assert fields(problems) == ["agents"]


def test_weighted_routing_takes_100_agents_weighted_0_to_100_and_100_in_all() -> None:
    ids = ["a", "b", "c"]
    assert rules.agent_problems(Policy.WEIGHTED, ids, [50, 50, 0]) == []
    assert rules.agent_problems(Policy.WEIGHTED, [], []) == []
    for weights in ([50, 50, None], [60, 50, 0], [101, -1, 0], [10, 10, 10]):
        assert codes(rules.agent_problems(Policy.WEIGHTED, ids, weights)) == [8187], weights
    hundred_and_one = [f"agent-{n}" for n in range(101)]
    weights = [1] * 100 + [0]
    assert 8186 in codes(rules.agent_problems(Policy.WEIGHTED, hundred_and_one, weights))
    assert rules.agent_problems(Policy.CIRCULAR, ids, [None, 7, None]) == []  # weights unused


def test_an_agent_is_named_once() -> None:
    problems = rules.agent_problems(Policy.CIRCULAR, ["a", "b", "a"], [None] * 3)
    assert codes(problems) == [8186]
    assert problems[0].description == "agents: named more than once: a"


def test_alternate_numbers_are_e164_each_once_none_the_primary_at_most_ten() -> None:
    numbers, problems = rules.alternate_number_problems(
        "+14085550100", ["+1 408-555-0101", "+14085550102"]
    )
    assert (numbers, problems) == (["+14085550101", "+14085550102"], [])

    _, problems = rules.alternate_number_problems(
        "+14085550100", ["+14085550100", "0101", "+14085550103", "+1 408 555 0103", None]
    )
    assert codes(problems) == [8188, 5010, 8188, 5010]
    assert fields(problems) == [
        "alternateNumbers[0].phoneNumber",
        "alternateNumbers[1].phoneNumber",
        "alternateNumbers[3].phoneNumber",
        "alternateNumbers[4].phoneNumber",
    ]

    ten = [f"+140855501{n:02d}" for n in range(10, 20)]
    assert rules.alternate_number_problems(None, ten)[1] == []
    _, problems = rules.alternate_number_problems(None, [*ten, "+14085550199"])
    assert codes(problems) == [8188]
    assert fields(problems) == ["alternateNumbers"]


def _no_answer(**changes: object) -> NoAnswer:
    values: dict[str, object] = {
        "next_agent_enabled": False,
        "next_agent_rings": 5,
        "forward_enabled": False,
        "destination": None,
        "number_of_rings": 15,
    }
    values.update(changes)
    return NoAnswer(**values)  # type: ignore[arg-type]


def test_rings_before_the_next_agent_and_before_forwarding_are_bounded() -> None:
    assert rules.no_answer_problems(_no_answer()) == []
    for fine in (_no_answer(next_agent_rings=1), _no_answer(number_of_rings=2)):
        assert rules.no_answer_problems(fine) == []
    assert rules.no_answer_problems(_no_answer(next_agent_rings=20, number_of_rings=20)) == []
    cases = [
        (_no_answer(next_agent_rings=0), "callPolicies.noAnswer.nextAgentRings"),
        (_no_answer(next_agent_rings=21), "callPolicies.noAnswer.nextAgentRings"),
        (_no_answer(number_of_rings=1), "callPolicies.noAnswer.numberOfRings"),
        (_no_answer(number_of_rings=21), "callPolicies.noAnswer.numberOfRings"),
    ]
    for no_answer, field in cases:
        problems = rules.no_answer_problems(no_answer)
        assert codes(problems) == [8189]
        assert fields(problems) == [field]


def test_forwarding_and_redirecting_need_a_destination_number_or_extension() -> None:
    assert rules.no_answer_problems(_no_answer(forward_enabled=True, destination="7001")) == []
    assert (
        rules.no_answer_problems(_no_answer(forward_enabled=True, destination="+14085550100")) == []
    )
    missing = rules.no_answer_problems(_no_answer(forward_enabled=True))
    assert fields(missing) == ["callPolicies.noAnswer.destination"]
    field = "callPolicies.busyRedirect"
    assert rules.destination_problems(field, False, None) == []
    assert codes(rules.destination_problems(field, True, None)) == [8189]
    bad = rules.destination_problems(field, False, "reception")
    assert fields(bad) == ["callPolicies.busyRedirect.destination"]
