"""Sequential Phragmén, as pabutools' `sequential_phragmen` computes it (no completion).

Voters earn virtual money continuously; a project is bought as soon as its supporters together
hold its cost, and the buyers' money is spent evenly so they end with equal "loads". The count
stops at the first project that is next in line but does not fit the budget.

A voter's load is the load set by the last bought project it approves, so loads are tracked as
"last bought project" per ballot group and summed per project incrementally.
"""

from __future__ import annotations

from fractions import Fraction

from .model import Money
from .profile import ApprovalProfile
from .result import ProjectExplanation

INFINITE = float("inf")  # a project nobody approves: never preferred, compared only to itself


def phragmen(
    profile: ApprovalProfile, ranks: list[int]
) -> tuple[list[int], dict[int, ProjectExplanation]]:
    projects = profile.projects
    budget = profile.budget
    remaining = {p for p, project in enumerate(projects) if project.cost <= budget}
    # Sum of the current loads of each project's supporters (exact).
    load_sum: list[Fraction | int] = [0] * len(projects)
    new_load: dict[int, Fraction] = {}  # load set by each bought project
    last = [-1] * len(profile.groups)  # the last bought project each group approves
    selected: list[int] = []
    explanations: dict[int, ProjectExplanation] = {}
    spent: Money = 0
    while remaining:
        loads = {p: _max_load(profile, load_sum, p) for p in remaining}
        lowest = min(loads.values())
        tied = sorted((p for p in remaining if loads[p] == lowest), key=ranks.__getitem__)
        # pabutools stops when any tied project does not fit, even if another one would.
        blocked = [p for p in tied if spent + projects[p].cost > budget]
        if blocked:
            for p in blocked:
                explanations[p] = _explain(profile, p, False, "count-stopped", spent, {
                    "missing": spent + projects[p].cost - budget, "load": loads[p]})
            break
        bought = tied[0]
        explanations[bought] = _explain(profile, bought, True, "selected", spent,
                                        {"load": lowest}, round=len(selected) + 1)
        selected.append(bought)
        spent += projects[bought].cost
        remaining.discard(bought)
        if lowest != INFINITE:
            new_load[bought] = Fraction(lowest)
            _move_loads(profile, load_sum, new_load, last, bought)
    for p, project in enumerate(projects):
        if p not in explanations:
            reason = "over-budget" if project.cost > budget else "not-reached"
            explanations[p] = _explain(profile, p, False, reason, spent, {})
    return selected, explanations


def _max_load(profile: ApprovalProfile, load_sum: list[Fraction | int], p: int) -> Fraction | float:
    votes = profile.approvals[p]
    if votes == 0:
        return INFINITE
    return Fraction(load_sum[p] + profile.projects[p].cost, votes)


def _move_loads(profile: ApprovalProfile, load_sum: list[Fraction | int],
                new_load: dict[int, Fraction], last: list[int], bought: int) -> None:
    """The buyers' loads become the new load: update every project they approve.

    Count voters per (previous last project, approved project) first, so the exact fraction
    arithmetic runs once per pair rather than once per ballot group.
    """
    moved: dict[tuple[int, int], int] = {}
    for g in profile.supporters[bought]:
        before, last[g] = last[g], bought
        weight = profile.weights[g]
        for p in profile.groups[g]:
            moved[before, p] = moved.get((before, p), 0) + weight
    load = new_load[bought]
    for (before, p), weight in moved.items():
        load_sum[p] += weight * (load - (new_load[before] if before >= 0 else 0))


def _explain(profile: ApprovalProfile, p: int, selected: bool, reason: str, spent: Money,
             details: dict[str, object], round: int | None = None) -> ProjectExplanation:
    project = profile.projects[p]
    details = {k: (None if v == INFINITE else v) for k, v in details.items()}
    return ProjectExplanation(
        project_id=project.id, cost=project.cost, votes=profile.approvals[p], selected=selected,
        reason=reason, stage="phragmen", round=round, budget_left_before=profile.budget - spent,
        details=details,
    )
