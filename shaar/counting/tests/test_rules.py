"""The rules on hand-made elections, the official MES results and pabutools' reference outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from shaar.counting import TieBreak, UnsupportedBallots, count, read_pabulib
from shaar.counting.rules import RULES
from shaar.counting.tiebreak import drawn_order

from .conftest import make_instance, reference

QUICK_RULES = ("greedy", "mes", "mes-add1", "mes-plain", "phragmen")


def test_it_skips_a_greedy_project_that_no_longer_fits_and_says_what_is_missing() -> None:
    # p0 (3 votes) takes 60 of 100; p1 (2 votes, 50) does not fit; p2 (1 vote, 40) does.
    instance = make_instance([60, 50, 40], 100, [[0, 1], [0, 1], [0, 2]])
    result = count(instance, "greedy")
    assert result.selected == ("p0", "p2")
    skipped = result.explanation("p1")
    assert (skipped.reason, skipped.details["missing"], skipped.budget_left_before) == (
        "does-not-fit", 10, 40)
    assert result.explanation("p2").round == 2


def test_it_shares_the_cost_equally_under_mes() -> None:
    # 4 voters with 25 each. p0 (cost 40, 4 supporters) costs each 10; then p1 (cost 32) has
    # only 2 supporters with 15 left each: they cannot pay, and p0 overtook it.
    instance = make_instance([40, 32, 45], 100, [[0, 1], [0, 1], [0], [0]])
    result = count(instance, "mes-plain")
    assert result.selected == ("p0",)
    bought = result.explanation("p0")
    assert bought.details["price_per_supporter"] == 10
    assert bought.details["supporters_paid_in_full"] == 4
    missed = result.explanation("p1")
    assert missed.reason == "supporters-cannot-pay"
    assert missed.details == {"supporters_money": 30, "missing": 2, "overtaken_by": "p0"}
    assert result.explanation("p2").reason == "no-votes"


def test_it_completes_mes_so_no_affordable_project_is_left() -> None:
    instance = make_instance([40, 30, 45], 100, [[0, 1], [0, 1], [0], [0]])
    result = count(instance, "mes")
    left = 100 - result.spent
    assert all(e.cost > left for e in result.explanations if not e.selected)


@pytest.mark.parametrize("rule", RULES)
def test_it_counts_the_same_without_explanations(rule: str) -> None:
    instance = make_instance([60, 50, 40, 30], 120, [[0, 1], [0, 1], [0, 2], [2, 3], [3]])
    explained, bare = count(instance, rule), count(instance, rule, explain=False)
    assert bare.selected == explained.selected
    assert (len(explained.explanations), bare.explanations) == (4, ())


def test_it_stops_phragmen_at_the_first_project_that_does_not_fit() -> None:
    # p0 is bought first (load 50/3); p1 is next (load 140/3 < 48) but does not fit, so p2,
    # which would fit, is never reached.
    instance = make_instance([50, 60, 48], 100, [[0], [0, 1], [0, 1], [2]])
    result = count(instance, "phragmen")
    assert result.selected == ("p0",)
    assert result.explanation("p1").reason == "count-stopped"
    assert result.explanation("p2").reason == "not-reached"


@pytest.mark.parametrize(
    ("tie_break", "winner"),
    [(TieBreak(), "a"), (TieBreak(("cost",)), "b"),
     (TieBreak(("order",), ("b", "a")), "b"), (TieBreak(("cost", "order"), ("b", "a")), "b")])
def test_it_breaks_ties_as_asked(tie_break: TieBreak, winner: str) -> None:
    # Two projects with the same votes; only one fits.
    instance = make_instance([60, 50], 60, [[0], [1]], ids=["a", "b"])
    assert count(instance, "greedy", tie_break).selected == (winner,)


def test_it_breaks_ties_by_votes_before_cost_under_equal_shares() -> None:
    # a and b tie under MES (same cost, equal shares cover both) but b has more votes.
    instance = make_instance([50, 50], 50, [[0, 1], [1], [0, 1], [1]], ids=["a", "b"])
    assert count(instance, "mes-plain", TieBreak()).selected == ("b",)
    assert count(instance, "mes-plain", TieBreak(("votes",))).selected == ("b",)


def test_it_records_the_tie_rule_and_a_reproducible_draw() -> None:
    instance = make_instance([60, 50, 55], 60, [[0], [1], [2]], ids=["a", "b", "c"])
    order = drawn_order("2025-city-hall", ["a", "b", "c"])
    assert sorted(order) == ["a", "b", "c"]
    assert drawn_order("2025-city-hall", ["c", "b", "a"]) == order
    result = count(instance, "greedy", TieBreak(("votes", "order"), order))
    assert result.tie_break == {"keys": ["votes", "order"], "order": list(order)}
    assert result.selected == (order[0],)


@pytest.mark.parametrize("keys", ["votes,price", "votes,votes", "order"])
def test_it_refuses_an_unclear_tie_rule(keys: str) -> None:
    with pytest.raises(ValueError):
        TieBreak.parse(keys)


def test_it_leaves_out_projects_below_the_minimum_before_counting() -> None:
    # c (1 vote) would fit after a; with a minimum of 2 it is left out, and so is the
    # unvoted d, which greedy alone would fund with the money left.
    instance = make_instance([50, 40, 10, 5], 105, [[0, 1], [0, 1], [0, 2]],
                             ids=["a", "b", "c", "d"])
    assert count(instance, "greedy").selected == ("a", "b", "c", "d")
    result = count(instance, "greedy", minimum_votes=2)
    assert result.selected == ("a", "b")
    assert result.explanation("c").reason == "below-minimum"
    assert result.explanation("d").votes == 0
    assert result.parameters["minimum_votes"] == 2


def test_it_refuses_ordinal_ballots_clearly(shared_dir: Path) -> None:
    path = next(p for p in sorted(shared_dir.glob("*rankings*.pb")))
    with pytest.raises(UnsupportedBallots, match="ordinal"):
        count(read_pabulib(path), "greedy")


def test_it_serialises_results_to_json() -> None:
    import json

    instance = make_instance([40, 30, 45], 100, [[0, 1], [0, 1], [0], [0]])
    data = json.loads(count(instance, "mes").to_json())
    assert data["rule"] == "mes" and data["rule_version"]
    assert {p["project_id"] for p in data["projects"]} == {"p0", "p1", "p2"}
    assert data["selected"] == list(count(instance, "mes").selected)


@pytest.mark.parametrize("name", [
    "Poland_Wieliczka_2023_Green_Budget.pb", "Poland_Swiecie_2023.pb", "Netherlands_Assen_2024.pb"])
def test_it_reproduces_official_mes_elections(shared_dir: Path, name: str) -> None:
    instance = read_pabulib(shared_dir / name)
    official = {p.id for p in instance.projects if p.get("selected") == "1"}
    assert official
    assert set(count(instance, "mes-add1-to-limit").selected) == official


def test_it_differs_from_wieliczka_with_the_exhaustive_stop(shared_dir: Path) -> None:
    instance = read_pabulib(shared_dir / "Poland_Wieliczka_2023_Green_Budget.pb")
    official = {p.id for p in instance.projects if p.get("selected") == "1"}
    assert set(count(instance, "mes").selected) != official


def _fast_reference_files() -> list[str]:
    """Files pabutools counts quickly (with greedy, MES and Phragmén), capped so the suite
    stays fast."""
    try:
        data = reference()
    except FileNotFoundError:
        return []
    quick = [name for name, entry in sorted(data.items())
             if all(rule in entry for rule in QUICK_RULES)
             and sum(entry[rule]["pabutools_seconds"] for rule in QUICK_RULES) < 0.15]
    return quick[::max(1, len(quick) // 120)]


@pytest.mark.parametrize("name", _fast_reference_files())
def test_it_matches_pabutools_on_shared_files(shared_dir: Path, name: str) -> None:
    expected = reference()[name]
    instance = read_pabulib(shared_dir / name)
    for rule in RULES:
        if rule in expected:
            assert set(count(instance, rule).selected) == set(expected[rule]["selected"]), rule
