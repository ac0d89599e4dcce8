"""A request id for every request and every log line written while serving it.

The id comes from the `X-Request-ID` header that nginx sets (`$request_id`) when it looks
safe, or is generated here; it is echoed in the response so a resident's screenshot of an
error page leads an operator to the matching log lines, nginx's access log included.
Celery tasks enqueued during a request carry the id too (see `shaar.ops.apps`).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "X-Request-ID"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def get_request_id() -> str:
    return request_id_var.get()


def clean_request_id(value: str | None) -> str:
    """The incoming id if it is a plausible token (never log arbitrary client text)."""
    if value and _SAFE.match(value):
        return value
    return uuid.uuid4().hex


class _RequestWithId(HttpRequest):
    request_id: str


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: _RequestWithId) -> HttpResponseBase:
        request_id = clean_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        # Not reset on the way out: Django logs errors and 404s after the middleware
        # chain has returned. `request_finished` clears it (connected below).
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _clear(**kwargs: object) -> None:
    request_id_var.set("-")


request_finished.connect(_clear, dispatch_uid="shaar.lib.requestid.clear")


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every log record (a "-" outside requests and tasks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True
