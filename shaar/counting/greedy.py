"""Greedy by votes: take projects from the most approved down, skipping any that no longer fits.

This is pabutools' `greedy_utilitarian_welfare` with `Cost_Sat` (a voter's satisfaction is the
cost of the approved projects, so a project's score per unit of cost is its approval count).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .model import Money
from .profile import ApprovalProfile
from .result import ProjectExplanation

Score = int | Fraction | float


def greedy_order(profile: ApprovalProfile, ranks: list[int], per_cost: bool) -> list[int]:
    """Projects by decreasing score, ties by rank.

    With `Cost_Sat` a free project scores 0 (its satisfaction is 0), so like pabutools it comes
    last; per unit of cost (`Cardinality_Sat`) a free approved project scores infinity.
    """

    def score(p: int) -> Score:
        votes, cost = profile.approvals[p], profile.projects[p].cost
        if votes == 0:
            return 0
        if not per_cost:
            return votes if cost > 0 else 0
        return Fraction(votes) / cost if cost > 0 else float("inf")

    return sorted(range(len(profile.projects)), key=lambda p: (-score(p), ranks[p]))


def greedy(
    profile: ApprovalProfile,
    ranks: list[int],
    *,
    per_cost: bool = False,
    initial: list[int] | None = None,
    stage: str = "greedy",
) -> tuple[list[int], dict[int, ProjectExplanation]]:
    """Returns the selection (`initial` first) and an explanation for every other project."""
    selected = list(initial or [])
    taken = set(selected)
    left: Money = profile.budget - sum((profile.projects[p].cost for p in selected), 0)
    explanations: dict[int, ProjectExplanation] = {}
    for p in greedy_order(profile, ranks, per_cost):
        if p in taken:
            continue
        project = profile.projects[p]
        common: dict[str, Any] = {"project_id": project.id, "cost": project.cost,
                  "votes": profile.approvals[p], "stage": stage, "budget_left_before": left}
        if project.cost <= left:
            selected.append(p)
            explanations[p] = ProjectExplanation(
                selected=True, reason="selected", round=len(selected), **common)
            left -= project.cost
        else:
            explanations[p] = ProjectExplanation(
                selected=False, reason="does-not-fit",
                details={"missing": project.cost - left}, **common)
    return selected, explanations
