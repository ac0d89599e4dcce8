"""Who a "me too" counts as: one per account, or for a visitor one per browser (its session)
within limits per connection, the same for the web form and the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


class TooManyFromThisConnection(Exception):
    """An anonymous "me too" over the per-address limits (a 429)."""


def support_key(request: HttpRequest, report_id: int) -> str:
    """The supporter key of this request: "" for a signed-in resident (the action keys them
    by account), "session:<key>" for a visitor. A visitor is limited per address, both
    overall and per report, so that new sessions cannot inflate a count. The caller has
    checked the CSRF token, so the request came from a page of this site."""
    if request.user.is_authenticated:
        return ""
    for group, rate in ((f"feedback-me-too-{report_id}", settings.FEEDBACK_ME_TOO_PER_REPORT),
                        ("feedback-me-too", settings.FEEDBACK_ME_TOO_RATE)):
        if is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
            raise TooManyFromThisConnection
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"
