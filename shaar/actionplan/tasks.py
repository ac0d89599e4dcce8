"""Board notifications and the stale-page reminder. Tasks take ids, claim their work with a
filtered update (so a retried or duplicated task notifies nobody twice) and send."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shaar.lib.urls import absolute_url

logger = logging.getLogger(__name__)


def _notify_members(subject_and_text) -> int:
    """Send to every serving board member in their language, by e-mail and SMS.

    One member's failed delivery is logged and does not stop the others.
    """
    from shaar.accounts.sms import send_sms

    from .models import BoardMember

    sent = 0
    for member in BoardMember.objects.serving().select_related("user"):
        with translation.override(member.language):
            subject, text = subject_and_text()
        # The seat's own contact details first, else those of the member's account.
        email = member.email or (member.user.email if member.user else "")
        phone = member.phone or (member.user.phone if member.user and
                                 member.user.phone_verified else "")
        if email:
            try:
                send_mail(subject, text, None, [email])
                sent += 1
            except Exception:
                logger.exception("actionplan: e-mail to board member %s failed", member.id)
        if phone:
            try:
                send_sms(to=phone, text=f"{subject}. {text}"[:480])
                sent += 1
            except Exception:
                logger.exception("actionplan: SMS to board member %s failed", member.id)
    return sent


def _claim(model: type[Model], pk: int) -> bool:
    """Mark the row as notified; False when a run of the task before this one already did
    (the filtered update is atomic, so only one run ever claims it)."""
    return bool(model._default_manager.filter(id=pk, notified_at__isnull=True)
                .update(notified_at=timezone.now()))


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def notify_board_meeting(self, meeting_id: int) -> int:
    from shaar.lib.i18n import localized

    from .models import Meeting

    if not _claim(Meeting, meeting_id):
        return 0
    meeting = Meeting.objects.get(id=meeting_id)

    def message() -> tuple[str, str]:
        when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
        subject = _("Supervisory board meeting on %(when)s") % {"when": when}
        text = _("%(title)s, %(place)s. Agenda: %(url)s") % {
            "title": localized(meeting, "title"), "place": meeting.location,
            "url": absolute_url(reverse("actionplan:meeting", args=[meeting.id]))}
        return subject, text

    return _notify_members(message)


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def notify_board_document(self, document_id: int) -> int:
    from shaar.lib.i18n import localized

    from .models import MeetingDocument

    if not _claim(MeetingDocument, document_id):
        return 0
    document = MeetingDocument.objects.select_related("meeting").get(id=document_id)

    def message() -> tuple[str, str]:
        subject = _("New document for the supervisory board")
        text = _("%(title)s, for the meeting “%(meeting)s”: %(url)s") % {
            "title": localized(document, "title"),
            "meeting": localized(document.meeting, "title"),
            "url": absolute_url(reverse("actionplan:meeting", args=[document.meeting_id]))}
        return subject, text

    return _notify_members(message)


@shared_task
def warn_stale_section() -> int:
    """E-mail city administrators when the OGP section has not been updated for too long."""
    from shaar.accounts.models import Role, User

    from .selectors import section_status

    status = section_status()
    if not status.is_stale:
        return 0
    admins = User.objects.filter(roles__role=Role.CITY_ADMIN).exclude(email="").distinct()
    emails = [user.email for user in admins]
    if not emails:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The OGP action plan page needs an update")
        text = _("The open government section was last updated on %(date)s. OGP asks cities "
                 "to keep it current: publish progress, documents or board news.") % {
            "date": timezone.localtime(status.last_updated).strftime("%Y-%m-%d")
            if status.last_updated else "—"}
    send_mail(subject, text, None, emails)
    return len(emails)
