"""Celery tasks: ids and dates in, one action call, retries here."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from . import actions


@shared_task(bind=True, max_retries=3, default_retry_delay=120, acks_late=True)
def compute_scorecards(self, month_iso: str) -> int:
    """Recompute one month (YYYY-MM-DD, the first day)."""
    try:
        return actions.scorecards_compute(month=date.fromisoformat(month_iso))
    except Exception as exc:  # database hiccup: try again a little later
        raise self.retry(exc=exc) from exc


@shared_task
def compute_scorecards_nightly() -> list[str]:
    return [m.isoformat() for m in actions.scorecards_nightly()]
