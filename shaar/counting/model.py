"""Immutable data of a participatory-budgeting election: projects, budget and ballots.

Money is exact: costs and the budget are `int` when whole, `Fraction` otherwise (Pabulib files
sometimes write "400000.0" or "1234.56"). Nothing here is ever a float.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Money = int | Fraction
VoteType = Literal["approval", "choose-1", "cumulative", "scoring", "ordinal"]
VOTE_TYPES: tuple[str, ...] = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
# Ballots these rules can count: a choose-1 ballot is an approval ballot of length one.
APPROVAL_LIKE: frozenset[str] = frozenset({"approval", "choose-1"})


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: Money
    name: str = ""
    category: str = ""
    district: str = ""
    # Any other PROJECTS column (votes, selected, target, ...), as (column, raw value) pairs.
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, column: str, default: str = "") -> str:
        return dict(self.extra).get(column, default)


@dataclass(frozen=True, slots=True)
class Votes:
    """The VOTES section, stored by column: one entry per voter, in file order.

    Column storage keeps 100,000+ voters cheap; `ballots` holds project ids (for ordinal
    ballots in preference order), `points` the matching points of cumulative/scoring ballots.
    """

    voter_ids: tuple[str, ...] = ()
    ballots: tuple[tuple[str, ...], ...] = ()
    points: tuple[tuple[Money, ...], ...] | None = None
    # Voter metadata columns (age, sex, voting_method, ...), as (column, values) pairs.
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __len__(self) -> int:
        return len(self.voter_ids)


@dataclass(frozen=True, slots=True)
class Instance:
    budget: Money
    projects: tuple[Project, ...]
    votes: Votes = field(default_factory=Votes)
    vote_type: str = "approval"
    # META section without the keys derived from the data (budget, vote_type, counts).
    meta: tuple[tuple[str, str], ...] = ()
    # Column order of PROJECTS beyond project_id and cost, kept so files round-trip.
    project_columns: tuple[str, ...] = ("name",)

    def __post_init__(self) -> None:
        if self.vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote_type {self.vote_type!r}")

    @property
    def num_voters(self) -> int:
        return len(self.votes)

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    def meta_value(self, key: str, default: str = "") -> str:
        return dict(self.meta).get(key, default)

    def approval_ballots(self) -> Iterator[tuple[str, ...]]:
        if self.vote_type not in APPROVAL_LIKE:
            raise UnsupportedBallots(self.vote_type)
        return iter(self.votes.ballots)


class UnsupportedBallots(ValueError):
    """Raised when a rule for approval ballots is given cumulative, scoring or ordinal ones."""

    def __init__(self, vote_type: str) -> None:
        self.vote_type = vote_type
        super().__init__(
            f"the rules count approval and choose-1 ballots; this election has {vote_type} "
            "ballots, which can be read and written but not counted by these rules"
        )
