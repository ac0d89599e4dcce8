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


@shared_task
def close_due_cycles() -> list[int]:
    """Beat, every minute: close voting in cycles whose closing time has passed; closing
    starts the count. A cycle that fails its checks stays open and is logged."""
    import logging

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from . import actions
    from .models import Cycle, Phase

    closed = []
    for cycle in Cycle.objects.filter(phase=Phase.VOTING, voting_closes__lte=timezone.now()):
        try:
            actions.cycle_advance(cycle=cycle, by=None)
        except ValidationError:
            logging.getLogger(__name__).exception("could not close cycle %s", cycle.pk)
        else:
            closed.append(cycle.pk)
    return closed
