"""Every write of the grants programme.

Each action is keyword-only and atomic, validates its rules and raises a translated
ValidationError. The server clock (`timezone.now()`) decides every deadline.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shaar.accounts.models import Role, Verification
from shaar.accounts.notifications import Message, notify
from shaar.accounts.phones import normalise_phone
from shaar.accounts.selectors import user_by_contact
from shaar.city.models import Organisation
from shaar.lib import uploadlimits
from shaar.lib.safechange import Effect, require_confirmation, save_confirmed
from shaar.lib.tabular import RowsRefused
from shaar.lib.uploads import check_document, clean_photo
from shaar.lib.urls import absolute_url

from . import selectors
from .models import (
    ApplicantProfile,
    Application,
    Attachment,
    Award,
    BudgetLine,
    Call,
    Clarification,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    Evaluation,
    Membership,
    Report,
    ReportPhoto,
    ReportSpending,
    RequiredDocument,
    Score,
    Tranche,
)

MAX_ATTACHMENTS = 15
MAX_BUDGET_LINES = 50
MAX_PHOTOS = 10


def _max_upload_bytes() -> int:
    return uploadlimits.max_bytes("grants")


def _representatives(profile: ApplicantProfile):
    return [m.user for m in profile.memberships.filter(is_representative=True)
            .select_related("user")]


def _require_representative(user, profile: ApplicantProfile) -> None:
    if not Membership.objects.filter(user=user, profile=profile,
                                     is_representative=True).exists():
        raise ValidationError(_("You do not act for this organisation."))


def _url(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


# --- applicant organisations ---------------------------------------------------------------

@transaction.atomic
def profile_create(*, user, name: str, legal_name: str, registration_number: str = "",
                   contact_email: str = "", contact_phone: str = "", address: str = "",
                   resident_members: int = 0) -> ApplicantProfile:
    """A new applicant organisation, with the creating (verified) user as representative."""
    if not Verification.objects.filter(user=user).exists():
        raise ValidationError(_("Verify your account before registering an organisation."))
    contact_phone = normalise_phone(contact_phone, field="contact_phone")
    registration_number = registration_number.strip()
    if registration_number and ApplicantProfile.objects.filter(
            registration_number__iexact=registration_number).exists():
        raise ValidationError(_("An organisation with this registration number is already "
                                "registered. Ask its representative to add you."))
    base = slugify(name, allow_unicode=False)[:40] or "org"
    code = base
    n = 1
    while Organisation.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    organisation = Organisation(
        code=code, name_ky=name, name_ru=name, name_en=name, email=contact_email,
        phone=contact_phone,
        kind=Organisation.Kind.NGO if registration_number else Organisation.Kind.COMMUNITY)
    organisation.full_clean()
    organisation.save()
    profile = ApplicantProfile(
        organisation=organisation, legal_name=legal_name, registration_number=registration_number,
        contact_email=contact_email, contact_phone=contact_phone, address=address,
        resident_members=resident_members)
    profile.full_clean()
    profile.save()
    Membership.objects.create(profile=profile, user=user, is_representative=True)
    return profile


@transaction.atomic
def profile_update(*, profile: ApplicantProfile, user, name: str | None = None,
                   **fields) -> ApplicantProfile:
    """Edit the profile; a changed short public NAME replaces the organisation's name in every
    language (as registering set it); an unchanged one keeps any translations."""
    _require_representative(user, profile)
    allowed = {"legal_name", "registration_number", "contact_email", "contact_phone",
               "address", "resident_members"}
    if "contact_phone" in fields:
        fields["contact_phone"] = normalise_phone(fields["contact_phone"], field="contact_phone")
    for field, value in fields.items():
        if field not in allowed:
            raise ValueError(field)
        setattr(profile, field, value)
    profile.full_clean()
    profile.save(update_fields=list(fields))
    organisation = profile.organisation
    organisation.kind = (Organisation.Kind.NGO if profile.is_registered
                         else Organisation.Kind.COMMUNITY)
    public_name = (name or "").strip()
    renamed = (["name_ky", "name_ru", "name_en"]
               if public_name and public_name != organisation.name else [])
    for field in renamed:
        setattr(organisation, field, public_name)
    organisation.save(update_fields=["kind", *renamed])
    return profile


@transaction.atomic
def member_add(*, profile: ApplicantProfile, user, account: str,
               is_representative: bool) -> Membership:
    """Add a member by mobile number or e-mail; representatives may act for it."""
    _require_representative(user, profile)
    person = user_by_contact(account)
    if person is None:
        raise ValidationError(_("No account has this mobile number or e-mail."))
    if is_representative and not Verification.objects.filter(user=person).exists():
        raise ValidationError(_("A representative must have a verified account."))
    membership, _created = Membership.objects.update_or_create(
        profile=profile, user=person, defaults={"is_representative": is_representative})
    return membership


# --- calls and clarifications --------------------------------------------------------------

@transaction.atomic
def clarification_ask(*, call: Call, user, question: str) -> Clarification:
    if call.status == Call.Status.DRAFT or call.is_closed():
        raise ValidationError(_("Questions can be asked while the call is published and open."))
    clarification = Clarification(call=call, asked_by=user, question=question.strip())
    clarification.full_clean()
    clarification.save()
    return clarification


@transaction.atomic
def clarification_answer(*, clarification: Clarification, user, answer: str) -> Clarification:
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write an answer."))
    clarification.answer = answer
    clarification.answered_by = user
    clarification.answered_at = timezone.now()
    clarification.full_clean()
    clarification.save(update_fields=["answer", "answered_by", "answered_at"])
    notify([clarification.asked_by], lambda: Message(
        subject=_("Your question about a grant call was answered"),
        body=_("The city answered your question about “%(call)s”: %(url)s")
        % {"call": clarification.call.title,
           "url": _url("grants:call-detail", clarification.call.code)}))
    return clarification


def _closed_message(call: Call) -> Message:
    return Message(
        subject=_("A grant call is closed: evaluation can start"),
        body=_("“%(call)s” closed. Declare conflicts of interest and score the "
               "applications: %(url)s")
        % {"call": call.title, "url": _url("grants:committee-call", call.code)})


def calls_close_due() -> int:
    """Mark calls past their deadline as notified, once, and tell committee and applicants.

    Closing itself needs no job: `closes_at` decides on every request. The filtered update
    claims each call, so a job that runs twice notifies once.
    """
    now = timezone.now()
    count = 0
    for call_id in Call.objects.filter(status=Call.Status.PUBLISHED, closes_at__lte=now,
                                       closed_notified_at__isnull=True).values_list("id",
                                                                                    flat=True):
        with transaction.atomic():
            claimed = Call.objects.filter(id=call_id, closed_notified_at__isnull=True).update(
                closed_notified_at=now)
            if not claimed:
                continue
            call = Call.objects.get(id=call_id)
            notify([seat.user for seat in call.committee.select_related("user")],
                   functools.partial(_closed_message, call))
            count += 1
    return count


# --- call set-up (the city's grants managers) ----------------------------------------------

# Fields that decide who may apply and how applications are judged: changing them once
# organisations have applications needs a reason and a confirmation.
CALL_RULE_FIELDS = ("envelope", "max_per_grant", "allow_ngos", "allow_community_groups",
                    "min_group_residents", "cofunding_min_percent", "scale_max",
                    "spread_threshold")


def _require_manager(user) -> None:
    if user is None or not user.has_perm("grants.manage"):
        raise PermissionDenied


def _call_effects(call: Call) -> list[Effect]:
    statuses = call.applications.values_list("status", flat=True)
    submitted = sum(1 for status in statuses if status != Application.Status.DRAFT)
    return [Effect(_("applications submitted"), submitted),
            Effect(_("applications being drafted"), len(statuses) - submitted)]


def _call_change_warning(old: Call, call: Call, now: datetime.datetime) -> str | None:
    """Why this change needs a confirmation, or None if it is safe."""
    if old.status != Call.Status.PUBLISHED:
        return None
    if old.closes_at <= now < call.closes_at:
        return _("This reopens a call whose deadline has passed.")
    has_applications = old.applications.exists()
    if has_applications and call.closes_at < old.closes_at:
        return _("This shortens the deadline of a call that already has applications.")
    if has_applications and any(getattr(old, f) != getattr(call, f) for f in CALL_RULE_FIELDS):
        return _("This changes the rules of a call that already has applications.")
    if old.opens_at <= now and call.opens_at > now:
        return _("This moves the opening of an open call back into the future.")
    return None


def _lock_undecided_call(call_id: int) -> Call:
    """The call, locked for the change being made to it; refused once its decisions are
    published (they are a public record)."""
    call = Call.objects.select_for_update().get(pk=call_id)
    if call.status == Call.Status.DECIDED:
        raise ValidationError(_("The decisions of this call are published: it can no "
                                "longer change."))
    return call


@transaction.atomic
def call_save(*, call: Call, by, districts=None, reason: str = "",
              confirmed: bool = False) -> Call:
    """Create a call (as a draft) or change its set-up.

    Shortening the deadline, reopening a closed call or changing the rules once there are
    applications needs CONFIRMED and a REASON (kept in the audit trail). Nothing changes
    once the decisions are published, and the scoring scale is fixed once scoring began.
    """
    _require_manager(by)
    now = timezone.now()
    warning = None
    if call.pk:
        old = _lock_undecided_call(call.pk)
        call.status = old.status
        if old.scale_max != call.scale_max and Evaluation.objects.filter(
                application__call=old).exists():
            raise ValidationError(_("The committee has started scoring: the scale can no "
                                    "longer change."))
        warning = _call_change_warning(old, call, now)
        if warning:
            reason = require_confirmation(message=warning, effects=_call_effects(old),
                                          reason=reason, confirmed=confirmed)
    else:
        call.status = Call.Status.DRAFT
    save_confirmed(call, reason if warning else None)
    if districts is not None:
        call.districts.set(districts)
    return call


@transaction.atomic
def call_publish(*, call: Call, by) -> Call:
    """Publish a draft call: it needs criteria and a committee with its chair."""
    _require_manager(by)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("Only a draft call can be published."))
    if not call.criteria.exists():
        raise ValidationError(_("Add the evaluation criteria before publishing the call."))
    if not call.committee.filter(role=CommitteeMember.Role.CHAIR).exists():
        raise ValidationError(_("Appoint the committee chair before publishing the call."))
    call.status = Call.Status.PUBLISHED
    call.save(update_fields=["status"])
    return call


def _require_scoring_not_started(call: Call) -> None:
    if Evaluation.objects.filter(application__call=call).exists():
        raise ValidationError(_("The committee has started scoring: the criteria can no "
                                "longer change."))


@transaction.atomic
def criterion_save(*, criterion: Criterion, by) -> Criterion:
    """Add or change an evaluation criterion of a call, until scoring starts."""
    _require_manager(by)
    call = _lock_undecided_call(criterion.call_id)
    _require_scoring_not_started(call)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by) -> None:
    _require_manager(by)
    call = Call.objects.select_for_update().get(pk=criterion.call_id)
    _require_scoring_not_started(call)
    criterion.delete()


@transaction.atomic
def committee_seat_add(*, call: Call, account: str, role: str, side: str,
                       by) -> CommitteeMember:
    """Seat a person (found by the e-mail or mobile number of their account)."""
    _require_manager(by)
    call = _lock_undecided_call(call.pk)
    user = user_by_contact(account)
    if user is None:
        raise ValidationError(_("No account has this mobile number or e-mail."))
    if call.committee.filter(user=user).exists():
        raise ValidationError(_("This person already sits on the committee."))
    if role == CommitteeMember.Role.CHAIR and call.committee.filter(
            role=CommitteeMember.Role.CHAIR).exists():
        raise ValidationError(_("The committee already has a chair."))
    seat = CommitteeMember(call=call, user=user, role=role, side=side)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def committee_seat_remove(*, seat: CommitteeMember, by) -> None:
    """Unseat a member who has not scored anything yet."""
    _require_manager(by)
    if Evaluation.objects.filter(application__call_id=seat.call_id,
                                 evaluator_id=seat.user_id).exists():
        raise ValidationError(_("This member has already scored applications and stays on "
                                "the committee."))
    seat.delete()


# --- applications --------------------------------------------------------------------------

def _require_open(call: Call, now: datetime.datetime) -> None:
    if call.status != Call.Status.PUBLISHED or now < call.opens_at:
        raise ValidationError(_("This call is not open yet."))
    if now >= call.closes_at:
        raise ValidationError(_("The deadline of this call has passed (%(deadline)s).")
                              % {"deadline": timezone.localtime(call.closes_at)
                                 .strftime("%d.%m.%Y %H:%M:%S")})


def _lock_application(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("call", "profile").get(
        id=application.id)


@transaction.atomic
def application_create(*, call: Call, profile: ApplicantProfile, user) -> Application:
    _require_representative(user, profile)
    _require_open(call, timezone.now())
    if Application.objects.filter(call=call, profile=profile).exclude(
            status=Application.Status.WITHDRAWN).exists():
        raise ValidationError(_("This organisation already has an application in this call."))
    application = Application(call=call, profile=profile, created_by=user,
                              title=_("Untitled project"))
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError(_("This organisation already has an application in this "
                                "call.")) from exc
    return application


@transaction.atomic
def application_update(*, application: Application, user, fields: dict,
                       budget_lines: list[dict] | None = None) -> Application:
    """Edit a draft; BUDGET_LINES (item, requested, cofunding) replace the table if given."""
    application = _lock_application(application)
    _require_representative(user, application.profile)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Only a draft can be edited."))
    _require_open(application.call, timezone.now())
    allowed = {"title", "summary", "problem", "activities", "timeline", "district",
               "beneficiaries", "beneficiaries_description"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(application, name, value)
    update = [*fields]
    if budget_lines is not None:
        lines = [line for line in budget_lines if (line.get("item") or "").strip()]
        if len(lines) > MAX_BUDGET_LINES:
            raise ValidationError(_("A budget has at most %(n)d lines.") % {"n": MAX_BUDGET_LINES})
        objs = []
        for order, line in enumerate(lines):
            obj = BudgetLine(application=application, item=line["item"].strip(),
                             requested=int(line.get("requested") or 0),
                             cofunding=int(line.get("cofunding") or 0), order=order)
            obj.full_clean(exclude=["application"])
            objs.append(obj)
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(objs)
        application.requested_amount = sum(o.requested for o in objs)
        application.cofunding_amount = sum(o.cofunding for o in objs)
        update += ["requested_amount", "cofunding_amount"]
    application.full_clean()
    application.save(update_fields=[*update, "updated_at"])
    return application


@transaction.atomic
def attachment_add(*, application: Application, user, upload,
                   document: RequiredDocument | None) -> Attachment:
    application = _lock_application(application)
    _require_representative(user, application.profile)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Attachments can only be added to a draft."))
    _require_open(application.call, timezone.now())
    if document is not None and document.call_id != application.call_id:
        raise ValidationError(_("This document does not belong to the call."))
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("An application has at most %(n)d attachments.")
                              % {"n": MAX_ATTACHMENTS})
    name = check_document(upload, max_bytes=_max_upload_bytes())
    attachment = Attachment(application=application, document=document,
                            original_name=name, size=upload.size)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user) -> None:
    application = _lock_application(attachment.application)
    _require_representative(user, application.profile)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Attachments can only be removed from a draft."))
    _require_open(application.call, timezone.now())
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def application_submit(*, application: Application, user) -> Application:
    """Submit before the deadline: the server's clock decides, to the second."""
    now = timezone.now()  # read first: time spent on the checks is not held against anyone
    application = _lock_application(application)
    _require_representative(user, application.profile)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    _require_open(application.call, now)
    reasons = selectors.eligibility_reasons(application, submitter=user)
    if reasons:
        raise ValidationError(reasons)
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    notify(_representatives(application.profile), lambda: Message(
        subject=_("Grant application submitted"),
        body=_("“%(title)s” was submitted to “%(call)s” on %(when)s. You can follow its "
               "status at %(url)s")
        % {"title": application.title, "call": application.call.title,
           # To the second: the deadline is decided to the second.
           "when": timezone.localtime(now).strftime("%d.%m.%Y %H:%M:%S"),
           "url": _url("grants:application", application.id)}))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user) -> Application:
    now = timezone.now()
    application = _lock_application(application)
    _require_representative(user, application.profile)
    if application.status not in {Application.Status.DRAFT, Application.Status.SUBMITTED}:
        raise ValidationError(_("This application can no longer be withdrawn."))
    if now >= application.call.closes_at:
        raise ValidationError(_("Applications can only be withdrawn before the deadline."))
    application.status = Application.Status.WITHDRAWN
    application.withdrawn_at = now
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    notify(_representatives(application.profile), lambda: Message(
        subject=_("Grant application withdrawn"),
        body=_("“%(title)s” was withdrawn from “%(call)s”.")
        % {"title": application.title, "call": application.call.title}))
    return application


# --- evaluation ----------------------------------------------------------------------------

def _require_evaluation_phase(call: Call) -> None:
    if call.status != Call.Status.PUBLISHED or timezone.now() < call.closes_at:
        raise ValidationError(_("Evaluation starts when the call closes."))


def _require_seat(user, call: Call, *, chair: bool = False) -> CommitteeMember:
    seat = selectors.committee_seat(user, call)
    if seat is None or (chair and seat.role != CommitteeMember.Role.CHAIR):
        raise ValidationError(_("Only the committee chair can do this.") if chair
                              else _("You are not on this call's committee."))
    return seat


@transaction.atomic
def conflict_declare(*, application: Application, user, has_conflict: bool,
                     note: str = "") -> ConflictDeclaration:
    """Declared once per application, before the evaluator may see it; it cannot be undone."""
    _require_seat(user, application.call)
    _require_evaluation_phase(application.call)
    if not application.is_in_competition:
        raise ValidationError(_("This application is not under evaluation."))
    if ConflictDeclaration.objects.filter(application=application, evaluator=user).exists():
        raise ValidationError(_("You have already made your declaration for this application."))
    declaration = ConflictDeclaration(application=application, evaluator=user,
                                      has_conflict=has_conflict, note=note.strip())
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def evaluation_save(*, application: Application, user, scores: dict[int, tuple[int | None, str]],
                    comment: str = "", submit: bool = False) -> Evaluation:
    """Save (and optionally submit) one evaluator's scores; submitted scores are final.

    SCORES maps criterion id → (value, comment). Submitting needs every criterion scored
    with a comment.
    """
    call = application.call
    _require_seat(user, call)
    _require_evaluation_phase(call)
    reason = selectors.conflict_reason(user, application)
    if reason:
        raise ValidationError(reason)
    if not ConflictDeclaration.objects.filter(application=application, evaluator=user,
                                              has_conflict=False).exists():
        raise ValidationError(_("Declare your conflicts of interest first."))
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("This application is not under evaluation."))
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
        application=application, evaluator=user)
    if evaluation.submitted_at:
        raise ValidationError(_("You have already submitted your scores."))
    criteria = {c.id: c for c in call.criteria.all()}
    errors = []
    for criterion_id, (value, note) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("Unknown criterion."))
        if value is None:
            continue
        if not 0 <= value <= call.scale_max:
            errors.append(_("%(criterion)s: the score must be between 0 and %(max)d.")
                          % {"criterion": criterion.name, "max": call.scale_max})
            continue
        Score.objects.update_or_create(evaluation=evaluation, criterion=criterion,
                                       defaults={"value": value, "comment": note.strip()})
    if errors:
        raise ValidationError(errors)
    evaluation.comment = comment.strip()
    if submit:
        saved = {s.criterion_id: s for s in evaluation.scores.all()}
        for criterion in criteria.values():
            score = saved.get(criterion.id)
            if score is None:
                errors.append(_("%(criterion)s: give a score.") % {"criterion": criterion.name})
            elif not score.comment:
                errors.append(_("%(criterion)s: explain your score in a comment.")
                              % {"criterion": criterion.name})
        if errors:
            raise ValidationError(errors)
        evaluation.submitted_at = timezone.now()
    evaluation.save(update_fields=["comment", "submitted_at"])
    return evaluation


@transaction.atomic
def decision_record(*, application: Application, user, awarded: bool, amount: int = 0,
                    reason: str = "", envelope_override: bool = False,
                    override_reason: str = "") -> Decision:
    """The chair's decision on one application (changeable until decisions are published).

    A decision that departs from the ranking's recommendation needs a reason. The sum of
    awarded amounts may exceed the envelope only with an explicit override and its reason.
    """
    # Lock the call: concurrent decisions must not both fit under the envelope.
    call = Call.objects.select_for_update().get(id=application.call_id)
    _require_seat(user, call, chair=True)
    _require_evaluation_phase(call)
    application = Application.objects.select_related("call").get(id=application.id)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("This application is not under evaluation."))
    rows = {row.application.id: row for row in selectors.call_results(call)}
    row = rows[application.id]
    reason = reason.strip()
    override_reason = override_reason.strip()
    if awarded:
        if row.score is None:
            raise ValidationError(_("An application needs at least one submitted evaluation "
                                    "before it can be awarded."))
        if amount <= 0:
            raise ValidationError(_("Enter the awarded amount."))
        if amount > application.requested_amount:
            raise ValidationError(_("The award cannot be more than the requested amount."))
        if amount > call.max_per_grant:
            raise ValidationError(_("The award cannot be more than the maximum per grant."))
    else:
        amount = 0
    follows = awarded == row.recommended
    if not follows and not reason:
        raise ValidationError(_("This decision departs from the ranking: give a reason."))
    total = selectors.awarded_total(call, exclude_application_id=application.id) + amount
    if awarded and total > call.envelope:
        if not envelope_override or not override_reason:
            raise ValidationError(
                _("Awarding %(amount)s som brings the total to %(total)s som, above the "
                  "envelope of %(envelope)s som. Record an explicit override with its reason "
                  "to go ahead.")
                % {"amount": amount, "total": total, "envelope": call.envelope})
    else:
        envelope_override, override_reason = False, ""
    decision, _created = Decision.objects.update_or_create(
        application=application,
        defaults={"awarded": awarded, "amount": amount, "rank": row.rank,
                  "follows_ranking": follows, "reason": reason,
                  "envelope_override": envelope_override, "override_reason": override_reason,
                  "decided_by": user, "decided_at": timezone.now()})
    decision.full_clean()
    return decision


@transaction.atomic
def call_publish_decisions(*, call: Call, user) -> list[Award]:
    """Publish every decision at once: statuses change, awards are created, people told."""
    call = Call.objects.select_for_update().get(id=call.id)
    _require_seat(user, call, chair=True)
    _require_evaluation_phase(call)
    submitted = list(call.applications.filter(status=Application.Status.SUBMITTED)
                     .select_related("profile"))
    undecided = [a for a in submitted if not Decision.objects.filter(application=a).exists()]
    if undecided:
        raise ValidationError(_("Record a decision for every application first (%(n)d left).")
                              % {"n": len(undecided)})
    total = selectors.awarded_total(call)
    if total > call.envelope and not Decision.objects.filter(
            application__call=call, envelope_override=True).exists():
        raise ValidationError(_("The awards exceed the envelope without a recorded override."))
    now = timezone.now()
    awards = []
    for application in submitted:
        decision = application.decision
        application.status = (Application.Status.AWARDED if decision.awarded
                              else Application.Status.NOT_AWARDED)
        application.save(update_fields=["status", "updated_at"])
        if decision.awarded:
            awards.append(Award.objects.create(application=application, amount=decision.amount,
                                               is_sample=application.is_sample))
        notify(_representatives(application.profile),
               functools.partial(_decision_message, application, call))
    call.status = Call.Status.DECIDED
    call.decided_at = now
    call.save(update_fields=["status", "decided_at"])
    return awards


# --- awards, tranches, reports -------------------------------------------------------------

def _lock_award(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("application__profile").get(
        id=award.id)


@transaction.atomic
def award_update_agreement(*, award: Award, user, agreement_number: str,
                           agreement_signed_on: datetime.date | None,
                           project_start: datetime.date | None,
                           project_end: datetime.date | None) -> Award:
    award = _lock_award(award)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError(_("This grant is closed."))
    if project_start and project_end and project_end < project_start:
        raise ValidationError(_("The project cannot end before it starts."))
    award.agreement_number = agreement_number.strip()
    award.agreement_signed_on = agreement_signed_on
    award.project_start = project_start
    award.project_end = project_end
    award.full_clean()
    award.save(update_fields=["agreement_number", "agreement_signed_on", "project_start",
                              "project_end"])
    return award


@transaction.atomic
def tranche_plan(*, award: Award, user, planned_on: datetime.date, planned_amount: int,
                 requires_accepted_report: bool = False) -> Tranche:
    award = _lock_award(award)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError(_("This grant is closed."))
    if planned_amount <= 0:
        raise ValidationError(_("Enter the tranche amount."))
    planned = award.tranches.aggregate(total=Sum("planned_amount"))["total"] or 0
    if planned + planned_amount > award.amount:
        raise ValidationError(_("The tranches would add up to %(total)s som, more than the "
                                "award of %(amount)s som.")
                              % {"total": planned + planned_amount, "amount": award.amount})
    number = (award.tranches.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    tranche = Tranche(award=award, number=number, planned_on=planned_on,
                      planned_amount=planned_amount,
                      requires_accepted_report=requires_accepted_report)
    tranche.full_clean()
    tranche.save()
    return tranche


@transaction.atomic
def tranche_pay(*, tranche: Tranche, user, paid_on: datetime.date, paid_amount: int) -> Tranche:
    """planned → paid, in order; never more than the award; after a report if required."""
    award = _lock_award(tranche.award)
    tranche = Tranche.objects.get(id=tranche.id)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError(_("This grant is closed."))
    if tranche.status != Tranche.Status.PLANNED:
        raise ValidationError(_("This tranche is already paid."))
    if award.tranches.filter(number__lt=tranche.number,
                             status=Tranche.Status.PLANNED).exists():
        raise ValidationError(_("Pay the earlier tranches first."))
    if tranche.requires_accepted_report and not award.reports.filter(
            status=Report.Status.ACCEPTED).exists():
        raise ValidationError(_("This tranche is paid only after a report has been accepted."))
    if paid_amount <= 0:
        raise ValidationError(_("Enter the amount paid."))
    paid = award.tranches.filter(status=Tranche.Status.PAID).aggregate(
        total=Sum("paid_amount"))["total"] or 0
    if paid + paid_amount > award.amount:
        raise ValidationError(_("Payments would add up to %(total)s som, more than the award "
                                "of %(amount)s som.")
                              % {"total": paid + paid_amount, "amount": award.amount})
    if paid_on > timezone.localdate():
        raise ValidationError(_("A payment date cannot be in the future."))
    tranche.status = Tranche.Status.PAID
    tranche.paid_on = paid_on
    tranche.paid_amount = paid_amount
    tranche.full_clean()
    tranche.save(update_fields=["status", "paid_on", "paid_amount"])
    notify(_representatives(award.application.profile), lambda: Message(
        subject=_("Grant tranche paid"),
        body=_("Tranche %(number)d of %(amount)s som for “%(title)s” was paid on %(date)s.")
        % {"number": tranche.number, "amount": paid_amount,
           "title": award.application.title, "date": date_format(paid_on, "SHORT_DATE_FORMAT")}))
    return tranche


@transaction.atomic
def report_submit(*, award: Award, user, kind: str, narrative: str,
                  spending: dict[int, int], photos: list | None = None,
                  captions: list[str] | None = None) -> Report:
    """A grantee report; a returned report stays in the history and a new one is sent."""
    award = _lock_award(award)
    _require_representative(user, award.application.profile)
    if award.status != Award.Status.ACTIVE:
        raise ValidationError(_("This grant is closed."))
    if kind not in Report.Kind.values:
        raise ValidationError(_("Choose the kind of report."))
    if award.reports.filter(status=Report.Status.SUBMITTED).exists():
        raise ValidationError(_("A report is already under review; wait for the city's answer."))
    if not narrative.strip():
        raise ValidationError(_("Describe what was done."))
    lines = {line.id: line for line in award.application.budget_lines.all()}
    if any(line_id not in lines for line_id in spending):
        raise ValidationError(_("Unknown budget line."))
    if any(value < 0 for value in spending.values()):
        raise ValidationError(_("Spending cannot be negative."))
    if sum(spending.values()) > award.amount:
        raise ValidationError(_("Reported spending is more than the grant of %(amount)s som.")
                              % {"amount": award.amount})
    photos = photos or []
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos per report.") % {"n": MAX_PHOTOS})
    # Re-encoded without metadata: accepted report photos are public.
    cleaned = [clean_photo(photo, max_bytes=_max_upload_bytes()) for photo in photos]
    report = Report(award=award, kind=kind, narrative=narrative.strip(), submitted_by=user,
                    submitted_at=timezone.now())
    report.full_clean()
    report.save()
    ReportSpending.objects.bulk_create(
        ReportSpending(report=report, budget_line_id=line_id, spent=value)
        for line_id, value in spending.items())
    captions = captions or []
    for index, photo in enumerate(cleaned):
        item = ReportPhoto(report=report,
                           caption=(captions[index] if index < len(captions) else "")[:200])
        item.image.save(photo.name or "", photo, save=False)
        item.save()
    managers = get_user_model().objects.filter(roles__role=Role.CITY_ADMIN).distinct()
    notify(managers, lambda: Message(
        subject=_("A grantee sent a report"),
        body=_("%(kind)s for “%(title)s” is waiting for review: %(url)s")
        % {"kind": report.get_kind_display(), "title": award.application.title,
           "url": _url("grants:award-manage", award.id)}))
    return report


@transaction.atomic
def report_review(*, report: Report, user, accept: bool, comment: str = "") -> Report:
    """submitted → accepted | returned (a return needs a comment). An accepted final report
    closes the grant."""
    award = _lock_award(report.award)
    report = Report.objects.get(id=report.id)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("This report has already been reviewed."))
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError(_("Say what needs to change when returning a report."))
    now = timezone.now()
    report.status = Report.Status.ACCEPTED if accept else Report.Status.RETURNED
    report.reviewed_by = user
    report.reviewed_at = now
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    if accept and report.kind == Report.Kind.FINAL:
        award.status = Award.Status.CLOSED
        award.closed_at = now
        award.save(update_fields=["status", "closed_at"])
    notify(_representatives(award.application.profile), lambda: Message(
        subject=_("Your grant report was accepted") if accept
        else _("Your grant report was returned"),
        body=_("%(kind)s for “%(title)s”: %(comment)s")
        % {"kind": report.get_kind_display(), "title": award.application.title,
           "comment": comment or "-"}))
    return report


def _decision_message(application: Application, call: Call) -> Message:
    values = {"title": application.title, "amount": application.decision.amount,
              "url": _url("grants:call-detail", call.code)}
    if application.decision.awarded:
        return Message(subject=_("Your project was awarded a grant"),
                       body=_("“%(title)s” was awarded %(amount)s som. The city will contact "
                              "you about the grant agreement. %(url)s") % values)
    return Message(subject=_("Grant decision"),
                   body=_("“%(title)s” was not awarded a grant this time. The scores and the "
                          "list of awards are public: %(url)s") % values)


def share(part: int, whole: int) -> Decimal:
    return selectors.q2(Decimal(part) * 100 / Decimal(whole)) if whole else Decimal(0)


# --- past grants ---------------------------------------------------------------------------



def past_grants_import(*, header: list[str], rows, by, progress=None) -> int:
    """Import grants the city made before Shaar: each past call (decided, with its awards)
    joins the public list of grants. Every row is checked first; with any bad row
    RowsRefused lists them all and nothing is written."""
    from .history import check_grants

    _require_manager(by)
    grants, errors = check_grants(header, rows)
    if errors:
        raise RowsRefused(errors)
    with transaction.atomic():
        calls: dict[str, Call] = {}
        for grant in grants:
            call = calls.get(grant.call_code) or _past_call(grant, grants)
            calls[grant.call_code] = call
            _past_award(grant, call, by)
            if progress:
                progress(1)
    return len(grants)


def _past_call(grant, grants) -> Call:
    existing = Call.objects.filter(code=grant.call_code).first()
    if existing is not None:
        return existing
    awards = [g.awarded for g in grants if g.call_code == grant.call_code]
    year_start = timezone.make_aware(datetime.datetime(grant.year, 1, 1))
    titles = {lang: grant.call_titles[lang] or next(t for t in grant.call_titles.values() if t)
              for lang in ("ky", "ru", "en")}
    call = Call(code=grant.call_code, status=Call.Status.DECIDED,
                **{f"title_{lang}": title[:200] for lang, title in titles.items()},
                **{f"description_{lang}": title for lang, title in titles.items()},
                envelope=sum(awards), max_per_grant=max(awards), opens_at=year_start,
                closes_at=year_start + datetime.timedelta(days=30),
                decided_at=year_start + datetime.timedelta(days=60))
    call.full_clean()
    call.save()
    return call


def _past_profile(grant) -> ApplicantProfile:
    if grant.registration_number:
        profile = ApplicantProfile.objects.filter(
            registration_number=grant.registration_number).first()
        if profile:
            return profile
    name = grant.organisation.casefold()
    for profile in ApplicantProfile.objects.select_related("organisation"):
        if name in {profile.legal_name.casefold(), profile.organisation.name_ru.casefold(),
                    profile.organisation.name_ky.casefold(),
                    profile.organisation.name_en.casefold()}:
            return profile
    code = slugify(grant.organisation)[:40] or "org"
    organisation = Organisation.objects.create(
        code=f"{code}-{get_random_string(6).lower()}",
        kind=Organisation.Kind.NGO if grant.registration_number
        else Organisation.Kind.COMMUNITY,
        name_ky=grant.organisation, name_ru=grant.organisation, name_en=grant.organisation)
    return ApplicantProfile.objects.create(organisation=organisation,
                                           legal_name=grant.organisation,
                                           registration_number=grant.registration_number)


def _past_award(grant, call: Call, by) -> Award:
    profile = _past_profile(grant)
    if Application.objects.filter(call=call, profile=profile).exists():
        raise ValidationError(_("Row %(row)s: this organisation already has a grant in this "
                                "call.") % {"row": grant.row})
    application = Application.objects.create(
        call=call, profile=profile, created_by=by, title=grant.project_title,
        district=grant.district, requested_amount=grant.requested,
        status=Application.Status.AWARDED, submitted_at=call.opens_at)
    award = Award(application=application, amount=grant.awarded,
                  agreement_number=grant.agreement_number, project_start=grant.project_start,
                  project_end=grant.project_end,
                  status=Award.Status.CLOSED if grant.completed else Award.Status.ACTIVE,
                  closed_at=call.decided_at if grant.completed else None)
    award.full_clean()
    award.save()
    return award
