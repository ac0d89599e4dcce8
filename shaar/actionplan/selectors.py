"""Reads shared by the pages, the exports and the API, with their joins written in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from shaar.city.models import City
from shaar.lib.i18n import localized

from .models import (
    COMPLETION_PERCENT,
    ActionPlan,
    Assessment,
    BoardMember,
    Commitment,
    CommitmentQuerySet,
    Contribution,
    Milestone,
    ProgressUpdate,
    city_today,
)


def months_before(when: datetime.datetime, months: int) -> datetime.datetime:
    """The same moment MONTHS calendar months earlier (day clamped to the month's end)."""
    month_index = when.month - 1 - months
    year = when.year + month_index // 12
    month = month_index % 12 + 1
    for day in (when.day, 30, 29, 28):
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(when)


@dataclass
class SectionStatus:
    last_updated: datetime.datetime | None
    is_stale: bool


def section_status(now: datetime.datetime | None = None) -> SectionStatus:
    """When the OGP section was last updated, and whether that is over
    ACTIONPLAN_STALE_MONTHS (four) months ago."""
    now = now or timezone.now()
    last = ActionPlan.objects.aggregate(last=Max("last_updated"))["last"]
    threshold = months_before(now, settings.ACTIONPLAN_STALE_MONTHS)
    return SectionStatus(last_updated=last, is_stale=last is None or last < threshold)


def current_plan() -> ActionPlan | None:
    """The plan people should see first: the newest one that is not closed, else the newest."""
    plans = ActionPlan.objects.newest_first()
    return plans.exclude(status=ActionPlan.Status.CLOSED).first() or plans.first()


def commitments_for_plan(plan: ActionPlan) -> CommitmentQuerySet:
    return (plan.commitments.select_related("lead_agency", "plan")
            .prefetch_related(Prefetch("milestones",
                                       queryset=Milestone.objects.select_related("responsible")))
            .order_by("order", "code"))


def commitment_percent(commitment: Commitment) -> int:
    """Average completion of the commitment's milestones (withdrawn ones left out)."""
    milestones = [m for m in commitment.milestones.all()
                  if m.status != Milestone.Status.WITHDRAWN]
    if not milestones:
        return 0
    return round(sum(COMPLETION_PERCENT[m.completion] for m in milestones) / len(milestones))


@dataclass
class CommitmentRow:
    commitment: Commitment
    percent: int
    milestones: int
    completed: int
    overdue: int


@dataclass
class Dashboard:
    plan: ActionPlan | None
    rows: list[CommitmentRow] = field(default_factory=list)
    overdue: list[Milestone] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)
    percent: int = 0


def dashboard(*, plan: ActionPlan | None, value: str = "", agency_id: int | None = None,
              today: datetime.date | None = None) -> Dashboard:
    """Progress of a plan: completion by commitment, overdue milestones, latest updates."""
    if plan is None:
        return Dashboard(plan=None)
    today = today or city_today()
    commitments = list(commitments_for_plan(plan).with_value(value).for_agency(agency_id))
    rows = []
    overdue: list[Milestone] = []
    for commitment in commitments:
        milestones = list(commitment.milestones.all())
        late = [m for m in milestones if m.is_overdue(today)]
        overdue.extend(late)
        rows.append(CommitmentRow(
            commitment=commitment, percent=commitment_percent(commitment),
            milestones=len(milestones),
            completed=sum(m.status == Milestone.Status.COMPLETED for m in milestones),
            overdue=len(late)))
    overdue.sort(key=lambda m: m.end_date)
    updates = list(ProgressUpdate.objects
                   .filter(milestone__commitment__in=[c.id for c in commitments])
                   .select_related("milestone__commitment", "department")
                   .prefetch_related("evidence")[:10])
    percent = round(sum(r.percent for r in rows) / len(rows)) if rows else 0
    return Dashboard(plan=plan, rows=rows, overdue=overdue, updates=updates, percent=percent)


@dataclass
class BoardBalance:
    government: int
    non_government: int

    @property
    def total(self) -> int:
        return self.government + self.non_government

    @property
    def non_government_share(self) -> int:
        return round(100 * self.non_government / self.total) if self.total else 0

    @property
    def is_balanced(self) -> bool:
        """OGP asks for a forum where non-government members hold at least half the seats."""
        return self.total > 0 and self.non_government >= self.government


def board_balance(today: datetime.date | None = None) -> BoardBalance:
    serving = BoardMember.objects.serving(today)
    return BoardBalance(
        government=serving.filter(sector=BoardMember.Sector.GOVERNMENT).count(),
        non_government=serving.filter(sector=BoardMember.Sector.NON_GOVERNMENT).count())


@dataclass
class HistoryEntry:
    when: datetime.datetime
    kind: str
    text: str
    url: str = ""
    is_sample: bool = False


def _day(value: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def commitment_history(commitment: Commitment) -> list[HistoryEntry]:
    """Everything that happened to a commitment, newest first: status changes of its plan,
    contributions and the city's responses, progress, assessments and board decisions."""
    from django.utils.translation import gettext as _

    entries = [HistoryEntry(commitment.created_at, "created", _("Commitment drafted"),
                            is_sample=commitment.is_sample)]
    for change in commitment.plan.status_changes.all():
        entries.append(HistoryEntry(change.changed_at, "plan", _("Plan moved to “%(s)s”")
                                    % {"s": change.get_to_status_display()}))
    contributions = Contribution.objects.filter(Q(commitment=commitment)
                                                | Q(merged_into=commitment))
    for contribution in contributions:
        entries.append(HistoryEntry(contribution.created_at, "contribution",
                                    _("Contribution by %(name)s") % {
                                        "name": contribution.author_name},
                                    is_sample=contribution.is_sample))
        if contribution.responded_at:
            entries.append(HistoryEntry(contribution.responded_at, "response",
                                        _("City responded: %(r)s") % {
                                            "r": contribution.get_response_display()},
                                        is_sample=contribution.is_sample))
    for update in (ProgressUpdate.objects.filter(milestone__commitment=commitment)
                   .select_related("milestone")):
        entries.append(HistoryEntry(update.created_at, "progress", _(
            "Progress: %(deliverable)s — %(completion)s") % {
            "deliverable": localized(update.milestone, "deliverable")[:80],
            "completion": update.get_completion_display()}, is_sample=update.is_sample))
    for assessment in Assessment.objects.filter(commitment=commitment):
        entries.append(HistoryEntry(assessment.updated_at, "assessment", _("%(kind)s updated")
                                    % {"kind": assessment.get_kind_display()},
                                    is_sample=assessment.is_sample))
    for decision in commitment.decisions.select_related("meeting"):
        entries.append(HistoryEntry(decision.meeting.starts_at, "decision",
                                    _("Board decision: %(text)s") % {
                                        "text": localized(decision, "text")[:120]},
                                    is_sample=decision.is_sample))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def plan_heading(plan: ActionPlan) -> dict[str, Any]:
    """A plan's own fields as JSON-ready data, every language included (the API's list and
    the whole plan's export)."""
    return {
        "code": plan.code,
        "title": {c: getattr(plan, f"title_{c}") for c in ("ky", "ru", "en")},
        "summary": {c: getattr(plan, f"summary_{c}") for c in ("ky", "ru", "en")},
        "status": plan.status,
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
        "last_updated": plan.last_updated.isoformat(),
        "is_sample": plan.is_sample,
    }


def export_plan(plan: ActionPlan) -> dict:
    """The whole plan as JSON-ready data, every language included (API and JSON export)."""
    commitments = commitments_for_plan(plan).prefetch_related("assessments")
    return {
        **plan_heading(plan),
        "commitments": [export_commitment(c) for c in commitments],
        # The co-creation record: every contribution and the city's reasoned response.
        # Public names only; hidden ones keep just the moderator's reason.
        "contributions": [{
            "commitment": c.commitment.code if c.commitment else None,
            "kind": "idea" if c.is_idea else "comment",
            "author": c.author_name, "organisation": c.organisation,
            "title": "" if c.hidden_at else c.title, "text": "" if c.hidden_at else c.text,
            "hidden_reason": c.hidden_reason or None,
            "submitted_at": c.created_at.isoformat(),
            "response": c.response or None, "response_text": c.response_text,
            "merged_into": c.merged_into.code if c.merged_into else None,
            "responded_at": c.responded_at.isoformat() if c.responded_at else None,
            "is_sample": c.is_sample,
        } for c in plan.contributions.select_related("commitment", "merged_into")],
    }


def export_commitment(commitment: Commitment, *, today: datetime.date | None = None) -> dict:
    today = today or city_today()
    data = {
        "id": commitment.code,
        "plan": commitment.plan.code,
        "lead_agency": {"code": commitment.lead_agency.code,
                        "name": {c: getattr(commitment.lead_agency, f"name_{c}")
                                 for c in ("ky", "ru", "en")}},
        "ogp_values": [str(v.value) for v in commitment.ogp_values],
        "contact_name": commitment.contact_name,
        "contact_email": commitment.contact_email,
        "contact_phone": commitment.contact_phone,
        "budget": str(commitment.budget) if commitment.budget is not None else None,
        "budget_currency": City.current().currency,
        "start_date": commitment.start_date.isoformat(),
        "end_date": commitment.end_date.isoformat(),
        "sdgs": commitment.sdg_list,
        "completion_percent": commitment_percent(commitment),
        "is_sample": commitment.is_sample,
        "milestones": [{
            "deliverable": {c: getattr(m, f"deliverable_{c}") for c in ("ky", "ru", "en")},
            "start_date": m.start_date.isoformat(), "end_date": m.end_date.isoformat(),
            "responsible": m.responsible.code, "responsible_note": m.responsible_note,
            "status": m.status, "completion": m.completion,
            "overdue": m.is_overdue(today), "is_sample": m.is_sample,
        } for m in commitment.milestones.all()],
        "assessments": {a.kind: {
            "verifiable": a.verifiable, "verifiability_note": a.verifiability_note,
            "relevant": a.relevant, "relevance_note": a.relevance_note,
            "potential": a.potential or None, "potential_note": a.potential_note,
            "completion": a.completion or None, "completion_note": a.completion_note,
            "opened_government": a.opened_government or None,
            "opened_government_note": a.opened_government_note,
            "assessor_name": a.assessor_name, "updated_at": a.updated_at.isoformat(),
        } for a in commitment.assessments.all()},
    }
    for name in Commitment.TEXT_FIELDS:
        data[name] = {c: getattr(commitment, f"{name}_{c}") for c in ("ky", "ru", "en")}
    return data
