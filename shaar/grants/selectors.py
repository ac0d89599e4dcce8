"""Reads shared by pages, the API and actions: eligibility, conflicts, scores and ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shaar.accounts.models import Verification

from .models import (
    Application,
    Call,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    Evaluation,
    Membership,
    Score,
)

TWO_PLACES = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- applicants ----------------------------------------------------------------------------

def profiles_for_user(user) -> QuerySet:
    from .models import ApplicantProfile

    if not user.is_authenticated:
        return ApplicantProfile.objects.none()
    return ApplicantProfile.objects.filter(
        memberships__user=user, memberships__is_representative=True
    ).select_related("organisation")


def is_member(user, profile_id: int) -> bool:
    """Membership of any kind, or a staff role scoped to the organisation."""
    if not user.is_authenticated:
        return False
    if Membership.objects.filter(user=user, profile_id=profile_id).exists():
        return True
    return user.roles.filter(organisation__grant_profile__id=profile_id).exists()


def eligibility_reasons(application: Application, *, submitter=None) -> list[str]:
    """Why this application cannot be submitted; empty when it is eligible.

    The deadline is checked separately, by the submit action, against the server clock.
    """
    call = application.call
    profile = application.profile
    reasons: list[str] = []
    if profile.is_registered:
        if not call.allow_ngos:
            reasons.append(_("This call is not open to registered NGOs."))
    elif not call.allow_community_groups:
        reasons.append(_("This call is only open to registered organisations: add the "
                         "registration number to the organisation profile."))
    elif profile.resident_members < call.min_group_residents:
        reasons.append(_("An informal group needs at least %(min)d members living in the "
                         "city; the profile lists %(count)d.")
                       % {"min": call.min_group_residents, "count": profile.resident_members})
    for name, label in (("title", _("project title")), ("summary", _("summary")),
                        ("problem", _("problem addressed")), ("activities", _("activities")),
                        ("timeline", _("timeline"))):
        if not (getattr(application, name) or "").strip():
            reasons.append(_("Fill in: %(field)s.") % {"field": label})
    if application.beneficiaries <= 0:
        reasons.append(_("Say how many people are expected to benefit."))
    district_ids = [d.id for d in call.districts.all()]
    if application.district_id is None:
        reasons.append(_("Choose the district where the project takes place."))
    elif district_ids and application.district_id not in district_ids:
        reasons.append(_("This call is only open to projects in: %(districts)s.")
                       % {"districts": ", ".join(str(d) for d in call.districts.all())})
    requested = application.requested_amount
    if requested <= 0:
        reasons.append(_("Add budget lines with the amount requested from the grant."))
    elif requested > call.max_per_grant:
        reasons.append(_("The request of %(requested)s som is above the maximum of %(max)s "
                         "som per grant.")
                       % {"requested": requested, "max": call.max_per_grant})
    total = application.total_cost
    if total > 0 and call.cofunding_min_percent > 0:
        share = Decimal(application.cofunding_amount) * 100 / Decimal(total)
        if share < call.cofunding_min_percent:
            reasons.append(_("Co-funding is %(share)s%% of the project cost; the call asks for "
                             "at least %(min)s%%.")
                           % {"share": q2(share), "min": q2(call.cofunding_min_percent)})
    attached = {a.document_id for a in application.attachments.all()}
    for document in call.documents.all():
        if document.is_required and document.id not in attached:
            reasons.append(_("Attach the required document: %(name)s.")
                           % {"name": document.name})
    if submitter is not None:
        if not Membership.objects.filter(user=submitter, profile=profile,
                                         is_representative=True).exists():
            reasons.append(_("Only a representative of the organisation can submit."))
        if not Verification.objects.filter(user=submitter).exists():
            reasons.append(_("Verify your account (residency verification) before "
                             "submitting."))
    return reasons


# --- evaluation ----------------------------------------------------------------------------

def committee_seat(user, call: Call) -> CommitteeMember | None:
    if not user.is_authenticated:
        return None
    return CommitteeMember.objects.filter(call=call, user=user).first()


def conflict_reason(user, application: Application) -> str | None:
    """Why this evaluator may not see the application, or None."""
    if is_member(user, application.profile_id):
        return _("You are a member of the applicant organisation.")
    if ConflictDeclaration.objects.filter(application=application, evaluator=user,
                                          has_conflict=True).exists():
        return _("You declared a conflict of interest.")
    return None


def weighted_score(values: dict[int, int], criteria: list[Criterion]) -> Decimal | None:
    """Weighted mean of one evaluator's scores: sum(weight × score) / sum(weights).

    VALUES maps criterion id → score; None unless every criterion is scored.
    """
    if not criteria or any(c.id not in values for c in criteria):
        return None
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    return sum((c.weight * values[c.id] for c in criteria), Decimal(0)) / total_weight


def evaluation_score(evaluation: Evaluation, criteria: list[Criterion]) -> Decimal | None:
    return weighted_score({s.criterion_id: s.value for s in evaluation.scores.all()}, criteria)


@dataclass
class ResultRow:
    application: Application
    evaluator_scores: list[Decimal] = field(default_factory=list)
    score: Decimal | None = None
    spread: Decimal | None = None
    flagged: bool = False
    rank: int = 0
    recommended: bool = False
    running_total: int = 0
    decision: Decision | None = None


def call_results(call: Call) -> list[ResultRow]:
    """Ranked applications with the mean weighted score over submitted evaluations.

    Ties break by earlier submission. Walking down the ranking, an application is
    recommended when its request still fits in what is left of the envelope (applications
    that do not fit are skipped, and the next ones are tried); `running_total` is the sum
    of recommended requests so far.
    """
    criteria = list(call.criteria.all())
    applications = (
        Application.objects.filter(call=call)
        .filter(Q(status__in=[Application.Status.SUBMITTED, Application.Status.AWARDED,
                              Application.Status.NOT_AWARDED]))
        .select_related("profile__organisation", "district", "decision", "award")
    )
    # Plain tuples, not model instances: a call with hundreds of applications has
    # thousands of scores, and building a model object for each dominated the page time.
    values: dict[int, dict[int, dict[int, int]]] = {}
    for application_id, evaluation_id, criterion_id, value in Score.objects.filter(
            evaluation__application__call=call,
            evaluation__submitted_at__isnull=False).values_list(
            "evaluation__application_id", "evaluation_id", "criterion_id", "value"):
        values.setdefault(application_id, {}).setdefault(evaluation_id, {})[criterion_id] = value
    rows = []
    for application in applications:
        row = ResultRow(application=application,
                        decision=getattr(application, "decision", None))
        for evaluation_id in sorted(values.get(application.id, {})):
            score = weighted_score(values[application.id][evaluation_id], criteria)
            if score is not None:
                row.evaluator_scores.append(score)
        if row.evaluator_scores:
            mean = sum(row.evaluator_scores, Decimal(0)) / len(row.evaluator_scores)
            row.score = q2(mean)
            row.spread = q2(max(row.evaluator_scores) - min(row.evaluator_scores))
            row.flagged = row.spread > call.spread_threshold
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.submitted_at,
                             r.application.id))
    running = 0
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
        if row.score is not None and running + row.application.requested_amount <= call.envelope:
            running += row.application.requested_amount
            row.recommended = True
        row.running_total = running
    return rows


def awarded_total(call: Call, *, exclude_application_id: int | None = None) -> int:
    decisions = Decision.objects.filter(application__call=call, awarded=True)
    if exclude_application_id:
        decisions = decisions.exclude(application_id=exclude_application_id)
    return sum(decisions.values_list("amount", flat=True))


def pending_for_evaluator(user, call: Call) -> list[Application]:
    """Applications the evaluator still has to declare on or score (conflicts excluded)."""
    pending = []
    applications = call.applications.filter(status__in=[
        Application.Status.SUBMITTED, Application.Status.AWARDED,
        Application.Status.NOT_AWARDED])
    for application in applications:
        if conflict_reason(user, application):
            continue
        if not Evaluation.objects.filter(application=application, evaluator=user,
                                         submitted_at__isnull=False).exists():
            pending.append(application)
    return pending
