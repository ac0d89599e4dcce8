"""Tell people what happened: e-mail where we have an address, else SMS to a verified phone.

Messages are rendered in the caller's language when the action runs and stored as
`Notification` rows in the action's own transaction (so a rolled-back action notifies
nobody); once it commits, one Celery task per row delivers it, exactly once in effect
(see `tasks.send_notification`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def notify(users: Iterable, *, subject: str, body: str) -> None:
    """Queue one message per distinct user (None entries are skipped) once the current
    transaction commits."""
    from .models import Notification
    from .tasks import send_notification

    recipients = {user.id: user for user in users if user is not None}
    rows = Notification.objects.bulk_create(
        [Notification(user_id=user_id, subject=str(subject)[:300], body=str(body))
         for user_id in recipients])

    def enqueue(notification_id: int) -> None:
        try:
            send_notification.delay(notification_id)
        except Exception:  # a broker outage must not fail an action already saved
            logger.exception("notification %s could not be queued", notification_id)

    for row in rows:
        transaction.on_commit(lambda pk=row.pk: enqueue(pk))
