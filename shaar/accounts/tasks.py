"""Thin Celery tasks: ids in, one delivery, retries owned here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .sms import SmsError, send_sms

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(SmsError, OSError), retry_backoff=True, max_retries=5)
def send_notification(notification_id: int) -> None:
    """Deliver one stored notification, once however often the task runs.

    The row stays locked while the message is handed to the mail server or SMS gateway and
    `sent_at` is written in the same transaction: a second run of the task (late
    acknowledgement after a killed worker, or a redelivery after the broker's visibility
    timeout) waits for the lock and then finds the message sent. If the worker dies during
    the send, the transaction rolls back and the rerun sends it. The one gap left is a death
    after the gateway accepted the message and before the commit (about a millisecond),
    which can repeat that one message; nothing is ever lost.
    """
    from .models import Notification

    with transaction.atomic():
        note = (Notification.objects.select_for_update(of=("self",)).select_related("user")
                .filter(pk=notification_id, sent_at__isnull=True).first())
        if note is None:
            return
        user = note.user
        if not user.is_active:
            note.channel = Notification.Channel.NONE
        elif user.email:
            send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, [user.email])
            note.channel = Notification.Channel.EMAIL
        elif user.phone and user.phone_verified:
            send_sms(to=user.phone, text=f"{note.subject}. {note.body}"[:480])
            note.channel = Notification.Channel.SMS
        else:
            logger.info("user %s has no e-mail or verified phone", user.pk)
            note.channel = Notification.Channel.NONE
        note.sent_at = timezone.now()
        note.save(update_fields=["sent_at", "channel"])
