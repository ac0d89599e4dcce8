"""Minimum support: a project needs at least a published number of votes to be counted.

A project below the minimum is left out of the election before any rule runs, as if it had
never been on the ballot: voters keep their place (and, under equal shares, their share of the
budget) and their other approvals. The published `.pb` leaves these projects out too, with a
META line (`min_votes`), so pabutools recounts it to the same selection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import chain

from .model import Instance, Project


def approval_counts(instance: Instance) -> dict[str, int]:
    """Per project id, the voters who approve it (once, however often listed)."""
    votes = Counter(chain.from_iterable(map(set, instance.approval_ballots())))
    return {project.id: votes[project.id] for project in instance.projects}


def below_minimum(instance: Instance, minimum: int) -> list[tuple[Project, int]]:
    """The projects with fewer than `minimum` votes, with their votes, in file order."""
    if minimum <= 0:
        return []
    votes = approval_counts(instance)
    return [(p, votes[p.id]) for p in instance.projects if votes[p.id] < minimum]


def without_projects(instance: Instance, project_ids: set[str]) -> Instance:
    """`instance` without these projects, on the projects list and on every ballot."""
    if not project_ids:
        return instance
    ballots = tuple(tuple(p for p in ballot if p not in project_ids)
                    for ballot in instance.votes.ballots)
    return replace(
        instance,
        projects=tuple(p for p in instance.projects if p.id not in project_ids),
        votes=replace(instance.votes, ballots=ballots))
