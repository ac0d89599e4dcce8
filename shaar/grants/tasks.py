"""Thin Celery tasks: ids in, one action or delivery, retries owned here."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def close_due_calls() -> int:
    """Tell committees and applicants that calls past their deadline are closed."""
    from .actions import calls_close_due

    return calls_close_due()
