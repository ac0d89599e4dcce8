"""Sequential Phragmén, as pabutools' `sequential_phragmen` computes it (no completion).

Voters earn virtual money continuously; a project is bought as soon as its supporters together
hold its cost, and the buyers' money is spent evenly so they end with equal "loads". The count
stops at the first project that is next in line but does not fit the budget.

A voter's load is the load set by the last bought project it approves, so each project's
supporters are counted per "last bought project" (a small integer matrix, updated with numpy
after each purchase) and its load is an exact sum over the bought projects. Each round first
estimates every load in float64 with an error bound, then computes exactly only the loads
whose bounds reach the lowest one: the minimum and its ties are always decided exactly. Those
few exact loads are `Fraction`s: gmpy2 would be no faster here and takes ~45 ms to load.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .model import Money
from .profile import ApprovalProfile
from .result import ProjectExplanation, to_fraction

INFINITE = float("inf")  # a project nobody approves: never preferred, compared only to itself


def phragmen(
    profile: ApprovalProfile, ranks: list[int]
) -> tuple[list[int], dict[int, ProjectExplanation]]:
    projects = profile.projects
    budget = profile.budget
    remaining = {p for p, project in enumerate(projects) if project.cost <= budget}
    loads = _Loads(profile)
    selected: list[int] = []
    explanations: dict[int, ProjectExplanation] = {}
    spent: Money = 0
    while remaining:
        lowest, tied = loads.lowest(remaining)
        tied.sort(key=ranks.__getitem__)
        # pabutools stops when any tied project does not fit, even if another one would.
        blocked = [p for p in tied if spent + projects[p].cost > budget]
        if blocked:
            for p in blocked:
                explanations[p] = _explain(profile, p, False, "count-stopped", spent, {
                    "missing": spent + projects[p].cost - budget, "load": lowest})
            break
        bought = tied[0]
        explanations[bought] = _explain(profile, bought, True, "selected", spent,
                                        {"load": lowest}, round=len(selected) + 1)
        selected.append(bought)
        spent += projects[bought].cost
        remaining.discard(bought)
        if lowest != INFINITE:
            loads.buy(bought, lowest)
    for p, project in enumerate(projects):
        if p not in explanations:
            reason = "over-budget" if project.cost > budget else "not-reached"
            explanations[p] = _explain(profile, p, False, reason, spent, {})
    return selected, explanations


UNIT = 2.0**-52  # twice the float64 unit roundoff, for generous error bounds


class _Loads:
    """Each project's load if bought next: (its supporters' loads + its cost) / its votes.

    `voters[p, j]` counts p's supporters whose last bought project is column j (column 0: none
    yet, column j + 1: project j); their load is `load[j]` (exact), so p's supporters carry
    sum_j voters[p, j] * load[j] in all.
    """

    def __init__(self, profile: ApprovalProfile) -> None:
        self.profile = profile
        groups = profile.groups  # first: the approval counts are then summed over them
        count = len(profile.projects)
        self.votes = np.asarray(profile.approvals, dtype=np.float64)
        self.costs = np.asarray([float(project.cost) for project in profile.projects])
        self.voters = np.zeros((count, count + 1), dtype=np.float64)  # whole numbers, exact
        self.voters[:, 0] = self.votes
        self.load: list[Any] = [0] * (count + 1)  # exact load per column
        self.load_float = np.zeros(count + 1)
        self.bought = 0  # columns in use after the first: one per bought project
        self.starts, self.approved = groups.starts, groups.approved
        self.weights = groups.weights.astype(np.float64)
        self.supporters = [groups.supporters(p) for p in range(count)]
        self.last = np.zeros(len(groups), dtype=np.int64)  # column of each group

    def exact(self, p: int) -> Any:
        votes = self.profile.approvals[p]
        if votes == 0:
            return INFINITE
        row = self.voters[p]
        carried = sum((int(row[j]) * self.load[j] for j in np.flatnonzero(row).tolist()), 0)
        return Fraction(carried + self.profile.projects[p].cost, votes)

    def lowest(self, remaining: set[int]) -> tuple[Any, list[int]]:
        """The lowest exact load among `remaining` and every project that has it."""
        voted = np.asarray(sorted(p for p in remaining if self.profile.approvals[p]),
                           dtype=np.int64)
        if not voted.size:
            return INFINITE, list(remaining)
        # Float estimate and a bound on its error: a dot product of k terms errs by at most
        # k units of roundoff of its size; each load and cost was rounded once.
        used = self.bought + 1
        carried = self.voters[voted, :used] @ self.load_float[:used]
        estimate = (carried + self.costs[voted]) / self.votes[voted]
        error = ((used + 4) * UNIT * (carried + self.costs[voted])) / self.votes[voted]
        reach = float(np.min(estimate + error))
        contenders = voted[estimate - error <= reach].tolist()
        exact = {p: self.exact(p) for p in contenders}
        lowest = min(exact.values())
        return lowest, [p for p, load in exact.items() if load == lowest]

    def buy(self, bought: int, load: Any) -> None:
        """The buyers' loads become `load`: move them to the new column of every project they
        approve (one numpy bincount over the buyers' approvals)."""
        self.bought += 1
        column = self.bought
        self.load[column] = load
        self.load_float[column] = float(load)
        count = len(self.profile.projects)
        groups = self.supporters[bought]
        lengths = self.starts[groups + 1] - self.starts[groups]
        owner = np.repeat(groups, lengths)
        at = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        approved = self.approved[self.starts[owner] + at]
        moved = np.bincount(self.last[owner] * count + approved, weights=self.weights[owner],
                            minlength=(column) * count).reshape(-1, count)
        self.voters[:, :moved.shape[0]] -= moved.T
        self.voters[:, column] += moved.sum(axis=0)
        self.last[groups] = column


def _explain(profile: ApprovalProfile, p: int, selected: bool, reason: str, spent: Money,
             details: dict[str, object], round: int | None = None) -> ProjectExplanation:
    project = profile.projects[p]
    details = {k: (None if v == INFINITE else to_fraction(v)) for k, v in details.items()}
    return ProjectExplanation(
        project_id=project.id, cost=project.cost, votes=profile.approvals[p], selected=selected,
        reason=reason, stage="phragmen", round=round, budget_left_before=profile.budget - spent,
        details=details,
    )
