"""Property tests on small random elections (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaar.counting import TieBreak, count
from shaar.counting.model import Instance
from shaar.counting.tiebreak import drawn_order

from .conftest import make_instance

RULES = ("greedy", "mes", "mes-add1", "mes-plain", "phragmen", "mes-add1-to-limit")


@st.composite
def elections(draw: Any, max_projects: int = 6, max_voters: int = 8) -> Instance:
    costs = draw(st.lists(st.integers(0, 30), min_size=1, max_size=max_projects))
    budget = draw(st.integers(1, 70))
    ballots = draw(st.lists(
        st.lists(st.integers(0, len(costs) - 1), max_size=len(costs), unique=True),
        max_size=max_voters))
    return make_instance(costs, budget, ballots)


def pabutools_selection(instance: Instance, rule: str) -> set[str]:
    election = pytest.importorskip("pabutools.election", reason="pabutools is not installed")
    rules = pytest.importorskip("pabutools.rules")
    projects = {p.id: election.Project(p.id, p.cost) for p in instance.projects}
    pb_instance = election.Instance(projects.values(), budget_limit=instance.budget)
    profile = election.ApprovalProfile(
        [election.ApprovalBallot(projects[i] for i in ballot) for ballot in instance.votes.ballots])
    cost_sat = election.Cost_Sat
    if rule == "greedy":
        outcome = rules.greedy_utilitarian_welfare(pb_instance, profile, sat_class=cost_sat)
    elif rule == "phragmen":
        outcome = rules.sequential_phragmen(pb_instance, profile)
    elif rule == "mes-plain":
        outcome = rules.method_of_equal_shares(pb_instance, profile.as_multiprofile(),
                                               sat_class=cost_sat)
    elif rule == "mes-add1-to-limit":
        outcome = rules.exhaustion_by_budget_increase(
            pb_instance, profile.as_multiprofile(), rules.method_of_equal_shares,
            {"sat_class": cost_sat}, exhaustive_stop=False, budget_step=profile.num_ballots())
    else:
        outcome = rules.method_of_equal_shares(pb_instance, profile.as_multiprofile(),
                                               sat_class=cost_sat, voter_budget_increment=1)
        if rule == "mes":
            outcome = rules.greedy_utilitarian_welfare(
                pb_instance, profile, sat_class=cost_sat, initial_budget_allocation=outcome)
    return {p.name for p in outcome}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(RULES))
def test_it_matches_pabutools_on_random_elections(instance: Instance, rule: str) -> None:
    approved = set().union(*instance.votes.ballots)
    approved_cost = sum(p.cost for p in instance.projects if p.id in approved)
    if rule == "mes-add1-to-limit" and approved_cost <= instance.budget:
        # Nothing can ever make pabutools' outcome exceed the budget, so it climbs one
        # voter-unit at a time for a very long while; the other tests cover this case.
        return
    assert set(count(instance, rule).selected) == pabutools_selection(instance, rule)


@settings(max_examples=80, deadline=None)
@given(elections(), st.sampled_from(RULES))
def test_it_never_exceeds_the_budget(instance: Instance, rule: str) -> None:
    result = count(instance, rule)
    assert result.spent <= instance.budget
    assert len(set(result.selected)) == len(result.selected)


@settings(max_examples=80, deadline=None)
@given(elections(), st.sampled_from(["greedy", "mes", "greedy-per-cost"]))
def test_it_leaves_no_affordable_project_after_greedy_or_mes_completion(
    instance: Instance, rule: str
) -> None:
    result = count(instance, rule)
    left = instance.budget - result.spent
    assert all(e.cost > left for e in result.explanations if not e.selected)


@settings(max_examples=60, deadline=None)
@given(elections(), st.sampled_from(RULES), st.text(min_size=1, max_size=8),
       st.permutations(range(6)))
def test_it_ignores_consistent_renaming_under_a_seeded_draw(
    instance: Instance, rule: str, seed: str, order: list[int]
) -> None:
    # New ids in a scrambled alphabetical order, so any id-based tie-break would change.
    names = {p.id: f"x{order[i]}" for i, p in enumerate(instance.projects)}
    renamed = make_instance(
        [p.cost for p in instance.projects], instance.budget,
        [[int(i[1:]) for i in ballot] for ballot in instance.votes.ballots],
        ids=[names[p.id] for p in instance.projects])
    # The drawn order names the projects, so it is renamed with them.
    drawn = drawn_order(seed, [p.id for p in instance.projects])
    original = count(instance, rule, TieBreak(("order",), drawn)).selected
    renamed_draw = TieBreak(("order",), tuple(names[i] for i in drawn))
    assert count(renamed, rule, renamed_draw).selected == tuple(names[i] for i in original)
