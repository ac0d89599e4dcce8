"""Shared fixtures: the Pabulib folder and small instance builders."""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bench.parity import pabulib_dir, stored_outcomes
from shaar.counting.model import Instance, Project, Votes

REPO_ROOT = Path(__file__).resolve().parents[3]


@cache
def reference() -> dict[str, Any]:
    """pabutools' outcomes for the shared files: reference.json, and what bench/parity.py
    computed for the pairs it lacks."""
    return stored_outcomes(pabulib_dir())


@pytest.fixture
def shared_dir() -> Path:
    folder = pabulib_dir()
    if not (folder / "reference.json").exists():
        pytest.skip(f"Pabulib instances not found in {folder} (set PABULIB_DIR)")
    return folder


def make_instance(
    costs: Sequence[int | Fraction],
    budget: int | Fraction,
    ballots: Sequence[Sequence[int]],
    ids: Sequence[str] | None = None,
) -> Instance:
    """An approval instance: projects named by `ids` (default "p0", "p1", ...)."""
    ids = list(ids or (f"p{i}" for i in range(len(costs))))
    return Instance(
        budget=budget,
        projects=tuple(
            Project(id=ids[i], cost=c, name=f"Project {i}") for i, c in enumerate(costs)),
        votes=Votes(
            voter_ids=tuple(str(v) for v in range(len(ballots))),
            ballots=tuple(tuple(ids[p] for p in ballot) for ballot in ballots),
        ),
    )


# CI runs the same examples every time (a failure there must be reproducible); locally,
# hypothesis keeps exploring new ones.
if os.environ.get("CI"):
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    hypothesis_settings.load_profile("ci")
