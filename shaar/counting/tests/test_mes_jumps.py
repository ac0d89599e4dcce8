"""Add1 jumps over budget increments that cannot change MES: same result as +1 stepping."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaar.counting.mes import EqualShares, MESRun, equal_shares
from shaar.counting.model import Instance
from shaar.counting.profile import approval_profile
from shaar.counting.tiebreak import TieBreak

from .conftest import make_instance


@st.composite
def elections(draw: Any, max_projects: int = 7, max_voters: int = 12) -> Instance:
    costs = draw(st.lists(st.integers(0, 40), min_size=1, max_size=max_projects))
    if draw(st.booleans()):
        costs = [Fraction(c, draw(st.integers(1, 4))) for c in costs]
    budget = draw(st.integers(1, 90))
    ballots = draw(st.lists(
        st.lists(st.integers(0, len(costs) - 1), min_size=1, max_size=len(costs), unique=True),
        max_size=max_voters))
    return make_instance(costs, budget, ballots)


def step_by_one(engine: EqualShares, completion: str) -> tuple[list[int], int]:
    """Add1 as pabutools does it: one unit per voter per run, no jumping."""
    budget = engine.profile.budget
    previous, extra = MESRun(selected=[]), 0
    while True:
        outcome = engine.run(extra)
        if engine.total_cost(outcome.selected) > budget:
            return previous.selected, extra - 1
        if completion == "add1" and engine.is_exhaustive(outcome.selected):
            return outcome.selected, extra
        previous, extra = outcome, extra + 1


def setup(instance: Instance) -> tuple[Any, list[int]]:
    return approval_profile(instance), TieBreak().ranks(instance.projects)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(["add1", "add1-to-limit"]))
def test_jumping_gives_what_stepping_by_one_gives(instance: Instance, completion: str) -> None:
    profile, ranks = setup(instance)
    if profile.num_voters == 0:
        return
    engine = EqualShares(profile, ranks)
    if completion == "add1-to-limit" and engine.total_cost(engine.candidates) <= profile.budget:
        return  # counted in closed form, no stepping
    run, extra, _ = equal_shares(profile, ranks, completion)  # type: ignore[arg-type]
    expected, expected_extra = step_by_one(engine, completion)
    assert run.selected == expected
    assert extra == expected_extra


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 30))
def test_the_selection_does_not_change_before_the_horizon(instance: Instance, extra: int) -> None:
    profile, ranks = setup(instance)
    if profile.num_voters == 0:
        return
    engine = EqualShares(profile, ranks)
    selected, horizon = engine.run_with_horizon(extra)
    assert selected == engine.run(extra).selected
    assert horizon is None or horizon >= 0
    # Every unit increment strictly inside the horizon gives the same selection, in order.
    units = 6 if horizon is None else min(6, -(-horizon // engine.scale) - 1)
    for more in range(1, int(units) + 1):
        assert engine.run(extra + more).selected == selected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.lists(st.integers(0, 25), min_size=1, max_size=6))
def test_replaying_a_run_at_a_larger_budget_counts_as_a_fresh_run(
    instance: Instance, extras: list[int]
) -> None:
    profile, ranks = setup(instance)
    if profile.num_voters == 0:
        return
    engine = EqualShares(profile, ranks)
    fresh = EqualShares(profile, ranks)
    for extra in sorted(extras):  # each run after the first may replay the previous one
        selected, horizon = engine.run_with_horizon(extra)
        assert selected == fresh.run(extra).selected
        assert horizon is None or horizon >= 0
