"""Celery signals: count task failures (in Redis, see shaar.lib.metrics), and carry the
request id into tasks."""

from __future__ import annotations

import contextlib

from celery import signals

from shaar.lib import metrics
from shaar.lib.requestid import request_id_var

HEADER = "shaar_request_id"


def _on_task_failure(sender=None, **kwargs) -> None:
    from django.conf import settings

    name = getattr(sender, "name", None) or "unknown"
    broker = "" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
    metrics.record_task_failure(name, broker_url=broker)


def _before_publish(headers=None, **kwargs) -> None:
    if headers is not None and HEADER not in headers:
        headers[HEADER] = request_id_var.get()


def _on_prerun(task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    incoming = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER)
    task._shaar_request_id_token = request_id_var.set(incoming or request_id_var.get())


def _on_postrun(task=None, **kwargs) -> None:
    token = getattr(task, "_shaar_request_id_token", None)
    if token is not None:
        # ValueError: set in another context (an eager task in a thread): leave it.
        with contextlib.suppress(ValueError):
            request_id_var.reset(token)
        task._shaar_request_id_token = None


def connect() -> None:
    signals.task_failure.connect(_on_task_failure, weak=False,
                                 dispatch_uid="shaar.ops.task_failure")
    signals.before_task_publish.connect(_before_publish, weak=False,
                                        dispatch_uid="shaar.ops.before_publish")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="shaar.ops.prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="shaar.ops.postrun")
