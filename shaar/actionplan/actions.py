"""Every write of the action plan: keyword-only, transactional, validated, audited.

Views and the admin's custom actions call these; they never render and never trust that
the caller checked permissions (each action checks the rule it depends on again).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from shaar.accounts.models import User
from shaar.accounts.selectors import user_by_contact
from shaar.lib.i18n import writing_language
from shaar.lib.safechange import Effect, require_confirmation

from . import tasks, uploads
from .models import (
    ActionPlan,
    Assessment,
    BoardMember,
    Commitment,
    Completion,
    Contribution,
    Decision,
    Evidence,
    Meeting,
    MeetingDocument,
    Milestone,
    PlanDocument,
    PlanMonitor,
    PlanStatusChange,
    ProgressUpdate,
    city_today,
)

MAX_EVIDENCE = 10
MAX_TEXT = 5000


def _touch(plan_id: int, when: datetime.datetime | None = None) -> None:
    """The plan (and so the section) was updated now."""
    ActionPlan.objects.filter(id=plan_id).update(last_updated=when or timezone.now())


def _locked_plan(plan: ActionPlan) -> ActionPlan:
    # Adoption and new contributions both lock the plan row, so no contribution can slip
    # in between the adoption guard's check and the status change.
    return ActionPlan.objects.select_for_update().get(id=plan.id)


# --- Plans -----------------------------------------------------------------------------------


@transaction.atomic
def plan_transition(*, plan: ActionPlan, to_status: str, by: User | None,
                    note: str = "", confirmed: bool = False) -> ActionPlan:
    """Move the plan to TO_STATUS if the state machine allows it.

    A plan cannot be adopted while any contribution lacks the city's reasoned response, nor
    before its consultation's end date. A move backward (consultation to drafting) needs
    CONFIRMED and a NOTE giving the reason: it closes the consultation residents took part in.
    """
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    locked = _locked_plan(plan)
    if to_status not in locked.allowed_transitions():
        raise ValidationError(
            _("A plan that is “%(current)s” cannot move to “%(target)s”."),
            params={"current": locked.get_status_display(),
                    "target": ActionPlan.Status(to_status).label
                    if to_status in ActionPlan.Status.values else to_status})
    if locked.is_backward(to_status):
        note = require_confirmation(
            message=_("Moving the plan back to “%(target)s” closes its public consultation.")
            % {"target": ActionPlan.Status(to_status).label},
            effects=[Effect(_("contributions from residents"), locked.contributions.count()),
                     Effect(_("commitments"), locked.commitments.count())],
            reason=note, confirmed=confirmed)
    if to_status == ActionPlan.Status.ADOPTED:
        if locked.consultation_ends and city_today() <= locked.consultation_ends:
            raise ValidationError(
                _("The plan cannot be adopted before its public consultation closes "
                  "(%(date)s)."), params={"date": date_format(locked.consultation_ends)})
        unanswered = locked.contributions.unanswered().count()
        if unanswered:
            raise ValidationError(ngettext(
                "The plan cannot be adopted: %(count)d contribution still has no response "
                "from the city.",
                "The plan cannot be adopted: %(count)d contributions still have no response "
                "from the city.", unanswered), params={"count": unanswered})
        if not locked.commitments.exists():
            raise ValidationError(_("The plan cannot be adopted without commitments."))
        locked.adopted_on = city_today()
    now = timezone.now()
    PlanStatusChange.objects.create(plan=locked, from_status=locked.status, to_status=to_status,
                                    note=note[:MAX_TEXT], changed_by=by, changed_at=now)
    locked.status = to_status
    locked.last_updated = now
    locked.full_clean()
    locked.save(update_fields=["status", "adopted_on", "last_updated"])
    return locked


# --- Co-creation -----------------------------------------------------------------------------


def _clean_text(text: str, *, field: str, minimum: int = 10) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise ValidationError({field: _("Please write at least %(n)d characters.")
                               % {"n": minimum}})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Please keep it under %(n)d characters.")
                               % {"n": MAX_TEXT}})
    return text


@transaction.atomic
def contribution_submit(*, plan: ActionPlan, author: User, text: str, title: str = "",
                        commitment: Commitment | None = None,
                        organisation: str = "") -> Contribution:
    """A comment on a draft commitment (COMMITMENT given) or a new idea, during consultation."""
    if not author.is_authenticated:
        raise PermissionDenied
    locked = _locked_plan(plan)
    if not locked.is_open_for_contributions:
        raise ValidationError(_("This plan is not open for public consultation."))
    if locked.consultation_ends and city_today() > locked.consultation_ends:
        raise ValidationError(_("The public consultation ended on %(date)s.")
                              % {"date": locked.consultation_ends.strftime("%d.%m.%Y")})
    if commitment is not None and commitment.plan_id != locked.id:
        raise ValidationError(_("This commitment belongs to another plan."))
    if commitment is None and len((title or "").strip()) < 5:
        raise ValidationError({"title": _("Give your idea a short title.")})
    contribution = Contribution(
        plan=locked, commitment=commitment, author=author,
        author_name=str(author.public_name)[:100], organisation=organisation.strip()[:200],
        title=title.strip()[:200], text=_clean_text(text, field="text"),
        language=writing_language())
    contribution.full_clean()
    contribution.save()
    _touch(locked.id)
    return contribution


@transaction.atomic
def contribution_respond(*, contribution: Contribution, by: User, response: str,
                         reasons: str, merged_into: Commitment | None = None) -> Contribution:
    """The city's public, reasoned response to a contribution."""
    if not by.has_perm("actionplan.respond_contribution"):
        raise PermissionDenied
    locked = Contribution.objects.select_for_update().select_related("plan").get(
        id=contribution.id)
    if not locked.plan.commitments_are_drafts:
        raise ValidationError(_("The plan is adopted: responses can no longer be changed."))
    if response not in Contribution.Response.values:
        raise ValidationError({"response": _("Choose a response.")})
    if response == Contribution.Response.MERGED:
        if merged_into is None:
            raise ValidationError({"merged_into": _("Say which commitment it was merged into.")})
        if merged_into.plan_id != locked.plan_id:
            raise ValidationError({"merged_into": _("Choose a commitment of this plan.")})
    else:
        merged_into = None
    locked.response = response
    locked.response_text = _clean_text(reasons, field="response_text")
    locked.merged_into = merged_into
    locked.responded_by = by
    locked.responded_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["response", "response_text", "merged_into", "responded_by",
                               "responded_at"])
    _touch(locked.plan_id)
    return locked


@transaction.atomic
def contribution_hide(*, contribution: Contribution, by: User, reason: str) -> Contribution:
    """Hide a contribution that breaks the rules (insults, personal data, spam); the reason
    is published in its place, and it no longer holds up the plan's adoption."""
    if not by.has_perm("actionplan.moderate"):
        raise PermissionDenied
    locked = Contribution.objects.select_for_update().get(id=contribution.id)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason for hiding it; it is published.")})
    locked.hidden_reason = reason[:300]
    locked.hidden_by = by
    locked.hidden_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
    _touch(locked.plan_id)
    return locked


# --- Progress --------------------------------------------------------------------------------


@transaction.atomic
def progress_post(*, milestone: Milestone, by: User, text: str, status: str, completion: str,
                  links: Sequence[str] = (), files: Sequence[UploadedFile] = (),
                  language: str | None = None) -> ProgressUpdate:
    """Progress on a milestone with its evidence, by staff of the responsible agency."""
    # Not by.has_perm: a superuser would pass it, and only the agency reports (rules.py).
    if not rules.has_perm("actionplan.post_progress", by, milestone):
        raise PermissionDenied
    locked = Milestone.objects.select_for_update().select_related("commitment__plan").get(
        id=milestone.id)
    plan = locked.commitment.plan
    if plan.status not in (ActionPlan.Status.ADOPTED, ActionPlan.Status.IMPLEMENTATION):
        raise ValidationError(_("Progress can be reported once the plan is adopted and until "
                                "it is closed."))
    if status not in Milestone.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if completion not in Completion.values:
        raise ValidationError({"completion": _("Choose a completion level.")})
    if len(links) + len(files) > MAX_EVIDENCE:
        raise ValidationError(_("Attach at most %(n)d pieces of evidence.") % {"n": MAX_EVIDENCE})
    validate_url = URLValidator(schemes=["http", "https"])
    clean_links = []
    for link in links:
        link = link.strip()
        if not link:
            continue
        try:
            validate_url(link)
        except ValidationError as exc:
            raise ValidationError({"links": _("%(link)s is not a web address.")
                                   % {"link": link[:100]}}) from exc
        clean_links.append(link[:500])
    # Check every file before writing anything, so a bad one leaves no half-written update.
    clean_files: list[tuple[str, File]] = []
    for upload in files:
        clean_files.append(uploads.clean(upload))

    lang = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    update = ProgressUpdate(milestone=locked, author=by, department_id=locked.responsible_id,
                            text=_clean_text(text, field="text"), language=lang, status=status,
                            completion=completion)
    update.full_clean()
    locked.status = status
    locked.completion = completion
    locked.full_clean()
    update.save()
    locked.save(update_fields=["status", "completion", "updated_at"])
    for link in clean_links:
        Evidence.objects.create(update=update, kind=Evidence.Kind.LINK, url=link)
    for kind, cleaned in clean_files:
        evidence = Evidence(update=update, kind=kind, caption=str(getattr(cleaned, "name", ""))
                            [:200])
        evidence.file.save(cleaned.name or "", cleaned, save=False)
        evidence.save()
    _touch(plan.id)
    return update


# --- Assessment ------------------------------------------------------------------------------

ASSESSMENT_FIELDS = ["verifiable", "verifiability_note", "relevant", "relevance_note",
                     "potential", "potential_note", "completion", "completion_note",
                     "opened_government", "opened_government_note", "assessor_name"]


@transaction.atomic
def assessment_save(*, commitment: Commitment, kind: str, by: User, data: dict) -> Assessment:
    """Save the city's self-assessment (city administrators) or the independent one (only
    the plan's monitor)."""
    if kind == Assessment.Kind.SELF:
        allowed = by.has_perm("actionplan.edit_self_assessment")
    elif kind == Assessment.Kind.INDEPENDENT:
        allowed = rules.has_perm("actionplan.edit_independent_assessment", by, commitment)
    else:
        raise ValidationError(_("Unknown kind of assessment."))
    if not allowed:
        raise PermissionDenied
    assessment = (Assessment.objects.select_for_update()
                  .filter(commitment=commitment, kind=kind).first()
                  or Assessment(commitment=commitment, kind=kind))
    for field in ASSESSMENT_FIELDS:
        if field in data:
            value = data[field]
            setattr(assessment, field, value.strip()[:MAX_TEXT] if isinstance(value, str)
                    else value)
    assessment.updated_by = by
    assessment.updated_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    _touch(commitment.plan_id)
    return assessment


@transaction.atomic
def plan_save(*, plan: ActionPlan, by: User) -> ActionPlan:
    """Create a plan (it starts in drafting) or change its texts and dates."""
    if not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    if plan.pk and plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError(_("This plan is closed: its commitments can no longer change."))
    plan.last_updated = timezone.now()
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def monitor_appoint_by_account(*, plan: ActionPlan, account: str, by: User,
                               organisation: str = "") -> PlanMonitor:
    """Appoint the independent monitor by the e-mail or mobile number of their account."""
    user = user_by_contact(account)
    if user is None:
        raise ValidationError({"account": _("No account has this e-mail or mobile number.")})
    return monitor_appoint(plan=plan, user=user, by=by, organisation=organisation)


@transaction.atomic
def monitor_appoint(*, plan: ActionPlan, user: User, by: User | None,
                    organisation: str = "") -> PlanMonitor:
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    if plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError(_("This plan is closed: its commitments can no longer change."))
    monitor, _created = PlanMonitor.objects.update_or_create(
        plan=plan, user=user, defaults={"organisation": organisation[:200], "active": True})
    return monitor


# --- Supervisory board -----------------------------------------------------------------------


def _board_dates(member: BoardMember) -> None:
    if member.term_start and member.term_end and member.term_end < member.term_start:
        raise ValidationError({"term_end": _("A term cannot end before it starts.")})


@transaction.atomic
def board_member_save(*, member: BoardMember, by: User | None,
                      account: str = "") -> BoardMember:
    """Seat a member of the supervisory board, or change their details or term. ACCOUNT
    (an e-mail or mobile number) links their Shaar account; empty leaves it as it is."""
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    if account.strip():
        user = user_by_contact(account.strip())
        if user is None:
            raise ValidationError({"account": _("No account has this e-mail or mobile "
                                                "number.")})
        member.user = user
    member.name = member.name.strip()
    _board_dates(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def board_member_end_term(*, member: BoardMember, by: User | None,
                          on: datetime.date | None = None) -> BoardMember:
    """End a member's term on ON (default: today, their last day). The member stays on
    record with their attendance; ending the term is how a member leaves the board."""
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    locked = BoardMember.objects.select_for_update().get(pk=member.pk)
    on = on or city_today()
    if locked.term_end is not None and locked.term_end < on:
        raise ValidationError({"on": _("This term already ended on %(date)s.")
                               % {"date": date_format(locked.term_end)}})
    if on < locked.term_start:
        raise ValidationError({"on": _("A term cannot end before it starts.")})
    locked.term_end = on
    locked.full_clean()
    locked.save(update_fields=["term_end"])
    return locked


@transaction.atomic
def board_member_remove(*, member: BoardMember, by: User | None) -> None:
    """Delete a member entered by mistake. A member with attendance on record is never
    deleted (the minutes refer to them): end their term instead."""
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    locked = BoardMember.objects.select_for_update().get(pk=member.pk)
    if locked.attendance.exists():
        raise ValidationError(_("This member is in the attendance of a meeting: end their "
                                "term instead of removing them."))
    locked.delete()


@transaction.atomic
def meeting_schedule(*, by: User | None, plan: ActionPlan | None, starts_at: datetime.datetime,
                     location: str, titles: dict[str, str],
                     agendas: dict[str, str]) -> Meeting:
    """Publish a meeting and its agenda, at least ACTIONPLAN_AGENDA_NOTICE_DAYS ahead;
    board members are notified once the transaction commits."""
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    now = timezone.now()
    notice = settings.ACTIONPLAN_AGENDA_NOTICE_DAYS
    if starts_at < now + datetime.timedelta(days=notice):
        raise ValidationError({"starts_at": ngettext(
            "The agenda must be published at least %(n)d day before the meeting.",
            "The agenda must be published at least %(n)d days before the meeting.", notice)
            % {"n": notice}})
    meeting = Meeting(plan=plan, starts_at=starts_at, location=location.strip(),
                      agenda_published_at=now,
                      **{f"title_{code}": titles.get(code, "").strip() for code in ("ky", "ru",
                                                                                   "en")},
                      **{f"agenda_{code}": agendas.get(code, "").strip() for code in ("ky",
                                                                                     "ru",
                                                                                     "en")})
    meeting.full_clean()
    meeting.save()
    if plan is not None:
        _touch(plan.id)
    meeting_id = meeting.id
    transaction.on_commit(lambda: tasks.notify_board_meeting.delay(meeting_id))
    return meeting


def _titles(titles: dict[str, str]) -> dict[str, str]:
    return {f"title_{code}": titles.get(code, "").strip() for code in ("ky", "ru", "en")}


def _save_document(document: MeetingDocument | PlanDocument,
                   upload: UploadedFile | None) -> None:
    """Validate and save a document, its uploaded file cleaned first (uploads.clean)."""
    if upload is not None:
        _kind, cleaned = uploads.clean(upload)
        document.file.save(cleaned.name or "", cleaned, save=False)
    document.full_clean()
    document.save()


@transaction.atomic
def meeting_document_share(*, by: User | None, meeting: Meeting, titles: dict[str, str],
                           upload: UploadedFile | None = None,
                           url: str = "") -> MeetingDocument:
    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    document = MeetingDocument(meeting=meeting, url=url.strip(), **_titles(titles))
    _save_document(document, upload)
    if meeting.plan_id:
        _touch(meeting.plan_id)
    document_id = document.id
    transaction.on_commit(lambda: tasks.notify_board_document.delay(document_id))
    return document


@transaction.atomic
def meeting_record(*, by: User | None, meeting: Meeting, minutes: dict[str, str],
                   present_member_ids: Sequence[int]) -> Meeting:
    """After the meeting: minutes in each language and who attended."""
    from .models import Attendance

    if by is not None and not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    locked = Meeting.objects.select_for_update().get(id=meeting.id)
    if locked.starts_at > timezone.now():
        raise ValidationError(_("Minutes can be recorded once the meeting has started."))
    for code in ("ky", "ru", "en"):
        setattr(locked, f"minutes_{code}", minutes.get(code, "").strip())
    if not any(minutes.get(code, "").strip() for code in ("ky", "ru", "en")):
        raise ValidationError({"minutes_ky": _("Write the minutes in at least one language.")})
    locked.status = Meeting.Status.HELD
    locked.minutes_published_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["minutes_ky", "minutes_ru", "minutes_en", "status",
                               "minutes_published_at"])
    present = set(present_member_ids)
    for member in BoardMember.objects.serving(timezone.localtime(locked.starts_at).date()):
        Attendance.objects.update_or_create(meeting=locked, member=member,
                                            defaults={"present": member.id in present})
    if locked.plan_id:
        _touch(locked.plan_id)
    return locked


# --- Content of the plan (city administrators) ------------------------------------------------


@transaction.atomic
def commitment_save(*, commitment: Commitment, by: User) -> Commitment:
    """Create or change a commitment (the caller filled it from a validated form).

    A closed plan's commitments are a public record and are not edited any more.
    """
    if not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    plan = _locked_plan(commitment.plan)
    if plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError(_("This plan is closed: its commitments can no longer change."))
    if plan.start_date and commitment.start_date and commitment.end_date and (
            commitment.start_date < plan.start_date or commitment.end_date > plan.end_date):
        raise ValidationError({"end_date": _("A commitment must fit within the plan's "
                                             "period.")})
    commitment.full_clean()
    commitment.save()
    _touch(plan.id)
    return commitment


@transaction.atomic
def milestone_save(*, milestone: Milestone, by: User) -> Milestone:
    """Create or change a milestone's plan (deliverable, dates, responsible agency). Its
    status and completion only change through progress updates."""
    if not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    commitment = milestone.commitment
    if commitment.plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError(_("This plan is closed: its commitments can no longer change."))
    if milestone.start_date and milestone.end_date and (
            milestone.start_date < commitment.start_date
            or milestone.end_date > commitment.end_date):
        raise ValidationError({"end_date": _("A milestone must fit within its commitment's "
                                             "dates.")})
    milestone.full_clean()
    milestone.save()
    _touch(commitment.plan_id)
    return milestone


@transaction.atomic
def plan_document_add(*, by: User, plan: ActionPlan, titles: dict[str, str],
                      upload: UploadedFile | None = None, url: str = "") -> PlanDocument:
    """Publish a document of the plan (the adopted text, a consultation report, …)."""
    if not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    document = PlanDocument(plan=plan, url=url.strip(), **_titles(titles))
    _save_document(document, upload)
    _touch(plan.id)
    return document


@transaction.atomic
def decision_add(*, by: User, meeting: Meeting, texts: dict[str, str],
                 commitments: Sequence[Commitment]) -> Decision:
    """Record a decision of the board, linked to the commitments it concerns."""
    if not by.has_perm("actionplan.manage"):
        raise PermissionDenied
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Decisions can be recorded once the meeting has started."))
    if meeting.plan_id and any(c.plan_id != meeting.plan_id for c in commitments):
        raise ValidationError({"commitments": _("Choose commitments of the meeting's plan.")})
    decision = Decision(meeting=meeting, **{f"text_{code}": texts.get(code, "").strip()
                                            for code in ("ky", "ru", "en")})
    decision.full_clean()
    decision.save()
    decision.commitments.set(commitments)
    if meeting.plan_id:
        _touch(meeting.plan_id)
    return decision
