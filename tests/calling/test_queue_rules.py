"""The call queue rules of PRODUCT.md section 11, each on its own: CX Essentials agents, the
one-way upgrade, weighted routing turning top-down, no upgrade with workspaces or virtual
lines as agents."""

from __future__ import annotations

from tukku.calling import queues_rules as rules
from tukku.calling.queues_rules import Agent, AgentKind, Policy
from tukku.core.ids import new_id

ESS = rules.CX_ESSENTIALS


def person(package: str = ESS, weight: int | None = None, eligible: bool = True) -> Agent:
    return Agent(new_id("PEOPLE"), AgentKind.PEOPLE, package, weight, eligible)


def codes(problems: list[rules.Problem]) -> list[int]:
    return [p.code.number for p in problems]


def test_agent_kinds_are_read_from_the_id() -> None:
    assert rules.agent_kind(new_id("PEOPLE")) is AgentKind.PEOPLE
    assert rules.agent_kind(new_id("PLACE")) is AgentKind.PLACE
    assert rules.agent_kind(new_id("WORKSPACE")) is AgentKind.PLACE
    assert rules.agent_kind(new_id("PLACES")) is AgentKind.PLACE  # the IDs tukku gives workspaces
    assert rules.agent_kind(new_id("VIRTUAL_LINE")) is AgentKind.VIRTUAL_LINE
    assert rules.agent_kind(new_id("CUSTOMER")) is None
    assert rules.agent_kind("not base64 at all!") is None
    assert rules.agent_kind("") is None


def test_only_cx_essentials_subscribers_are_agents_of_an_essentials_queue_and_are_named() -> None:
    good = person()
    basic = person("webex_calling")
    place = Agent(new_id("PLACE"), AgentKind.PLACE)
    assert rules.essentials_agent_problems([good]) == []
    [problem] = rules.essentials_agent_problems([good, basic, place])
    assert problem.code.number == 8043
    assert problem.field == "agents"
    assert basic.agent_id in problem.description
    assert place.agent_id in problem.description
    assert good.agent_id not in problem.description


def test_an_essentials_queue_cannot_be_downgraded() -> None:
    assert codes(rules.kind_change_problems(is_essentials=True, wanted=False)) == [8044]
    assert rules.kind_change_problems(is_essentials=True, wanted=True) == []
    assert rules.kind_change_problems(is_essentials=True, wanted=None) == []
    assert rules.kind_change_problems(is_essentials=False, wanted=False) == []
    assert rules.is_upgrade(is_essentials=False, wanted=True)
    assert not rules.is_upgrade(is_essentials=True, wanted=True)
    assert not rules.is_upgrade(is_essentials=False, wanted=None)


def test_upgrading_names_the_agents_lacking_the_package() -> None:
    keep, lacking = person(), person("webex_suite")
    assert rules.upgrade_problems([keep]) == []
    assert rules.upgrade_problems([]) == []
    [problem] = rules.upgrade_problems([keep, lacking])
    assert problem.code.number == 8045
    assert lacking.agent_id in problem.description
    assert keep.agent_id not in problem.description


def test_queues_with_workspaces_or_virtual_lines_as_agents_cannot_be_upgraded() -> None:
    for kind in (AgentKind.PLACE, AgentKind.VIRTUAL_LINE):
        other = Agent(new_id(kind.value), kind)
        [problem] = rules.upgrade_problems([person(), other])
        assert problem.code.number == 8046
        assert other.agent_id in problem.description


def test_weighted_routing_becomes_top_down_on_upgrade_and_nothing_else_changes() -> None:
    assert rules.TOP_DOWN is Policy.REGULAR
    assert rules.policy_after_upgrade(Policy.WEIGHTED) is Policy.REGULAR
    for policy in Policy:
        if policy is not Policy.WEIGHTED:
            assert rules.policy_after_upgrade(policy) is policy


def test_essentials_queues_never_route_weighted() -> None:
    agents = [person(weight=100)]
    assert codes(rules.policy_problems(Policy.WEIGHTED, is_essentials=True, agents=agents)) == [
        8047
    ]
    assert rules.policy_problems(Policy.WEIGHTED, is_essentials=False, agents=agents) == []
    assert rules.policy_problems(Policy.REGULAR, is_essentials=True, agents=agents) == []


def test_policies_bound_the_number_of_agents_and_weights_add_up_to_100() -> None:
    many = [person() for _ in range(51)]
    assert codes(rules.policy_problems(Policy.SIMULTANEOUS, is_essentials=False, agents=many)) == [
        8051
    ]
    assert rules.policy_problems(Policy.CIRCULAR, is_essentials=False, agents=many) == []
    halves = [person(weight=50), person(weight=50)]
    assert rules.policy_problems(Policy.WEIGHTED, is_essentials=False, agents=halves) == []
    for weights in ([50, 40], [50, None], [150, -50]):
        agents = [person(weight=w) for w in weights]
        assert codes(
            rules.policy_problems(Policy.WEIGHTED, is_essentials=False, agents=agents)
        ) == [8052]


def test_people_whose_package_has_no_queue_agents_are_refused_by_name() -> None:
    refused = person("webex_calling_standard", eligible=False)
    assert rules.eligibility_problems([person()]) == []
    [problem] = rules.eligibility_problems([person(), refused])
    assert problem.code.number == 8053
    assert refused.agent_id in problem.description


def test_an_agent_appears_once_and_a_queue_needs_a_number() -> None:
    a = new_id("PEOPLE")
    assert codes(rules.duplicate_agent_problems([a, a])) == [8050]
    assert rules.duplicate_agent_problems([a, new_id("PEOPLE")]) == []
    assert codes(rules.number_problems(None, None)) == [8049]
    assert rules.number_problems("2001", None) == []
    assert rules.number_problems(None, "+14085550100") == []
