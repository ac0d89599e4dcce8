"""Recount a published `.pb` with pabutools (a test dependency), with the tie rule its META
states, as anyone outside the city would."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from shaar.counting.tiebreak import from_meta


def pabutools_tie_breaking(meta: dict[str, str]):
    """The META's tie rule as one pabutools TieBreakingRule (its default when none)."""
    tiebreaking = pytest.importorskip("pabutools.tiebreaking")
    rule = from_meta(meta)
    if not rule.keys:
        return tiebreaking.lexico_tie_breaking
    position = {project_id: i for i, project_id in enumerate(rule.order)}

    def key(instance, profile, project):
        parts = []
        for name in rule.keys:
            if name == "votes":
                parts.append(-profile.approval_score(project))
            elif name == "cost":
                parts.append(project.cost)
            else:
                parts.append(position.get(project.name, len(position)))
        return (*parts, project.name)

    return tiebreaking.TieBreakingRule(key)


def pabutools_selection(pb_text: str, rule: str) -> list[str]:
    """The projects pabutools selects in the published file with `rule` (greedy or mes)."""
    election = pytest.importorskip("pabutools.election")
    rules = pytest.importorskip("pabutools.rules")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pool.pb"
        path.write_text(pb_text, encoding="utf-8")
        instance, profile = election.parse_pabulib(str(path))
    ties = pabutools_tie_breaking(instance.meta)
    cost_sat = election.Cost_Sat
    if rule == "greedy":
        outcome = rules.greedy_utilitarian_welfare(instance, profile, sat_class=cost_sat,
                                                   tie_breaking=ties)
    elif rule == "mes":  # MES with "add 1" completion, then greedy, as the engine's "mes"
        outcome = rules.completion_by_rule_combination(
            instance, profile,
            [rules.exhaustion_by_budget_increase, rules.greedy_utilitarian_welfare],
            [{"rule": rules.method_of_equal_shares,
              "rule_params": {"sat_class": cost_sat, "tie_breaking": ties}},
             {"sat_class": cost_sat, "tie_breaking": ties}])
    else:
        raise ValueError(f"no pabutools recount for {rule!r} here")
    return sorted(p.name for p in outcome)
