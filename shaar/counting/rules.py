"""Entry point of the counting engine: `count(instance, rule)` gives a `Result`."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from .greedy import greedy
from .minimum import below_minimum, without_projects
from .model import Instance, Money, Project
from .profile import ApprovalProfile, approval_profile
from .result import ProjectExplanation, Result
from .tiebreak import TieBreak

if TYPE_CHECKING:
    from .mes import Completion

# MES and Phragmén import numpy, which takes longer to load than greedy takes to count a large
# election: their modules are imported when a count first needs them.

# Bump a rule's version whenever its outcome could change: stored results name it.
RULE_VERSIONS: dict[str, str] = {
    "greedy": "1",
    "greedy-per-cost": "1",
    "mes": "1",
    "mes-add1": "1",
    "mes-plain": "1",
    "mes-add1-to-limit": "1",
    "phragmen": "1",
}
RULES = tuple(RULE_VERSIONS)

Explained = tuple[list[int], dict[int, ProjectExplanation], dict[str, object]]


def count(instance: Instance, rule: str, tie_break: TieBreak | None = None, *,
          explain: bool = True, minimum_votes: int = 0) -> Result:
    """Count `instance` with `rule` (one of `RULES`).

    With `explain=False` the result has no explanations: MES then skips the exact rerun that
    records who paid what, most of its time on large elections. Projects with fewer than
    `minimum_votes` votes are left out before the rule runs (reason `below-minimum`).

    Raises `UnsupportedBallots` for cumulative, scoring or ordinal ballots and `ValueError`
    for an unknown rule.
    """
    if rule not in RULE_VERSIONS:
        raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    tie_break = tie_break or TieBreak()
    dropped = below_minimum(instance, minimum_votes)
    counted = without_projects(instance, {project.id for project, _votes in dropped})
    profile = approval_profile(counted)
    votes = profile.approvals if "votes" in tie_break.keys else None
    ranks = tie_break.ranks(counted.projects, votes)
    selected, explanations, parameters = _RULES[rule](profile, ranks, explain)
    if minimum_votes:
        parameters = {**parameters, "minimum_votes": minimum_votes}
    return Result(
        rule=rule,
        rule_version=RULE_VERSIONS[rule],
        tie_break=tie_break.describe(),
        budget=instance.budget,
        selected=tuple(counted.projects[p].id for p in selected),
        explanations=(tuple(_complete(profile, explanations))
                      + tuple(_below_minimum(dropped, minimum_votes))) if explain else (),
        parameters=parameters,
    )


def _below_minimum(dropped: list[tuple[Project, int]], minimum_votes: int
                   ) -> list[ProjectExplanation]:
    return [ProjectExplanation(project_id=project.id, cost=project.cost, votes=votes,
                               selected=False, reason="below-minimum",
                               details={"minimum_votes": minimum_votes})
            for project, votes in dropped]


def _greedy(profile: ApprovalProfile, ranks: list[int], explain: bool) -> Explained:
    selected, explanations = greedy(profile, ranks)
    return selected, explanations, {}


def _greedy_per_cost(profile: ApprovalProfile, ranks: list[int], explain: bool) -> Explained:
    selected, explanations = greedy(profile, ranks, per_cost=True)
    return selected, explanations, {}


def _mes(completion: Completion, fill_greedily: bool) -> Callable[..., Explained]:
    def rule(profile: ApprovalProfile, ranks: list[int], explain: bool) -> Explained:
        from .mes import equal_shares, mes_explanations

        run, extra, engine = equal_shares(profile, ranks, completion)
        explanations = mes_explanations(engine, extra, run) if explain else {}
        selected = run.selected
        per_voter: Money | None = None
        if profile.num_voters:
            per_voter = Fraction(profile.budget + max(extra, 0) * profile.num_voters,
                                 profile.num_voters)
        parameters: dict[str, object] = {"budget_per_voter": per_voter,
                                         "units_added_per_voter": max(extra, 0)}
        if fill_greedily:
            selected, filled = greedy(profile, ranks, initial=selected, stage="completion")
            for p, explanation in filled.items():
                if p in explanations:
                    explanation.details["equal_shares"] = explanations[p].as_dict()["details"]
                explanations[p] = explanation
        return selected, explanations, parameters

    return rule


def _phragmen(profile: ApprovalProfile, ranks: list[int], explain: bool) -> Explained:
    from .phragmen import phragmen

    selected, explanations = phragmen(profile, ranks)
    return selected, explanations, {}


_RULES: dict[str, Callable[[ApprovalProfile, list[int], bool], Explained]] = {
    "greedy": _greedy,
    "greedy-per-cost": _greedy_per_cost,
    "mes": _mes("add1", fill_greedily=True),
    "mes-add1": _mes("add1", fill_greedily=False),
    "mes-plain": _mes("none", fill_greedily=False),
    "mes-add1-to-limit": _mes("add1-to-limit", fill_greedily=False),
    "phragmen": _phragmen,
}


def _complete(
    profile: ApprovalProfile, explanations: dict[int, ProjectExplanation]
) -> list[ProjectExplanation]:
    """One explanation per project, in file order; MES skips unvoted and free projects."""
    complete = []
    for p, project in enumerate(profile.projects):
        explanation = explanations.get(p)
        if explanation is None:
            reason = "no-votes" if profile.approvals[p] == 0 else "zero-cost"
            explanation = ProjectExplanation(
                project_id=project.id, cost=project.cost, votes=profile.approvals[p],
                selected=False, reason=reason)
        complete.append(explanation)
    return complete
