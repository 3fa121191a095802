"""Call queue rules, CX Essentials ones included (PRODUCT.md section 11): pure decisions."""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tukku.core.errors import Codes, Problem

CX_ESSENTIALS = "cx_essentials"


class AgentKind(StrEnum):
    """What an agent is, as the public API's agent `type` names it."""

    PEOPLE = "PEOPLE"
    PLACE = "PLACE"
    VIRTUAL_LINE = "VIRTUAL_LINE"


class Policy(StrEnum):
    """How a queue routes calls to its agents (the public API's `callPolicies.policy`)."""

    CIRCULAR = "CIRCULAR"
    REGULAR = "REGULAR"
    SIMULTANEOUS = "SIMULTANEOUS"
    UNIFORM = "UNIFORM"
    WEIGHTED = "WEIGHTED"


TOP_DOWN = Policy.REGULAR
"""The public API's top-down routing: "send the call through the queue of agents in order,
starting from the top each time"."""

AGENT_LIMITS = {Policy.SIMULTANEOUS: 50, Policy.WEIGHTED: 100}
DEFAULT_AGENT_LIMIT = 1000

_ID_KINDS = {
    "PEOPLE": AgentKind.PEOPLE,
    "PLACE": AgentKind.PLACE,
    "PLACES": AgentKind.PLACE,
    "WORKSPACE": AgentKind.PLACE,
    "VIRTUAL_LINE": AgentKind.VIRTUAL_LINE,
}


@dataclass(frozen=True)
class Agent:
    """An agent as the rules see it: its ID, kind, the package it holds (people only) and its
    routing weight."""

    agent_id: str
    kind: AgentKind
    package: str | None = None
    weight: int | None = None
    queue_eligible: bool = True


def agent_kind(agent_id: str) -> AgentKind | None:
    """The kind an ID names (`ciscospark://<region>/PEOPLE|PLACE|WORKSPACE|VIRTUAL_LINE/...`,
    base64url); None for any other ID."""
    try:
        padded = agent_id + "=" * (-len(agent_id) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split("/")
    if not raw.startswith("ciscospark://") or len(parts) < 5:
        return None
    return _ID_KINDS.get(parts[3])


def _names(agents: Sequence[Agent]) -> str:
    return ", ".join(a.agent_id for a in agents)


def eligibility_problems(agents: Sequence[Agent]) -> list[Problem]:
    """A person is an agent only if its package includes call queue agents (Webex Calling
    Standard and meetings-only users are not); the problem names them."""
    refused = [a for a in agents if a.kind is AgentKind.PEOPLE and not a.queue_eligible]
    if not refused:
        return []
    reason = f"agents: these people's packages do not allow call queue agents: {_names(refused)}"
    return [Problem(Codes.QUEUE_AGENT_NOT_ELIGIBLE, reason, "agents")]


def essentials_agent_problems(agents: Sequence[Agent]) -> list[Problem]:
    """Only subscribers holding `cx_essentials` can be agents of an Essentials queue; the
    problem names every agent that lacks it."""
    lacking = [a for a in agents if a.kind is not AgentKind.PEOPLE or a.package != CX_ESSENTIALS]
    if not lacking:
        return []
    reason = f"agents: these agents lack the {CX_ESSENTIALS} package: {_names(lacking)}"
    return [Problem(Codes.QUEUE_AGENTS_LACK_CX_ESSENTIALS, reason, "agents")]


def kind_change_problems(*, is_essentials: bool, wanted: bool | None) -> list[Problem]:
    """An Essentials queue stays one: asking for a basic queue again is refused."""
    if is_essentials and wanted is False:
        reason = "hasCxEssentials: an Essentials queue cannot be downgraded to a basic queue"
        return [Problem(Codes.QUEUE_DOWNGRADE, reason, "hasCxEssentials")]
    return []


def is_upgrade(*, is_essentials: bool, wanted: bool | None) -> bool:
    """Whether the request turns a basic queue into an Essentials one."""
    return not is_essentials and wanted is True


def upgrade_problems(agents: Sequence[Agent]) -> list[Problem]:
    """A basic queue upgrades only with people as agents, each holding `cx_essentials`; the
    problems name the workspaces and virtual lines, then the people lacking the package (who
    must get it or be dropped from `agents` first)."""
    others = [a for a in agents if a.kind is not AgentKind.PEOPLE]
    if others:
        reason = (
            "agents: a queue with workspaces or virtual lines as agents cannot be upgraded: "
            f"{_names(others)}"
        )
        return [Problem(Codes.QUEUE_UPGRADE_NON_PERSON_AGENTS, reason, "agents")]
    lacking = [a for a in agents if a.package != CX_ESSENTIALS]
    if lacking:
        reason = (
            f"agents: give these agents the {CX_ESSENTIALS} package or drop them from the queue "
            f"before upgrading: {_names(lacking)}"
        )
        return [Problem(Codes.QUEUE_UPGRADE_AGENTS_LACK_PACKAGE, reason, "agents")]
    return []


def policy_after_upgrade(policy: Policy) -> Policy:
    """Weighted routing becomes top-down when a queue is upgraded; other policies stay."""
    return TOP_DOWN if policy is Policy.WEIGHTED else policy


def policy_problems(
    policy: Policy, *, is_essentials: bool, agents: Sequence[Agent]
) -> list[Problem]:
    """Essentials queues never route WEIGHTED; each policy takes a bounded number of agents;
    WEIGHTED needs a weight of 0 to 100 for every agent, 100 in all."""
    field = "callPolicies.policy"
    if is_essentials and policy is Policy.WEIGHTED:
        reason = f"{field}: Essentials queues route top-down ({TOP_DOWN}), not WEIGHTED"
        return [Problem(Codes.QUEUE_ESSENTIALS_WEIGHTED, reason, field)]
    problems = []
    limit = AGENT_LIMITS.get(policy, DEFAULT_AGENT_LIMIT)
    if len(agents) > limit:
        reason = f"agents: {policy} routing takes at most {limit} agents"
        problems.append(Problem(Codes.QUEUE_TOO_MANY_AGENTS, reason, "agents"))
    if policy is Policy.WEIGHTED and agents:
        weights = [a.weight for a in agents]
        if (
            any(w is None or not 0 <= w <= 100 for w in weights)
            or sum(w or 0 for w in weights) != 100
        ):
            reason = "agents: WEIGHTED routing needs a weight of 0 to 100 per agent, 100 in all"
            problems.append(Problem(Codes.QUEUE_WEIGHTS_INVALID, reason, "agents"))
    return problems


def duplicate_agent_problems(agent_ids: Sequence[str]) -> list[Problem]:
    """An agent appears once in a queue."""
    twice = sorted(i for i, n in Counter(agent_ids).items() if n > 1)
    if not twice:
        return []
    reason = f"agents: named more than once: {', '.join(twice)}"
    return [Problem(Codes.QUEUE_AGENT_DUPLICATE, reason, "agents")]


def number_problems(extension: str | None, phone_number: str | None) -> list[Problem]:
    """A queue is reached by a phone number, an extension or both."""
    if extension or phone_number:
        return []
    reason = "phoneNumber: a phoneNumber, an extension or both are required"
    return [Problem(Codes.QUEUE_NUMBER_REQUIRED, reason, "phoneNumber")]
