from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")

app = Celery("shaar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of every app, in one place (see STYLE.md, Celery).
app.conf.beat_schedule = {
    # Civic budget: close voting at its closing time, which starts the count.
    "budgeting-close-due-cycles": {"task": "shaar.budgeting.tasks.close_due_cycles",
                                   "schedule": 60.0},
    # grants: tell committees and applicants once a call has passed its deadline.
    "grants-close-due-calls": {"task": "shaar.grants.tasks.close_due_calls", "schedule": 60.0},
    # actionplan: remind city administrators when the OGP page has gone stale (weekly).
    "actionplan-warn-stale-section": {
        "task": "shaar.actionplan.tasks.warn_stale_section",
        "schedule": 7 * 24 * 60 * 60,
    },
    # feedback: Idempotency-Keys are kept for FEEDBACK_IDEMPOTENCY_HOURS (24 h).
    "feedback-purge-idempotency-keys": {
        "task": "shaar.feedback.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
    },
    # accounts: queue again notifications whose task was lost (a broker outage at commit
    # time) and delete those older than NOTIFICATION_RETENTION_DAYS.
    "accounts-sweep-notifications": {
        "task": "shaar.accounts.tasks.sweep_notifications",
        "schedule": 600.0,
    },
    # feedback: the SMS that gathers a report's updates within the hour after the last one.
    "feedback-send-sms-digests": {
        "task": "shaar.feedback.tasks.send_sms_digests",
        "schedule": 300.0,
    },
    # feedback: clusters and recurring problems for the systemic-issues view.
    "feedback-compute-systemic": {
        "task": "shaar.feedback.tasks.compute_systemic",
        "schedule": settings.FEEDBACK_SYSTEMIC_MINUTES * 60.0,
    },
    # feedback: the public statistics page (cached, shown with the time it was computed).
    "feedback-refresh-stats": {
        "task": "shaar.feedback.tasks.refresh_stats",
        "schedule": settings.FEEDBACK_STATS_MINUTES * 60.0,
    },
    # feedback: the whole city's CSV and GeoJSON downloads, built as files (exports.py).
    "feedback-refresh-exports": {
        "task": "shaar.feedback.tasks.refresh_exports",
        "schedule": settings.FEEDBACK_EXPORTS_MINUTES * 60.0,
    },
    # providers: recompute this month's and last month's scorecards every night (03:15
    # local time, CELERY_TIMEZONE) and mail last month's to subscribers.
    "providers-scorecards-nightly": {
        "task": "shaar.providers.tasks.compute_scorecards_nightly",
        "schedule": crontab(hour=3, minute=15),
    },
}
