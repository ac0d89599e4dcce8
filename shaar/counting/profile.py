"""Approval ballots grouped for counting: identical ballots become one group with a weight.

Real elections have far fewer distinct ballots than voters (a choose-1 election with 131,778
voters has 197), so every rule works on groups and never on single voters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from .model import Instance, Money, Project


@dataclass(frozen=True, slots=True)
class ApprovalProfile:
    projects: tuple[Project, ...]
    budget: Money
    num_voters: int
    # Distinct non-empty ballots as sorted project indexes, and how many voters cast each.
    groups: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]
    # Per project: the number of approving voters, and the groups that approve it.
    approvals: tuple[int, ...]
    supporters: tuple[tuple[int, ...], ...]

    @property
    def costs(self) -> list[Money]:
        return [project.cost for project in self.projects]

    def money_scale(self) -> int:
        """Smallest integer making the budget and every cost whole."""
        amounts = [self.budget, *self.costs]
        return lcm(*(Fraction(amount).denominator for amount in amounts))


def approval_profile(instance: Instance) -> ApprovalProfile:
    index = {project.id: i for i, project in enumerate(instance.projects)}.__getitem__
    by_ballot: Counter[tuple[int, ...]] = Counter()
    # Count raw ballots first (cheap tuple hashing), then map each distinct one to indexes;
    # a set drops a project listed twice, as pabutools does.
    for ballot, weight in Counter(instance.approval_ballots()).items():
        if ballot:
            by_ballot[tuple(sorted(set(map(index, ballot))))] += weight
    groups = tuple(by_ballot)
    weights = tuple(by_ballot.values())
    approvals = [0] * len(instance.projects)
    supporters: list[list[int]] = [[] for _ in instance.projects]
    for g, ballot in enumerate(groups):
        weight = weights[g]
        for p in ballot:
            approvals[p] += weight
            supporters[p].append(g)
    return ApprovalProfile(
        projects=instance.projects,
        budget=instance.budget,
        num_voters=instance.num_voters,
        groups=groups,
        weights=weights,
        approvals=tuple(approvals),
        supporters=tuple(tuple(s) for s in supporters),
    )
