from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")

app = Celery("shaar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of every app, in one place (see STYLE.md, Celery).
app.conf.beat_schedule = {
    # feedback: Idempotency-Keys are kept for FEEDBACK_IDEMPOTENCY_HOURS (24 h).
    "feedback-purge-idempotency-keys": {
        "task": "shaar.feedback.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
    },
}
