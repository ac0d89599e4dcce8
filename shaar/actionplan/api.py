"""Public read API of the action plan: /api/v1/actionplan/…"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from shaar.lib.apischemas import ErrorOut

from . import selectors
from .models import ActionPlan, Commitment

router = Router(tags=["actionplan"])


class PlanOut(Schema):
    code: str
    title: dict[str, str]
    summary: dict[str, str]
    status: str
    start_date: str
    end_date: str
    adopted_on: str | None
    last_updated: str
    is_sample: bool
    commitments: list[str]


class AgencyOut(Schema):
    code: str
    name: dict[str, str]


class MilestoneOut(Schema):
    deliverable: dict[str, str]
    start_date: str
    end_date: str
    responsible: str
    responsible_note: str
    status: str
    completion: str
    overdue: bool
    is_sample: bool


class AssessmentOut(Schema):
    verifiable: bool | None
    verifiability_note: str
    relevant: bool | None
    relevance_note: str
    potential: str | None
    potential_note: str
    completion: str | None
    completion_note: str
    opened_government: str | None
    opened_government_note: str
    assessor_name: str
    updated_at: str


class CommitmentOut(Schema):
    """A commitment with the fields of OGP's template; every text in ky, ru and en."""

    id: str
    plan: str
    lead_agency: AgencyOut
    ogp_values: list[str]
    title: dict[str, str]
    problem: dict[str, str]
    baseline: dict[str, str]
    status_quo: dict[str, str]
    description: dict[str, str]
    objective: dict[str, str]
    contribution: dict[str, str]
    policy_area: dict[str, str]
    sector: dict[str, str]
    supporting_government: dict[str, str]
    supporting_others: dict[str, str]
    contact_name: str
    contact_position: dict[str, str]
    contact_email: str
    contact_phone: str
    budget: str | None
    budget_currency: str
    budget_source: dict[str, str]
    start_date: str
    end_date: str
    other_programmes: dict[str, str]
    sdgs: list[int]
    completion_percent: int
    is_sample: bool
    milestones: list[MilestoneOut]
    assessments: dict[str, AssessmentOut]


@router.get("/plans", response=list[PlanOut], summary="Action plans open to the public")
def list_plans(request) -> list[dict[str, Any]]:
    """Every plan past drafting, newest first, with its commitment IDs."""
    return [{
        **selectors.plan_heading(plan),
        "commitments": [c.code for c in sorted(plan.commitments.all(),
                                               key=lambda c: (c.order, c.code))],
    } for plan in ActionPlan.objects.public().prefetch_related("commitments")]


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, 404: ErrorOut},
            summary="One commitment with its milestones and assessments")
def get_commitment(request, commitment_id: str) -> dict[str, Any]:
    """COMMITMENT_ID is the OGP commitment ID, e.g. KGBSK0001. Every text is given in
    Kyrgyz, Russian and English."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("plan", "lead_agency")
        .prefetch_related("milestones__responsible", "assessments")
        .exclude(plan__status=ActionPlan.Status.DRAFTING),
        code=commitment_id.upper())
    return selectors.export_commitment(commitment)
