"""Limits on what the public writes: one way to count, one answer when a limit is reached.

Every public write calls `limit_write(request, group)`. It counts the write against the
client's address (`shaar.lib.clientip`, which sees through our proxies) and, when the
person is signed in, against their account, with the rates of PUBLIC_WRITE_RATES[group].
Over a limit it raises django-ratelimit's `Ratelimited`; the one answer to that is
RATELIMIT_VIEW for pages (a 429 page) and the API's handler (a 429 `ErrorOut`). The photos
of the write are counted too, in pixels, before anything decodes them (uploads).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from shaar.lib.clientip import client_ip
from shaar.lib.uploads import request_pixels


def limit_write(request: HttpRequest, group: str) -> None:
    """Count one write of `group`; raise Ratelimited when the client or account is over.

    Anonymous writes count per address at the `anonymous` rate. Signed-in writes count per
    account at the `account` rate, and per address at the `client` rate: a generous ceiling,
    as a mobile carrier puts many residents behind one address (CGNAT).
    """
    rates = settings.PUBLIC_WRITE_RATES[group]
    if request.user.is_authenticated:
        checks = [("user", rates["account"], "account"), ("ip", rates["client"], "client")]
    else:
        checks = [("ip", rates["anonymous"], "anonymous")]
    # Every bucket is counted, so a flood from one account also uses up its address.
    over = [is_ratelimited(request, group=f"{group}:{name}", key=key, rate=rate,
                           increment=True) for key, rate, name in checks]
    if any(over):
        raise Ratelimited(group)
    pixels = request_pixels(request)  # a 400 above the per-request budget
    if pixels:
        _charge_pixels(request, pixels)


def _charge_pixels(request: HttpRequest, pixels: int) -> None:
    """Count the photos' pixels against the account's (or address's) hourly budget, before
    they are decoded; Ratelimited once the budget is spent."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else client_ip(request)
    key = f"upload-pixels:{who}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key, pixels) > settings.UPLOAD_MAX_PIXELS_PER_HOUR:
        raise Ratelimited("upload-pixels")
