"""Who may open the OGP action plan pages (see shaar/web/tests/test_url_matrix.py).

Plans past drafting, their commitments, exports and the supervisory board are public.
`rules.py`: city administrators manage the plan (`actionplan.manage`, responses, the
board, the self-assessment); moderators and administrators hide contributions; only staff
of a milestone's responsible agency post progress and only the plan's active monitor
(`PlanMonitor`) edits the independent assessment. No persona belongs to the demo plan's
lead agency or monitors it, and these two checks use `rules.has_perm` so that not even
the superuser administrator passes them.
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import (
    ADMINISTRATOR,
    MODERATOR,
    NOBODY,
    Access,
    public,
)

ADMIN_ONLY = frozenset({ADMINISTRATOR})


def _plan(world: dict) -> dict:
    from shaar.actionplan.models import ActionPlan

    plan = first(ActionPlan.objects.exclude(status=ActionPlan.Status.DRAFTING)
            .filter(commitments__milestones__isnull=False).order_by("pk"))
    return {"code": plan.code}


def _commitment(world: dict) -> dict:
    from shaar.actionplan.models import Commitment

    return {"code": first(Commitment.objects.filter(plan__code=_plan(world)["code"])
                          .order_by("order", "code")).code}


def _commitment_edit(world: dict) -> dict:
    return {**_plan(world), "commitment_code": _commitment(world)["code"]}


def _milestone(world: dict) -> dict:
    from shaar.actionplan.models import Milestone

    code = _commitment(world)["code"]
    return {"code": code, "milestone_id": first(Milestone.objects.filter(commitment__code=code)
                                                .order_by("order")).pk}


def _independent_assessment(world: dict) -> dict:
    return {**_commitment(world), "kind": "independent"}


def _contribution(world: dict) -> dict:
    from shaar.actionplan.models import Contribution

    return {"contribution_id": first(Contribution.objects.order_by("pk")).pk}


def _meeting(world: dict) -> dict:
    from shaar.actionplan.models import Meeting

    return {"meeting_id": first(Meeting.objects.order_by("pk")).pk}


def _api_commitment(world: dict) -> dict:
    return {"commitment_id": _commitment(world)["code"]}


def _public(why: str, kwargs) -> Access:
    return Access(public().ok, why, kwargs=kwargs)


def _admin(why: str, kwargs=None) -> Access:
    return Access(ADMIN_ONLY, f"actionplan.manage (city administrators): {why}",
                  kwargs=kwargs)


EXPECTED: dict[str, Access] = {
    "actionplan:home": public("plans past drafting (a drafting plan only for managers)"),
    "actionplan:dashboard": public("progress of the plans past drafting"),
    "actionplan:plan-new": _admin("a new plan"),
    "actionplan:plan": _public("a plan past drafting", _plan),
    "actionplan:plan-edit": _admin("texts and dates of a plan", _plan),
    "actionplan:monitor-new": _admin("appoint the independent monitor", _plan),
    "actionplan:plan-transition": Access(NOBODY, "POST only (managers): a GET is refused",
                                         kwargs=_plan),
    "actionplan:contribute": Access(NOBODY, "POST only (signed-in, plan in consultation): "
                                    "a GET is refused", kwargs=_plan),
    "actionplan:plan-document-new": _admin("publish a plan document", _plan),
    "actionplan:plan-print": _public("print version of a plan past drafting", _plan),
    "actionplan:plan-csv": _public("open data: a plan past drafting", _plan),
    "actionplan:plan-json": _public("open data: a plan past drafting", _plan),
    "actionplan:commitment-new": _admin("a new commitment", _plan),
    "actionplan:commitment-edit": _admin("edit a commitment", _commitment_edit),
    "actionplan:commitment": _public("a commitment of a plan past drafting", _commitment),
    "actionplan:milestone-new": _admin("a new milestone", _commitment),
    "actionplan:milestone-edit": _admin("edit a milestone", _milestone),
    "actionplan:assessment-edit": Access(
        NOBODY, "kind=independent: only an active monitor of the plan (PlanMonitor; no "
        "persona is one, and the superuser is refused too). kind=self would be city "
        "administrators", kwargs=_independent_assessment),
    "actionplan:respond": Access(ADMIN_ONLY, "actionplan.respond_contribution: city "
                                 "administrators", kwargs=_contribution),
    "actionplan:hide": Access(frozenset({MODERATOR, ADMINISTRATOR}), "actionplan.moderate: "
                              "moderators and city administrators", kwargs=_contribution),
    "actionplan:progress": Access(NOBODY, "actionplan.post_progress: staff of the milestone's "
                                  "responsible agency only (no persona works there; not even "
                                  "the superuser)", kwargs=_milestone),
    "actionplan:board": public("the supervisory board and its meetings"),
    "actionplan:meeting-new": _admin("schedule a board meeting"),
    "actionplan:meeting": _public("a board meeting: agenda, minutes, decisions", _meeting),
    "actionplan:meeting-document-new": _admin("share a document with the board", _meeting),
    "actionplan:decision-new": _admin("record a board decision", _meeting),
    "actionplan:meeting-minutes": _admin("minutes and attendance", _meeting),
    # API
    "api-1:list_plans": public("public API: plans past drafting"),
    "api-1:get_commitment": _public("public API: a commitment of a plan past drafting",
                                    _api_commitment),
}
