"""Approval ballots grouped for MES and Phragmén: identical ballots become one group.

Real elections have far fewer distinct ballots than voters (a choose-1 election with 131,778
voters has 197), so these rules work on groups and never on single voters. The groups are built
with numpy, without a Python step per ballot: on a large election that step alone took longer
than Phragmén's whole count. Greedy needs only approval counts and never loads this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .profile import ApprovalProfile


@dataclass(frozen=True)
class BallotGroups:
    """Distinct non-empty ballots, as two sparse (CSR) index arrays.

    Group g was cast by `weights[g]` voters and approves the projects
    `approved[starts[g]:starts[g + 1]]` (distinct, ascending). Project p is approved by the
    groups `supporters(p)` (ascending). A set written in two orders ("1,2" and "2,1") gives two
    groups with the same projects: harmless for every rule, and rare.
    """

    weights: Any  # int64, one entry per group
    starts: Any
    approved: Any
    supporter_starts: Any
    supporting: Any

    def __len__(self) -> int:
        return len(self.weights)

    def supporters(self, p: int) -> Any:
        return self.supporting[self.supporter_starts[p]:self.supporter_starts[p + 1]]

    def approvals(self) -> Any:
        """Per project, its voters (int64)."""
        voters = np.repeat(self.weights, np.diff(self.starts)).astype(np.float64)
        # Sums of whole numbers far below 2**53: exact in float64.
        return np.bincount(self.approved, weights=voters,
                           minlength=len(self.supporter_starts) - 1).astype(np.int64)

    def merged_on(self, projects: list[int]) -> Any:
        """Groups merged when they approve the same ones among `projects`: each group's merged
        group, numbered from 0."""
        if not len(self.weights):
            return np.zeros(0, dtype=np.int64)
        # Each group's set among `projects` as bits, 63 to a word (kept positive).
        words = max(1, -(-len(projects) // 63))
        position = np.full(len(self.supporter_starts) - 1, -1, dtype=np.int64)
        position[projects] = np.arange(len(projects))
        at = position[self.approved]
        keys = np.empty((len(self.weights), words), dtype=np.int64)
        for word in range(words):
            bits = np.where(at // 63 == word, np.left_shift(1, at % 63), 0)  # -1: word -1
            keys[:, word] = np.bitwise_or.reduceat(bits, self.starts[:-1])
        # Sorted, equal keys are neighbours: number them (np.unique(axis=0) is several times
        # slower than this).
        order = np.lexsort(keys.T[::-1])
        keys = keys[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        merged = np.empty(len(keys), dtype=np.int64)
        merged[order] = np.cumsum(new) - 1
        return merged


def ballot_groups(profile: ApprovalProfile) -> BallotGroups:
    # Identical ballots are counted first (cheap tuple hashing; ballots that were the same
    # vote string are even the same object).
    counts = Counter(profile.ballots)
    counts.pop((), None)
    index = {project.id: i for i, project in enumerate(profile.projects)}
    lengths = np.fromiter(map(len, counts), dtype=np.int64, count=len(counts))
    projects = np.fromiter(map(index.__getitem__, chain.from_iterable(counts)), dtype=np.int64,
                           count=int(lengths.sum()))
    owners = np.repeat(np.arange(len(counts)), lengths)
    # Sort each ballot's projects and drop a project listed twice, as pabutools does; then
    # list each project's groups in order. Both are sorts of one integer key (ballot, project)
    # or (project, ballot): several times faster than lexsort or argsort.
    size = len(profile.projects)
    by_ballot = np.sort(owners * size + projects)
    first = np.ones(by_ballot.size, dtype=bool)
    first[1:] = by_ballot[1:] != by_ballot[:-1]
    owners, projects = np.divmod(by_ballot[first], size)
    by_project = np.sort(projects * len(counts) + owners)
    return BallotGroups(
        weights=np.fromiter(counts.values(), dtype=np.int64, count=len(counts)),
        starts=_starts(owners, len(counts)),
        approved=projects,
        supporter_starts=_starts(projects, size),
        supporting=by_project % len(counts),
    )


def _starts(keys: Any, size: int) -> Any:
    """CSR offsets of `size` rows given each entry's row (entries grouped by row)."""
    return np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=size))))
