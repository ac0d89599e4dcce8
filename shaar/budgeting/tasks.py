"""Celery tasks: ids in, one action, retries here."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def count_cycle(self, cycle_id: int) -> list[int]:
    """Count every pool of a cycle once voting has closed; safe to run twice."""
    from . import actions
    from .models import Cycle

    cycle = Cycle.objects.get(pk=cycle_id)
    try:
        return [r.pk for r in actions.cycle_count(cycle=cycle)]
    except Exception as exc:  # a database hiccup: try again later
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise
        raise self.retry(exc=exc) from exc
