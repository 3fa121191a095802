"""What a planned provisioning request met, and how provisioning and its precheck answer it.

Each operation that has a precheck (provisioning a customer, a subscriber) has one planning
function, which both the operation and its precheck call. It records the problems it finds step
by step, in the order provisioning meets them (`Findings`). Provisioning answers the first step
that found any, with that step's status (404, 400, 409 or 403), and changes nothing; a precheck
answers every problem at once in one 400, unless provisioning would refuse the caller outright
(403, e.g. a suspended sub-partner): then it answers that same 403. So a precheck succeeds
exactly when provisioning would be accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tukku.core.errors import Code, Codes, DomainError, Problem, invalid_all
from tukku.core.schemas import CamelModel


class PrecheckInfoOut(CamelModel):
    """A precheck information code."""

    info_code: int
    description: str


class PrecheckOut(CamelModel):
    """A successful precheck."""

    message: str
    info: list[PrecheckInfoOut]


@dataclass
class Findings:
    """The problems a planning function found, one list per step, in provisioning's order."""

    steps: list[list[Problem]] = field(default_factory=list)

    def add(self, problems: Iterable[Problem]) -> bool:
        """Record the problems of one step; True if it found none."""
        found = list(problems)
        self.steps.append(found)
        return not found

    @property
    def problems(self) -> list[Problem]:
        """Every problem found, step by step."""
        return [problem for step in self.steps for problem in step]

    def refusal(self) -> DomainError | None:
        """What provisioning answers: the first step that found problems, as one error."""
        for step in self.steps:
            if step:
                return DomainError(step, message="; ".join(p.description for p in step))
        return None

    def raise_first(self) -> None:
        """Provisioning stops here unless every step passed."""
        refusal = self.refusal()
        if refusal is not None:
            raise refusal


def precheck_answer(findings: Findings, info: Iterable[Code] = ()) -> PrecheckOut:
    """The precheck's answer: success with its information codes, provisioning's own 403, or
    one 400 with every problem found."""
    refusal = findings.refusal()
    if refusal is None:
        codes = [Codes.PRECHECK_OK, *info]
        out = [PrecheckInfoOut(info_code=c.number, description=c.meaning) for c in codes]
        return PrecheckOut(message="success", info=out)
    if refusal.status == 403:
        raise refusal
    raise invalid_all(findings.problems, "Provisioning precheck failed")
