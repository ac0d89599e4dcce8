"""The approval ballots of an election, as the rules count them.

Greedy needs only each project's approval count; MES and Phragmén work on groups of identical
ballots (`groups.py`), built with numpy on first use so that greedy never loads it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import chain
from math import lcm
from typing import TYPE_CHECKING

from .model import Instance, Money, Project

if TYPE_CHECKING:
    from .groups import BallotGroups


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
        if "groups" in self.__dict__:  # MES and Phragmén: a sum over the groups is cheaper
            return tuple(self.groups.approvals().tolist())
        # One C-level pass over the ballots: a set counts a project listed twice once.
        votes = Counter(chain.from_iterable(map(set, self.ballots)))
        return tuple(votes[project.id] for project in self.projects)

    @cached_property
    def groups(self) -> BallotGroups:
        from .groups import ballot_groups  # numpy: loaded by MES and Phragmén only

        return ballot_groups(self)


def approval_profile(instance: Instance) -> ApprovalProfile:
    return ApprovalProfile(
        projects=instance.projects,
        budget=instance.budget,
        num_voters=instance.num_voters,
        ballots=tuple(instance.approval_ballots()),
    )
