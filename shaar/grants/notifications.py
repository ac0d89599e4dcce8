"""Tell people what happened: e-mail where we have an address, SMS to a verified phone.

Messages are rendered in the caller's language when the action runs and handed to a Celery
task by value (ids and strings only), after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def notify(users: Iterable, *, subject: str, body: str) -> None:
    from .tasks import send_notification

    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        user_id = user.id
        transaction.on_commit(lambda uid=user_id: send_notification.delay(
            user_id=uid, subject=str(subject), body=str(body)))
