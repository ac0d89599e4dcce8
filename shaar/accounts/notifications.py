"""Tell people what happened: e-mail where we have an address, else SMS to a verified phone.

Messages are rendered in the caller's language when the action runs and handed to a Celery
task by value (ids and strings only), after the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def notify(users: Iterable, *, subject: str, body: str) -> None:
    """Queue one message per distinct user (None entries are skipped) once the current
    transaction commits."""
    from .tasks import send_notification

    def enqueue(user_id: int) -> None:
        try:
            send_notification.delay(user_id=user_id, subject=str(subject), body=str(body))
        except Exception:  # a broker or mail outage must not fail an action already saved
            logger.exception("notification to user %s could not be queued", user_id)

    for user_id in {user.id for user in users if user is not None}:
        transaction.on_commit(lambda uid=user_id: enqueue(uid))
