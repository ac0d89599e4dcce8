"""Approval ballots grouped for counting: identical ballots become one group with a weight.

Real elections have far fewer distinct ballots than voters (a choose-1 election with 131,778
voters has 197), so every rule works on groups and never on single voters. Greedy needs only
the approval counts; the groups and their supporters, which MES and Phragmén work on, are
built on first use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import chain
from math import lcm

from .model import Instance, Money, Project


@dataclass(frozen=True)
class ApprovalProfile:
    projects: tuple[Project, ...]
    budget: Money
    num_voters: int
    # Every voter's ballot as read (project ids, maybe repeated).
    ballots: tuple[tuple[str, ...], ...] = field(repr=False)

    @property
    def costs(self) -> list[Money]:
        return [project.cost for project in self.projects]

    def money_scale(self) -> int:
        """Smallest integer making the budget and every cost whole."""
        amounts = [self.budget, *self.costs]
        return lcm(*(Fraction(amount).denominator for amount in amounts))

    @cached_property
    def approvals(self) -> tuple[int, ...]:
        """Per project, the number of voters who approve it (once, however often listed)."""
        # One C-level pass over the ballots: a set counts a project listed twice once.
        votes = Counter(chain.from_iterable(map(set, self.ballots)))
        return tuple(votes[project.id] for project in self.projects)

    @cached_property
    def _groups(self) -> dict[tuple[int, ...], int]:
        index = {project.id: i for i, project in enumerate(self.projects)}.__getitem__
        by_ballot: Counter[tuple[int, ...]] = Counter()
        # Identical ballots are counted first (cheap tuple hashing; ballots that were the same
        # vote string are even the same object). A set drops a project listed twice, as
        # pabutools does; sorting joins the same set written in another order.
        for ballot, weight in Counter(self.ballots).items():
            if ballot:
                by_ballot[tuple(sorted(set(map(index, ballot))))] += weight
        return by_ballot

    @cached_property
    def groups(self) -> tuple[tuple[int, ...], ...]:
        """Distinct non-empty ballots as sorted project indexes."""
        return tuple(self._groups)

    @cached_property
    def weights(self) -> tuple[int, ...]:
        """How many voters cast each group's ballot."""
        return tuple(self._groups.values())

    @cached_property
    def supporters(self) -> tuple[tuple[int, ...], ...]:
        """Per project, the groups that approve it."""
        supporters: list[list[int]] = [[] for _ in self.projects]
        for g, ballot in enumerate(self._groups):
            for p in ballot:
                supporters[p].append(g)
        return tuple(map(tuple, supporters))


def approval_profile(instance: Instance) -> ApprovalProfile:
    return ApprovalProfile(
        projects=instance.projects,
        budget=instance.budget,
        num_voters=instance.num_voters,
        ballots=tuple(instance.approval_ballots()),
    )
