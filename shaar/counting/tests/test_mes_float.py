"""The float MES run either proves the exact run's outcome or declines; it never differs."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaar.counting.mes import EqualShares
from shaar.counting.mes_float import FloatShares
from shaar.counting.model import Instance
from shaar.counting.profile import approval_profile
from shaar.counting.tiebreak import TieBreak

from .conftest import make_instance
from .test_mes_jumps import elections


def engines(instance: Instance) -> tuple[EqualShares, FloatShares]:
    engine = EqualShares(approval_profile(instance), TieBreak().ranks(instance.projects))
    return engine, FloatShares(engine)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 30))
def test_it_gives_the_exact_outcome_or_none(instance: Instance, extra: int) -> None:
    engine, fast = engines(instance)
    if engine.n:
        proven = fast.run(engine.start_budget(extra))
        assert proven is None or proven == engine.run(extra).selected


def test_it_proves_most_runs_of_a_larger_election() -> None:
    """Without ties, nearly every decision is far from the float error: the run proves it."""
    rng = random.Random(7)
    ballots = [rng.sample(range(30), rng.randint(1, 6)) for _ in range(3000)]
    costs = [rng.randrange(1_000, 90_000, 7) for _ in range(30)]
    engine, fast = engines(make_instance(costs, sum(costs) // 3, ballots))
    proven = [fast.run(engine.start_budget(extra)) for extra in range(0, 40, 4)]
    assert sum(outcome is not None for outcome in proven) >= 8
    for extra, outcome in zip(range(0, 40, 4), proven, strict=True):
        assert outcome is None or outcome == engine.run(extra).selected
