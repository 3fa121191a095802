"""Hunt group rules: pure decisions on names, numbers, agents and routing, alternate numbers
and the no-answer and redirect settings. The routing policies and agent IDs are the queues'
(the public API shares them between hunt groups and call queues)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tukku.calling.queues_rules import AGENT_LIMITS, DEFAULT_AGENT_LIMIT, AgentKind, Policy
from tukku.core.errors import Codes, Problem
from tukku.core.validation import is_extension, normalize_phone_number

__all__ = ["AgentKind", "Policy"]

NAME_MAX = 80
MAX_ALTERNATE_NUMBERS = 10
NEXT_AGENT_RINGS = 5
NUMBER_OF_RINGS = 15
SYSTEM_MAX_RINGS = 20
NEXT_AGENT_RINGS_MIN = 1
NUMBER_OF_RINGS_MIN = 2
RING_PATTERNS = ("NORMAL", "LONG_LONG", "SHORT_SHORT_LONG", "SHORT_LONG_SHORT")


@dataclass(frozen=True)
class NoAnswer:
    """What happens when an agent or the whole group does not answer."""

    next_agent_enabled: bool
    next_agent_rings: int
    forward_enabled: bool
    destination: str | None
    number_of_rings: int


def name_problems(name: str) -> list[Problem]:
    """A hunt group has a name that is not blank, at most 80 characters."""
    if name.strip() and len(name) <= NAME_MAX:
        return []
    reason = f"name: a name of 1 to {NAME_MAX} characters is required"
    return [Problem(Codes.HUNT_GROUP_NAME_INVALID, reason, "name")]


def number_problems(extension: str | None, phone_number: str | None) -> list[Problem]:
    """A hunt group is reached by a phone number, an extension or both."""
    if extension or phone_number:
        return []
    reason = "phoneNumber: a phoneNumber, an extension or both are required"
    return [Problem(Codes.HUNT_GROUP_NUMBER_REQUIRED, reason, "phoneNumber")]


def agent_problems(
    policy: Policy, agent_ids: Sequence[str], weights: Sequence[int | None]
) -> list[Problem]:
    """An agent appears once; each policy takes a bounded number of agents (SIMULTANEOUS 50,
    WEIGHTED 100, the others 1,000); WEIGHTED needs a weight of 0 to 100 for every agent, 100
    in all."""
    twice = sorted(i for i, n in Counter(agent_ids).items() if n > 1)
    if twice:
        reason = f"agents: named more than once: {', '.join(twice)}"
        return [Problem(Codes.HUNT_GROUP_AGENTS_INVALID, reason, "agents")]
    problems = []
    limit = AGENT_LIMITS.get(policy, DEFAULT_AGENT_LIMIT)
    if len(agent_ids) > limit:
        reason = f"agents: {policy} routing takes at most {limit} agents"
        problems.append(Problem(Codes.HUNT_GROUP_AGENTS_INVALID, reason, "agents"))
    weights_invalid = (
        any(w is None or not 0 <= w <= 100 for w in weights) or sum(w or 0 for w in weights) != 100
    )
    if policy is Policy.WEIGHTED and agent_ids and weights_invalid:
        reason = "agents: WEIGHTED routing needs a weight of 0 to 100 per agent, 100 in all"
        problems.append(Problem(Codes.HUNT_GROUP_WEIGHTS_INVALID, reason, "agents"))
    return problems


def alternate_number_problems(
    primary: str | None, given: Sequence[str | None]
) -> tuple[list[str], list[Problem]]:
    """The alternate numbers as E.164 numbers: at most 10, each readable, once, and not the
    primary number; or the problems naming each (`alternateNumbers[i].phoneNumber`)."""
    field = "alternateNumbers"
    if len(given) > MAX_ALTERNATE_NUMBERS:
        reason = f"{field}: at most {MAX_ALTERNATE_NUMBERS} alternate numbers"
        return [], [Problem(Codes.HUNT_GROUP_ALTERNATE_NUMBERS_INVALID, reason, field)]
    numbers: list[str] = []
    problems = []
    for index, raw in enumerate(given):
        where = f"{field}[{index}].phoneNumber"
        number = normalize_phone_number(raw) if raw else None
        if number is None:
            reason = f"{where}: must be an E.164 number, e.g. +14085550100"
            problems.append(Problem(Codes.PHONE_NUMBER_INVALID, reason, where))
        elif number == primary or number in numbers:
            reason = f"{where}: {number} is already a number of this hunt group"
            problems.append(Problem(Codes.HUNT_GROUP_ALTERNATE_NUMBERS_INVALID, reason, where))
        else:
            numbers.append(number)
    return numbers, problems


def destination_problems(field: str, enabled: bool, destination: str | None) -> list[Problem]:
    """A forward or redirect that is on needs a destination: an E.164 number or an extension."""
    where = f"{field}.destination"
    if destination is None:
        if not enabled:
            return []
        reason = f"{where}: a destination is required while {field} is enabled"
        return [Problem(Codes.HUNT_GROUP_NO_ANSWER_INVALID, reason, where)]
    if is_extension(destination) or normalize_phone_number(destination) is not None:
        return []
    reason = f"{where}: must be an E.164 number or an extension"
    return [Problem(Codes.HUNT_GROUP_NO_ANSWER_INVALID, reason, where)]


def no_answer_problems(no_answer: NoAnswer) -> list[Problem]:
    """Rings before the next agent (1 to 20) and before forwarding (2 to 20, the system
    maximum); forwarding on needs a destination."""
    field = "callPolicies.noAnswer"
    problems = []
    if not NEXT_AGENT_RINGS_MIN <= no_answer.next_agent_rings <= SYSTEM_MAX_RINGS:
        where = f"{field}.nextAgentRings"
        reason = f"{where}: {NEXT_AGENT_RINGS_MIN} to {SYSTEM_MAX_RINGS} rings"
        problems.append(Problem(Codes.HUNT_GROUP_NO_ANSWER_INVALID, reason, where))
    if not NUMBER_OF_RINGS_MIN <= no_answer.number_of_rings <= SYSTEM_MAX_RINGS:
        where = f"{field}.numberOfRings"
        reason = f"{where}: {NUMBER_OF_RINGS_MIN} to {SYSTEM_MAX_RINGS} rings"
        problems.append(Problem(Codes.HUNT_GROUP_NO_ANSWER_INVALID, reason, where))
    return problems + destination_problems(field, no_answer.forward_enabled, no_answer.destination)
