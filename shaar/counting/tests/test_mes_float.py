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
@given(elections(), st.lists(st.integers(0, 30), min_size=1, max_size=4), st.booleans())
def test_it_gives_the_exact_outcome_or_none(instance: Instance, extras: list[int],
                                            merged: bool) -> None:
    """On the ballot groups, or on groups merged on what a first run priced."""
    engine, fast = engines(instance)
    if not engine.n:
        return
    if merged:
        fast.run(engine.start_budget(0))
        fast.merge()
    for extra in extras:
        proven = fast.run(engine.start_budget(extra))
        assert proven is None or proven == engine.run(extra).selected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 30), st.randoms(use_true_random=False))
def test_the_order_it_prices_candidates_in_changes_nothing(instance: Instance, extra: int,
                                                            rng: random.Random) -> None:
    """Each round prices first what the last run bought in it; any other guess (here, a
    random order of every candidate) must give the same outcome, or none."""
    engine, fast = engines(instance)
    if not engine.n:
        return
    fast.previous = rng.sample(fast.candidates, len(fast.candidates))
    proven = fast.run(engine.start_budget(extra))
    assert proven is None or proven == engine.run(extra).selected


def test_a_candidate_priced_after_a_dearer_one_can_still_win() -> None:
    """Round 2: project 2 (90, 10 voters who can each pay 9) is priced first, as the guess;
    project 1 (100) costs its 10 rich supporters 9.5 each (its 20 others have 0.25 left after
    project 0), 0.095 per unit of cost against 0.1. Its first Newton step is already 9.5,
    close to project 2's price: it must not be set aside."""
    ballots = [[0, 1]] * 20 + [[0]] * 40 + [[1]] * 10 + [[2]] * 10
    engine, fast = engines(make_instance([585, 100, 90], 800, ballots))
    assert engine.run(0).selected == [0, 1, 2]
    fast.previous = [0, 2, 1]
    assert fast.run(engine.start_budget(0)) == [0, 1, 2]


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


def test_a_run_that_buys_a_project_the_groups_ignore_merges_them_again() -> None:
    rng = random.Random(3)
    ballots = [rng.sample(range(12), rng.randint(1, 4)) for _ in range(400)]
    costs = [rng.randrange(1_000, 9_000, 7) for _ in range(12)]
    engine, fast = engines(make_instance(costs, sum(costs) // 2, ballots))
    fast.merge()  # on nothing priced yet: every voter in one group
    assert fast.groups == 1
    start = engine.start_budget(0)
    assert fast.run(start) == engine.run(0).selected
    assert fast.relevant and set(engine.run(0).selected) <= fast.relevant
    assert 1 < fast.groups < len(engine.groups)


def test_groups_merge_when_they_agree_on_the_given_projects() -> None:
    ballots = [[0, 1], [0, 1, 2], [0, 2], [1], [3], [2, 3], [0, 1, 3]] * 2
    engine, _ = engines(make_instance([10] * 4, 20, ballots))
    groups = engine.groups
    merged = groups.merged_on([0, 1])
    on_0_and_1 = [frozenset(set(groups.approved[groups.starts[g]:groups.starts[g + 1]].tolist())
                            & {0, 1}) for g in range(len(groups))]
    for a in range(len(groups)):
        for b in range(len(groups)):
            assert (merged[a] == merged[b]) == (on_0_and_1[a] == on_0_and_1[b])
    assert sorted(set(merged.tolist())) == list(range(4))  # {0,1}, {0}, {1}, {}


def test_groups_stay_as_they_are_when_merging_hardly_makes_fewer() -> None:
    ballots = [[p] for p in range(6)] * 3 + [[0, 1]]
    engine, fast = engines(make_instance([10] * 6, 120, ballots))
    fast.run(engine.start_budget(0))
    fast.merge()
    assert fast.members is fast.unmerged and fast.groups == len(engine.groups) == 7
    assert fast.relevant == set(fast.candidates)  # no project can make the groups stale
    assert fast.run(engine.start_budget(3)) == engine.run(3).selected
