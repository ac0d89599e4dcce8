"""Public grants API: calls with their rules, and awards with their money trail."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, Sum
from ninja import Router, Schema

from .models import Award, Call, Report, Tranche

router = Router(tags=["grants"])


class CriterionOut(Schema):
    name_ky: str
    name_ru: str
    name_en: str
    weight: str


class DocumentOut(Schema):
    name_ky: str
    name_ru: str
    name_en: str
    is_required: bool


class CallOut(Schema):
    code: str
    title_ky: str
    title_ru: str
    title_en: str
    phase: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    envelope_kgs: int
    max_per_grant_kgs: int
    cofunding_min_percent: str
    allow_ngos: bool
    allow_community_groups: bool
    min_group_residents: int
    districts: list[str]
    scale_max: int
    criteria: list[CriterionOut]
    documents: list[DocumentOut]
    applications_submitted: int
    awarded_kgs: int
    is_sample: bool


class TrancheOut(Schema):
    number: int
    planned_on: datetime.date
    planned_kgs: int
    status: str
    paid_on: datetime.date | None
    paid_kgs: int | None


class AwardReportOut(Schema):
    kind: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime | None
    spent_kgs: int
    photos: list[str]


class AwardOut(Schema):
    id: int
    call: str
    title: str
    organisation: str
    district: str | None
    amount_kgs: int
    status: str
    agreement_number: str
    paid_kgs: int
    tranches: list[TrancheOut]
    reports: list[AwardReportOut]
    is_sample: bool


def call_records() -> list[dict]:
    in_competition = Q(applications__status__in=["submitted", "awarded", "not_awarded"])
    calls = Call.objects.published().prefetch_related("criteria", "documents", "districts")
    calls = calls.annotate(
        submitted_count=Count("applications", filter=in_competition),
        awarded_sum=Sum("applications__decision__amount",
                        filter=Q(applications__decision__awarded=True)))
    records = []
    for call in calls:
        decided = call.status == Call.Status.DECIDED
        records.append({
            "code": call.code, "title_ky": call.title_ky, "title_ru": call.title_ru,
            "title_en": call.title_en, "phase": call.phase, "opens_at": call.opens_at,
            "closes_at": call.closes_at, "envelope_kgs": call.envelope,
            "max_per_grant_kgs": call.max_per_grant,
            "cofunding_min_percent": str(call.cofunding_min_percent),
            "allow_ngos": call.allow_ngos, "allow_community_groups": call.allow_community_groups,
            "min_group_residents": call.min_group_residents,
            "districts": [d.code for d in call.districts.all()], "scale_max": call.scale_max,
            "criteria": [{"name_ky": c.name_ky, "name_ru": c.name_ru, "name_en": c.name_en,
                          "weight": str(c.weight)} for c in call.criteria.all()],
            "documents": [{"name_ky": d.name_ky, "name_ru": d.name_ru, "name_en": d.name_en,
                           "is_required": d.is_required} for d in call.documents.all()],
            "applications_submitted": call.submitted_count,
            # Decisions stay internal until they are published.
            "awarded_kgs": (call.awarded_sum or 0) if decided else 0,
            "is_sample": call.is_sample,
        })
    return records


@router.get("/calls", response=list[CallOut], summary="Published grant calls")
def calls(request):
    return call_records()


@router.get("/awards", response=list[AwardOut],
            summary="Grant awards with tranches and accepted reports")
def awards(request):
    queryset = Award.objects.select_related(
        "application__call", "application__profile", "application__district"
    ).prefetch_related(
        Prefetch("tranches", queryset=Tranche.objects.order_by("number")),
        Prefetch("reports", queryset=Report.objects.filter(status=Report.Status.ACCEPTED)
                 .prefetch_related("photos", "spending")),
    )
    records = []
    for award in queryset:
        application = award.application
        tranches = list(award.tranches.all())
        records.append({
            "id": award.id, "call": application.call.code, "title": application.title,
            "organisation": application.profile.legal_name,
            "district": application.district.code if application.district else None,
            "amount_kgs": award.amount, "status": award.status,
            "agreement_number": award.agreement_number,
            "paid_kgs": sum(t.paid_amount or 0 for t in tranches),
            "tranches": [{"number": t.number, "planned_on": t.planned_on,
                          "planned_kgs": t.planned_amount, "status": t.status,
                          "paid_on": t.paid_on, "paid_kgs": t.paid_amount} for t in tranches],
            "reports": [{"kind": r.kind, "submitted_at": r.submitted_at,
                         "accepted_at": r.reviewed_at,
                         "spent_kgs": sum(s.spent for s in r.spending.all()),
                         "photos": [request.build_absolute_uri(p.image.url)
                                    for p in r.photos.all()]}
                        for r in award.reports.all()],
            "is_sample": award.is_sample,
        })
    return records
