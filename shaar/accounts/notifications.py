"""Tell people what happened: e-mail where we have an address, else SMS to a verified phone.

A message is written in each recipient's own language (`User.language`): the caller passes
a function that composes it, called once per language among the recipients under that
language. The texts are stored as `Notification` rows in the action's own transaction (so
a rolled-back action notifies nobody); once it commits, one Celery task per row delivers
it, exactly once in effect (see `tasks.send_notification`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)

# One SMS segment holds 70 characters of Cyrillic (UCS-2); longer texts cost several.
SMS_SEGMENT = 70


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # The SMS text, to fit one segment where it can; the subject when empty.
    sms: str = ""


def notify(users: Iterable, compose: Callable[[], Message]) -> None:
    """Queue one message per distinct user (None entries are skipped), each in the user's
    language, once the current transaction commits."""
    from .models import Notification
    from .tasks import send_notification

    recipients = {user.id: user for user in users if user is not None}
    by_language: dict[str, Message] = {}
    rows = []
    for user_id, user in recipients.items():
        if user.language not in by_language:
            with translation.override(user.language):
                by_language[user.language] = compose()
        message = by_language[user.language]
        rows.append(Notification(user_id=user_id, subject=str(message.subject)[:300],
                                 body=str(message.body), sms=str(message.sms)[:480]))
    rows = Notification.objects.bulk_create(rows)

    def enqueue(notification_id: int) -> None:
        try:
            send_notification.delay(notification_id)
        except Exception:  # a broker outage must not fail an action already saved
            logger.exception("notification %s could not be queued", notification_id)

    for row in rows:
        transaction.on_commit(functools.partial(enqueue, row.pk))
