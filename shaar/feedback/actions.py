"""Every write about feedback reports: creation, routing, the status machine, replies,
notes, "me too", ratings, moderation and idempotent submissions."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shaar.accounts.models import User
from shaar.accounts.phones import normalise_mobile
from shaar.city.geo import validate_point
from shaar.city.models import Department, District, Organisation
from shaar.city.selectors import address_best, district_for_point
from shaar.lib import media
from shaar.lib.i18n import writing_language
from shaar.lib.tabular import RowsRefused

from . import exports, reference
from . import photos as photo_checks
from .models import (
    CLOSED_STATUSES,
    HANDLING_KINDS,
    OPEN_STATUSES,
    TRANSITIONS,
    ApiClient,
    Category,
    Channel,
    IdempotencyKey,
    Photo,
    Question,
    Rating,
    Report,
    ReportEvent,
    RoutingRule,
    Status,
    Supporter,
)
from .signals import report_event_recorded


# --- routing -------------------------------------------------------------------------------
def route_for(*, category: Category, district: District | None
              ) -> tuple[Department | None, Organisation | None]:
    """The district rule, else the city-wide rule, else (None, None): city triage."""
    rules = reference.routes()
    return ((rules.get((category.pk, district.pk)) if district else None)
            or rules.get((category.pk, None)) or (None, None))


# --- answers to a category's questions ------------------------------------------------------
def clean_answers(*, category: Category, raw: dict[str, Any],
                  questions: Sequence[Question] | None = None) -> dict[str, Any]:
    """Check raw answers (strings or lists of strings) against the category's questions."""
    questions = list(category.questions.all()) if questions is None else questions
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        value = raw.get(q.code)
        if isinstance(value, list) and q.datatype != Question.Datatype.MULTI:
            value = value[0] if value else None
        empty = value is None or value == "" or value == []
        if empty:
            if q.required:
                errors[q.code] = _("Please answer: %(question)s") % {"question": q.label}
            continue
        keys = {key for key, _name in q.choices()}
        if q.datatype == Question.Datatype.NUMBER:
            try:
                number = Decimal(str(value).strip().replace(",", "."))
                if not number.is_finite():
                    raise InvalidOperation
                cleaned[q.code] = str(number)
            except InvalidOperation:
                errors[q.code] = _("%(question)s: please enter a number.") % {"question": q.label}
        elif q.datatype == Question.Datatype.DATETIME:
            parsed = parse_datetime(str(value).strip()) if str(value).strip() else None
            if parsed is None:
                errors[q.code] = _("%(question)s: please enter a date and time.") % {
                    "question": q.label}
            else:
                cleaned[q.code] = parsed.isoformat()
        elif q.datatype == Question.Datatype.SINGLE:
            if str(value) not in keys:
                errors[q.code] = _("%(question)s: please choose one of the options.") % {
                    "question": q.label}
            else:
                cleaned[q.code] = str(value)
        elif q.datatype == Question.Datatype.MULTI:
            values = value if isinstance(value, list) else [value]
            values = [str(v) for v in values]
            if any(v not in keys for v in values):
                errors[q.code] = _("%(question)s: please choose from the options.") % {
                    "question": q.label}
            else:
                cleaned[q.code] = values
        else:
            text = str(value).strip()
            limit = 4000 if q.datatype == Question.Datatype.TEXT else 300
            if len(text) > limit:
                errors[q.code] = _("%(question)s: the answer is too long.") % {
                    "question": q.label}
            else:
                cleaned[q.code] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- events and notifications ---------------------------------------------------------------
def _event(report: Report, kind: str, *, actor: User | None = None, text: str = "",
           is_public: bool = True, from_status: str = "", to_status: str = "",
           at: datetime | None = None) -> ReportEvent:
    event = ReportEvent.objects.create(
        report=report, kind=kind, actor=actor, text=text, is_public=is_public,
        from_status=from_status, to_status=to_status, department=report.department,
        organisation=report.organisation, created_at=at or timezone.now())
    report_event_recorded.send(sender=ReportEvent, report_id=report.pk, kind=kind)
    has_contact = bool(report.contact_email or report.contact_phone or report.reporter_id)
    if has_contact and is_public and kind in (ReportEvent.Kind.STATUS, ReportEvent.Kind.REPLY,
                              ReportEvent.Kind.REOPENED, ReportEvent.Kind.CREATED):
        from .tasks import notify_reporter

        transaction.on_commit(lambda: notify_reporter.delay(event.pk))
    return event


# --- creating a report ----------------------------------------------------------------------
def point_for_address(address: str) -> tuple[float, float] | None:
    """Where an address given without a point lies, from the city's address register; None
    when it names no known address (the report then goes to city triage without a pin)."""
    place = address_best(address)
    return (place.lat, place.lon) if place is not None else None


def _report_point(lat: Any, lon: Any, address: str) -> tuple[float, float] | None:
    """The report's point; an address alone (Open311 allows it) is placed if it can be."""
    if lat in (None, "") and lon in (None, "") and address.strip():
        return point_for_address(address.strip())
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"location": _("Please mark the place on the map.")}) from exc
    validate_point(*point)
    return point


def report_create(*, category: Category, lat: float | None, lon: float | None,
                  description: str,
                  address: str = "", answers: dict[str, Any] | None = None,
                  photos: Iterable[Any] = (), reporter: User | None = None,
                  contact_name: str = "", contact_email: str = "", contact_phone: str = "",
                  channel: str = Channel.WEB, registered_by: User | None = None,
                  client: ApiClient | None = None, created_at: datetime | None = None,
                  photo_bytes: Iterable[bytes] = ()) -> Report:
    """Create a report, find its district, route it and store cleaned photos.

    Everything is checked before the transaction starts (`_save_new_report`), so a
    refused report has written nothing and leaves a caller's transaction usable.
    """
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    point = _report_point(lat, lon, address)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Please describe the problem.")})
    cleaned_answers = clean_answers(category=category, raw=answers or {})
    contact_phone = _contact_phone(contact_phone)
    photo_list = [photo_checks.read_upload(p) for p in photos] + list(photo_bytes)
    if len(photo_list) > settings.FEEDBACK_PHOTO_MAX_COUNT:
        raise ValidationError({"photos": _("You can attach at most %(n)d photos.")
                               % {"n": settings.FEEDBACK_PHOTO_MAX_COUNT}})
    # Check and re-encode every photo before anything is written: all or nothing.
    cleaned_photos = [photo_checks.clean_image(data) for data in photo_list]
    if point is None:  # no place: city triage decides who is responsible
        district, department, organisation = None, None, None
    else:
        district = district_for_point(lat=point[0], lon=point[1])
        department, organisation = route_for(category=category, district=district)
    now = created_at or timezone.now()
    lat, lon = point or (None, None)
    report = Report(
        category=category, lat=lat, lon=lon, address=address.strip()[:300], district=district,
        description=description, answers=cleaned_answers, reporter=reporter,
        contact_name=contact_name.strip(), contact_email=contact_email.strip(),
        contact_phone=contact_phone, channel=channel, registered_by=registered_by,
        client=client, department=department, organisation=organisation,
        created_at=now, updated_at=now,
        language=writing_language() or settings.LANGUAGE_CODE)
    report.set_due_dates()
    # Field checks only: the related rows were just loaded, and the database enforces
    # the coordinate constraints, so no extra query per foreign key or constraint.
    report.full_clean(exclude=["answers", "category", "district", "department",
                               "organisation", "reporter", "registered_by", "client"],
                      validate_unique=False, validate_constraints=False)
    return _save_new_report(report, cleaned_photos, actor=registered_by or reporter)


def _contact_phone(raw: str) -> str:
    """The reporter's number for SMS updates in E.164, whatever the channel it came by."""
    if not raw.strip():
        return ""
    try:
        return normalise_mobile(raw)
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from None


def _save_new_report(report: Report, cleaned_photos: list, *, actor: User | None) -> Report:
    # Inside a caller's transaction (an idempotent submission) a report without photos
    # needs no savepoint (two queries fewer): only a database error can fail it, and that
    # aborts the caller's transaction anyway. Storing a photo can fail on its own (a full
    # disk): the savepoint then leaves the caller's transaction usable.
    with transaction.atomic(savepoint=bool(cleaned_photos)):
        # The "created" event below records the submission; the audit log keeps what staff
        # change afterwards (status, routing, moderation), not each resident's new report.
        with disable_auditlog():
            report.save()
        _event(report, ReportEvent.Kind.CREATED, actor=actor, to_status=Status.NEW,
               at=report.created_at)
        for content, width, height in cleaned_photos:
            photo = Photo(report=report, width=width, height=height)
            photo.image.save("photo.jpg", content, save=False)
            photo.save()
            from .tasks import make_thumbnail

            transaction.on_commit(functools.partial(make_thumbnail.delay, photo.pk))
    return report


# --- the status machine ---------------------------------------------------------------------
def _apply_status(report: Report, *, actor: User | None, status: str, note: str,
                  duplicate_of: Report | None, now: datetime) -> ReportEvent:
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == report.status:
        raise ValidationError({"status": _("The report already has this status.")})
    if status not in TRANSITIONS[report.status]:
        raise ValidationError({"status": _("A report cannot go from “%(old)s” to “%(new)s”.")
                               % {"old": Status(report.status).label,
                                  "new": Status(status).label}})
    if status == Status.REJECTED and not note.strip():
        raise ValidationError({"note": _("Give the public reason for rejecting the report.")})
    # A person who closes a report tells the resident what was done (imports and the
    # system, with no actor, carry the source's own status).
    if status == Status.RESOLVED and actor is not None and not note.strip():
        raise ValidationError({"note": _("Tell the resident what was done: a public note is "
                                         "needed to resolve the report.")})
    if status == Status.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == report.pk:
            raise ValidationError({"duplicate_of": _("Choose the report this one duplicates.")})
        report.duplicate_of = duplicate_of
    old = report.status
    report.status = status
    report.status_note = note.strip()[:1000]
    report.updated_at = now
    if status != Status.NEW and report.acknowledged_at is None:
        report.acknowledged_at = now
    if status in (Status.RESOLVED, Status.REJECTED, Status.DUPLICATE):
        report.resolved_at = now
    elif old in (Status.RESOLVED, Status.REJECTED, Status.DUPLICATE):
        report.resolved_at = None
        report.reopen_count = F("reopen_count") + 1
    report.save(update_fields=["status", "status_note", "updated_at", "acknowledged_at",
                               "resolved_at", "reopen_count", "duplicate_of"])
    report.refresh_from_db(fields=["reopen_count"])
    kind = (ReportEvent.Kind.REOPENED if old in (Status.RESOLVED, Status.REJECTED,
                                                 Status.DUPLICATE)
            else ReportEvent.Kind.STATUS)
    return _event(report, kind, actor=actor, text=note.strip(), from_status=old,
                  to_status=status, at=now)


@transaction.atomic
def report_change_status(*, report: Report, actor: User | None, status: str, note: str = "",
                         duplicate_of: Report | None = None,
                         at: datetime | None = None) -> ReportEvent:
    report = Report.objects.select_for_update().get(pk=report.pk)
    return _apply_status(report, actor=actor, status=status, note=note,
                         duplicate_of=duplicate_of, now=at or timezone.now())


@transaction.atomic
def report_bulk_status(*, reports: Iterable[Report], actor: User, status: str,
                       note: str = "") -> tuple[int, list[str]]:
    """Change many reports; each is checked on its own, the failures are listed."""
    changed, failures = 0, []
    now = timezone.now()
    for report in Report.objects.select_for_update().filter(pk__in=[r.pk for r in reports]):
        try:
            with transaction.atomic():
                _apply_status(report, actor=actor, status=status, note=note,
                              duplicate_of=None, now=now)
            changed += 1
        except ValidationError as exc:
            failures.append(f"#{report.pk}: {' '.join(exc.messages)}")
    return changed, failures


@transaction.atomic
def report_update(*, report: Report, actor: User, status: str = "", public_note: str = "",
                  internal_note: str = "", duplicate_of: Report | None = None) -> list[str]:
    """The staff page's one form: a new status (its public note goes with it), or a public
    reply alone, and an internal note; all of it or nothing. Returns what was done, for
    the confirmation."""
    done = []
    if status:
        report_change_status(report=report, actor=actor, status=status, note=public_note,
                             duplicate_of=duplicate_of)
        done.append(_("The status is now “%(status)s”.") % {"status": Status(status).label})
    elif public_note.strip():
        report_reply(report=report, actor=actor, text=public_note)
        done.append(_("The public reply is published."))
    if internal_note.strip():
        report_note(report=report, actor=actor, text=internal_note)
        done.append(_("The internal note is saved."))
    if not done:
        raise ValidationError(_("Choose a new status or write a note first."))
    return done


@transaction.atomic
def report_reply(*, report: Report, actor: User, text: str,
                 at: datetime | None = None) -> ReportEvent:
    """A public reply; `at` records a reply made earlier (an import of past appeals)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply first.")})
    at = at or timezone.now()
    Report.objects.filter(pk=report.pk, updated_at__lt=at).update(updated_at=at)
    return _event(report, ReportEvent.Kind.REPLY, actor=actor, text=text[:4000], at=at)


@transaction.atomic
def report_note(*, report: Report, actor: User, text: str) -> ReportEvent:
    """An internal note: seen only by staff who can work the report, never public."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    return _event(report, ReportEvent.Kind.NOTE, actor=actor, text=text[:4000], is_public=False)


@transaction.atomic
def report_assign(*, report: Report, actor: User, assignee: User | None) -> ReportEvent:
    from .rules import can_work_report

    if assignee is not None and not can_work_report(assignee, report):
        raise ValidationError({"assignee": _("This person cannot work on this report.")})
    report.assignee = assignee
    report.save(update_fields=["assignee"])
    return _event(report, ReportEvent.Kind.ASSIGNED, actor=actor, is_public=False,
                  text=str(assignee) if assignee else "")


@transaction.atomic
def report_reroute(*, report: Report, actor: User, department: Department | None = None,
                   organisation: Organisation | None = None) -> ReportEvent:
    if department and organisation:
        raise ValidationError(_("Choose a department or an organisation, not both."))
    if organisation is not None and organisation.kind not in HANDLING_KINDS:
        raise ValidationError({"organisation": _("This organisation does not handle reports.")})
    report.department, report.organisation, report.assignee = department, organisation, None
    report.updated_at = timezone.now()
    report.save(update_fields=["department", "organisation", "assignee", "updated_at"])
    return _event(report, ReportEvent.Kind.ROUTED, actor=actor, is_public=False,
                  text=str(department or organisation or _("city triage")))


# --- SMS to the reporter: at most one an hour ------------------------------------------------
SMS_INTERVAL = timedelta(hours=1)


@transaction.atomic
def report_sms_claim(*, report_id: int, now: datetime) -> bool:
    """May the reporter get an SMS about this report now? Yes once an hour; an update
    within the hour marks one gathered SMS due when the hour is over instead (sent by
    report_sms_digests_claim's caller), so four changes in two minutes cost two messages."""
    report = Report.objects.select_for_update().only("last_sms_at", "sms_digest_due"
                                                     ).get(pk=report_id)
    if report.last_sms_at is None or now - report.last_sms_at >= SMS_INTERVAL:
        report.last_sms_at, report.sms_digest_due = now, None
        report.save(update_fields=["last_sms_at", "sms_digest_due"])
        return True
    if report.sms_digest_due is None:
        report.sms_digest_due = report.last_sms_at + SMS_INTERVAL
        report.save(update_fields=["sms_digest_due"])
    return False


def report_sms_digests_claim(*, now: datetime, limit: int = 500) -> list[int]:
    """The reports whose gathered SMS is due, each claimed by one worker only (a filtered
    update: a second worker running at the same time gets a row count of 0)."""
    due = Report.objects.filter(sms_digest_due__lte=now).order_by("sms_digest_due")
    return [pk for pk in due.values_list("pk", flat=True)[:limit]
            if Report.objects.filter(pk=pk, sms_digest_due__lte=now)
            .update(sms_digest_due=None, last_sms_at=now)]


# --- residents: me too, rating, reopening ---------------------------------------------------
@transaction.atomic
def report_support(*, report: Report, key: str, user: User | None = None,
                   at: datetime | None = None) -> bool:
    """Add a "me too"; returns False when this person already supported the report.
    `at` records one given earlier (an import of past appeals)."""
    report = Report.objects.get(pk=report.pk)
    if report.status not in OPEN_STATUSES or report.is_hidden:
        raise ValidationError(_("Only open reports can be supported."))
    if user is not None:
        key = f"user:{user.pk}"
    try:
        with transaction.atomic():
            Supporter.objects.create(report=report, key=key[:64], user=user,
                                     created_at=at or timezone.now())
    except IntegrityError:
        return False
    Report.objects.filter(pk=report.pk).update(supporter_count=F("supporter_count") + 1)
    _event(report, ReportEvent.Kind.ME_TOO, actor=user, is_public=True, at=at)
    return True


@transaction.atomic
def report_rate(*, report: Report, fixed: bool, score: int, comment: str = "",
                at: datetime | None = None) -> Rating:
    """"Was it fixed?": a 1–5 rating; "no" reopens the report."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.RESOLVED:
        raise ValidationError(_("You can rate a report once it is resolved."), code="conflict")
    if report.ratings.filter(created_at__gte=report.resolved_at).exists():
        raise ValidationError(_("You have already rated this resolution."), code="conflict")
    rating = Rating(report=report, fixed=fixed, score=score, comment=(comment or "")[:2000],
                    organisation=report.organisation, department=report.department,
                    created_at=at or timezone.now())
    rating.full_clean()
    rating.save()
    _event(report, ReportEvent.Kind.RATED, is_public=True, at=rating.created_at,
           text=f"{score}/5")
    if not fixed:
        # No stored note: the timeline says why in each reader's language.
        _apply_status(report, actor=None, status=Status.IN_PROGRESS, note="",
                      duplicate_of=None, now=rating.created_at)
    return rating


# --- moderation -----------------------------------------------------------------------------
@transaction.atomic
def report_moderate(*, report: Report, actor: User, reason: str, hide: bool | None = None,
                    description: str | None = None, photo: Photo | None = None,
                    hide_photo: bool | None = None) -> ReportEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Record the reason for the moderation.")})
    fields = []
    if hide is not None:
        report.is_hidden = hide
        fields.append("is_hidden")
    if description is not None and description.strip():
        report.description = description.strip()
        fields.append("description")
    if photo is not None and hide_photo is not None and photo.report_id != report.pk:
        raise ValidationError(_("This photo belongs to another report."))
    if fields:
        report.save(update_fields=fields)
        exports.withdraw_all()  # the whole city's downloads hold the report as it was
    if photo is not None and hide_photo is not None:
        photo.is_hidden = hide_photo
        photo.save(update_fields=["is_hidden"])
    if hide is not None or photo is not None:
        for each in report.photos.all():
            photo_files_follow_visibility(each)
    return _event(report, ReportEvent.Kind.MODERATED, actor=actor, text=reason, is_public=False)


def photo_files_follow_visibility(photo: Photo) -> None:
    """A photo's files answer only while the photo and its report are public: hidden,
    they move away from their public address (shaar.lib.media)."""
    public = not (photo.is_hidden or photo.report.is_hidden)
    move = media.publish if public else media.withhold
    moved = [name for name in ("image", "thumbnail") if move(getattr(photo, name))]
    if moved:
        photo.save(update_fields=moved)


# --- idempotency ----------------------------------------------------------------------------
class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent with a different request body."""


def body_fingerprint(parts: dict[str, Any], files: Sequence[bytes] = ()) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode())
    for data in files:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def idempotent(*, key: str, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]],
               look_first: bool = False) -> tuple[int, dict[str, Any]]:
    """Run `run` once per key; a retry gets the stored response, another body a conflict.

    The key row is inserted last, inside the same transaction as the report, so a crash
    leaves neither. Retries are rare, so the key is not looked up first: a retry runs,
    fails on the unique key (a concurrent one waits on it), is rolled back and answers
    with the stored response. `look_first` looks the key up before running when `run`
    is costly (photos to re-encode and store).
    """
    if not key:
        return run()
    if len(key) > 200:
        raise ValidationError(_("The Idempotency-Key is too long."))
    if look_first and (stored := _stored_answer(key, fingerprint)) not in (None, _EXPIRED):
        return stored
    try:
        with transaction.atomic():
            status, body = run()
            IdempotencyKey.objects.create(key=key, body_hash=fingerprint, status_code=status,
                                          response=body)
            return status, body
    except (IntegrityError, ValidationError):
        # A retry of a stored request (or the same key with another body, even an invalid
        # one) is answered from the key; anything else was a real error.
        stored = _stored_answer(key, fingerprint)
        if stored is None:
            raise
        if stored is _EXPIRED:
            return idempotent(key=key, fingerprint=fingerprint, run=run)
        return stored


_EXPIRED: tuple[int, dict[str, Any]] = (0, {})


def _stored_answer(key: str, fingerprint: str) -> tuple[int, dict[str, Any]] | None:
    """The stored response for the key, None if there is none, _EXPIRED after deleting
    an expired one; IdempotencyConflict if it was stored for another body."""
    existing = IdempotencyKey.objects.filter(key=key).first()
    if existing is None:
        return None
    cutoff = timezone.now() - timedelta(hours=settings.FEEDBACK_IDEMPOTENCY_HOURS)
    if existing.created_at < cutoff:
        existing.delete()  # expired: the key may be used again
        return _EXPIRED
    if existing.body_hash != fingerprint:
        raise IdempotencyConflict
    return existing.status_code, existing.response


def idempotency_keys_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.FEEDBACK_IDEMPOTENCY_HOURS)
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]


# --- past appeals --------------------------------------------------------------------------


IMPORT_BATCH = 500


def appeals_import(*, header: list[str], rows: Iterable, by: User | None,
                   progress: Callable[[int], object] | None = None) -> int:
    """Import the city's past appeals into the feedback history, marked as imported.

    Every row is checked first; with any bad row RowsRefused lists them all and
    nothing is written. Each appeal keeps its own dates: it is routed like a new report,
    its history holds its receipt and its final status (with the answer, public), and it
    counts in the months it belongs to, including the providers' scorecards. Nobody is
    notified: imported appeals carry no contact details.
    """
    from .history import check_appeals

    appeals, errors = check_appeals(header, rows)
    if errors:
        raise RowsRefused(errors)
    with transaction.atomic():
        for start in range(0, len(appeals), IMPORT_BATCH):
            batch = appeals[start:start + IMPORT_BATCH]
            _appeals_write(batch, by=by)
            if progress:
                progress(len(batch))
    return len(appeals)


def _appeals_write(appeals: list, *, by: User | None) -> None:
    from .history import PastAppeal

    reports: list[tuple[PastAppeal, Report]] = []
    for appeal in appeals:
        district = appeal.district or district_for_point(lat=appeal.lat, lon=appeal.lon)
        department, organisation = route_for(category=appeal.category, district=district)
        closed = appeal.status in CLOSED_STATUSES
        report = Report(
            category=appeal.category, lat=appeal.lat, lon=appeal.lon, address=appeal.address,
            district=district, description=appeal.text, channel=appeal.channel,
            registered_by=by, department=department, organisation=organisation,
            status=appeal.status, status_note=appeal.answer, is_imported=True,
            created_at=appeal.created_at, updated_at=appeal.closed_at or appeal.created_at,
            acknowledged_at=(appeal.closed_at or appeal.created_at)
            if appeal.status != Status.NEW else None,
            resolved_at=appeal.closed_at if closed else None)
        report.set_due_dates()
        reports.append((appeal, report))
    with disable_auditlog():
        Report.objects.bulk_create([report for _appeal, report in reports])
    events = []
    for appeal, report in reports:
        events.append(ReportEvent(report=report, kind=ReportEvent.Kind.CREATED,
                                  to_status=Status.NEW, department=report.department,
                                  organisation=report.organisation, actor=by,
                                  created_at=report.created_at))
        if appeal.status != Status.NEW:
            assert report.acknowledged_at is not None  # set for every status but NEW, above
            events.append(ReportEvent(
                report=report, kind=ReportEvent.Kind.STATUS, from_status=Status.NEW,
                to_status=appeal.status, text=appeal.answer, department=report.department,
                organisation=report.organisation, actor=by,
                created_at=report.acknowledged_at))
    ReportEvent.objects.bulk_create(events)


# --- categories and their questions (city administrators, in the staff console) -----------
@transaction.atomic
def category_save(*, category: Category, by: User) -> Category:
    """Create or change a report category (names, group, targets, whether in use)."""
    if not by.has_perm("feedback.manage_categories"):
        raise PermissionDenied
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def question_save(*, question: Question, by: User) -> Question:
    """Create or change a category's question; a list question needs its choices."""
    if not by.has_perm("feedback.manage_categories"):
        raise PermissionDenied
    if question.is_list and not question.values:
        raise ValidationError({"values": _("A list question needs at least one choice.")})
    if not question.is_list:
        question.values = []
    question.full_clean()
    question.save()
    return question


# --- routing rules (city administrators, in the staff console) ----------------------------
@transaction.atomic
def routing_rule_save(*, rule: RoutingRule, by: User) -> RoutingRule:
    """Create or change a rule: a category (in a district, or city-wide) goes to one
    department or one organisation. One rule per category and district."""
    if not by.has_perm("feedback.manage_categories"):
        raise PermissionDenied
    if (rule.department_id is None) == (rule.organisation_id is None):
        raise ValidationError({"department": _("Choose either a department or an "
                                               "organisation, not both.")})
    same = RoutingRule.objects.filter(category_id=rule.category_id).exclude(pk=rule.pk)
    same = (same.filter(district_id=rule.district_id) if rule.district_id is not None
            else same.filter(district__isnull=True))
    if same.exists():
        raise ValidationError({"district": _(
            "This category already has a rule for this district.") if rule.district_id
            else _("This category already has a city-wide rule.")})
    rule.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:  # a rule saved at the same moment by someone else
        raise ValidationError(_("This category already has a rule for this district.")) \
            from None
    return rule


@transaction.atomic
def routing_rule_remove(*, rule: RoutingRule, by: User) -> None:
    """Remove a rule; the category's reports then follow the city-wide rule, or go to city
    triage. Reports already routed keep their department or organisation."""
    if not by.has_perm("feedback.manage_categories"):
        raise PermissionDenied
    rule.delete()
