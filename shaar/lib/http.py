"""Typed requests for views behind log-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # Only for the checker: at run time lib imports no app (dependencies flow one way).
    from shaar.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware (installed for the whole site) sets `htmx`."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request a view behind `login_required` (or a check of `is_authenticated`) gets.

    Annotate such a view's `request` with this class so that `request.user` is a `User`,
    never an `AnonymousUser`. Django never builds it: it only narrows the type.
    """

    user: User
