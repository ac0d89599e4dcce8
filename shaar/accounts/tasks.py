"""Thin Celery tasks: ids in, one delivery, retries owned here."""

from __future__ import annotations

import logging
from datetime import timedelta

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
            send_sms(to=user.phone, text=note.sms or f"{note.subject}. {note.body}"[:480])
            note.channel = Notification.Channel.SMS
        else:
            logger.info("user %s has no e-mail or verified phone", user.pk)
            note.channel = Notification.Channel.NONE
        note.sent_at = timezone.now()
        note.save(update_fields=["sent_at", "channel"])


# A pending notification younger than this is still in its first task's hands (or retries).
LOST_AFTER = timedelta(minutes=30)
# Older than this it is not worth sending any more (the news is stale); it stays pending,
# visible in the admin, until the retention purge.
GIVE_UP_AFTER = timedelta(days=2)


@shared_task
def sweep_notifications() -> None:
    """Queue again the notifications whose task never ran (the broker was down when the
    action committed), and delete those older than NOTIFICATION_RETENTION_DAYS."""
    from .models import Notification

    now = timezone.now()
    lost = Notification.objects.filter(
        sent_at__isnull=True, created_at__lt=now - LOST_AFTER,
        created_at__gte=now - GIVE_UP_AFTER).values_list("pk", flat=True)
    for notification_id in lost:
        send_notification.delay(notification_id)  # a duplicate task is a no-op
    retention = timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    Notification.objects.filter(created_at__lt=now - retention).delete()
