"""Fail closed, with a clear answer, when a backing service is down.

Rate limits (django-ratelimit, allauth), the lock on wrong SMS codes and code sending all
go through the cache (Redis in production). If Redis is unreachable they raise; rather than
a bare 500, or worse letting the request through unlimited, the resident gets a 503 page
in their language asking to try again shortly, and nothing is sent. Pages that only read
the cache for speed catch the error themselves and keep working (`City.current`).

The same answer is given when the database is unreachable (a restart or fail-over), so a
ballot is never half-recorded and the client knows to retry, and when the disk that holds
uploaded files is full (an upload's action then rolls back; ballots, which store no file,
still commit).
"""

from __future__ import annotations

import errno
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError, RedisTimeoutError, OperationalError, InterfaceError,
    ConnectionRefusedError,
)
# No space left on the device, or the disk quota of the service's user exhausted.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
RETRY_AFTER_SECONDS = 30
API_PREFIXES = ("/api/", "/open311/")


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS) or is_disk_full(exc)


def is_disk_full(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def unavailable_response(request, *, disk_full: bool = False):
    # An outage inside an early middleware comes before LocaleMiddleware: take the
    # language from the URL then.
    language = (getattr(request, "LANGUAGE_CODE", None)
                or translation.get_language_from_path(request.path_info)
                or translation.get_language())
    with translation.override(language):
        if disk_full:
            message = _("Files cannot be stored at the moment, so nothing was saved. Please "
                        "try again later.")
        else:
            message = _("The service is temporarily unavailable, so nothing was sent or "
                        "saved. Please try again in a minute.")
        if request.path.startswith(API_PREFIXES):
            response: HttpResponse = JsonResponse(
                {"detail": message, "code": "service_unavailable"},
                                    status=503)
        else:
            # Rendered without the request's context processors: they read the database
            # and the session, which may be what is down.
            has_prefix = translation.get_language_from_path(request.path_info)
            body = render_to_string("ops/unavailable.html", {
                "status": 503, "message": message,
                "home_url": f"/{language}/" if has_prefix else "/"})
            response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.error("backing service unavailable on %s %s: %s: %s", request.method,
                     request.path, type(exception).__name__, exception)
        return unavailable_response(request, disk_full=is_disk_full(exception))
