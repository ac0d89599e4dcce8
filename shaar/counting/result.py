"""Results and their explanations: data, not prose, so pages can word them in any language."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .model import Money


@dataclass(frozen=True, slots=True)
class ProjectExplanation:
    """Why one project was or was not funded.

    `reason` is a stable code: `selected`, `does-not-fit` (greedy: the money left was short by
    `details["missing"]`), `supporters-cannot-pay` (MES: its supporters' remaining money,
    `details["supporters_money"]`, was short of the cost, after `details["overtaken_by"]` was
    bought with part of it), `no-votes`, `below-minimum` (fewer votes than the published
    minimum, `details["minimum_votes"]`: left out before the rule ran), `over-budget` (costs
    more than the whole budget),
    `count-stopped` (Phragmén stopped at this project: it did not fit) and `not-reached`.
    `stage` says which part of a rule decided (`mes`, `completion`, `greedy`, `phragmen`).
    """

    project_id: str
    cost: Money
    votes: int
    selected: bool
    reason: str
    stage: str | None = None
    round: int | None = None
    budget_left_before: Money | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "cost": money_json(self.cost),
            "votes": self.votes,
            "selected": self.selected,
            "reason": self.reason,
            "stage": self.stage,
            "round": self.round,
            "budget_left_before": _json_value(self.budget_left_before),
            "details": {key: _json_value(value) for key, value in self.details.items()},
        }


@dataclass(frozen=True, slots=True)
class Result:
    rule: str
    rule_version: str
    tie_break: dict[str, Any]
    budget: Money
    # Funded project ids in the order the rule took them.
    selected: tuple[str, ...]
    explanations: tuple[ProjectExplanation, ...]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def spent(self) -> Money:
        chosen = set(self.selected)
        return sum((e.cost for e in self.explanations if e.project_id in chosen), 0)

    def explanation(self, project_id: str) -> ProjectExplanation:
        return next(e for e in self.explanations if e.project_id == project_id)

    def as_dict(self, explain: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "rule_version": self.rule_version,
            "tie_break": self.tie_break,
            "budget": money_json(self.budget),
            "spent": money_json(self.spent),
            "selected": list(self.selected),
            "parameters": {key: _json_value(value) for key, value in self.parameters.items()},
        }
        if explain:
            data["projects"] = [e.as_dict() for e in self.explanations]
        return data

    def to_json(self, explain: bool = True, indent: int | None = 2) -> str:
        import json  # only here: a plain count does not pay for loading it

        return json.dumps(self.as_dict(explain), ensure_ascii=False, indent=indent)


def money_json(value: Money) -> int | str:
    """Whole amounts stay numbers; other exact amounts become "numerator/denominator"."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return int(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return money_json(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def to_fraction(value: Any) -> int | Fraction:
    """An engine number (int, Fraction or gmpy2.mpq) as a plain `int` or `Fraction`."""
    if isinstance(value, int):
        return value
    exact = Fraction(int(value.numerator), int(value.denominator))
    return exact.numerator if exact.denominator == 1 else exact
