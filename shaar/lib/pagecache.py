"""Public pages as a visitor without cookies sees them, kept for a few seconds.

On a voting deadline the public pages (home, the civic budget, results, the feedback list
and map, the citizen's budget) take most views, and rendering one costs 5-30 ms of CPU that
the ballots need. A request that carries no cookie is anonymous, has no messages and is
given no CSRF token (the base template has none for visitors), so every such visitor of a
URL sees the same page: it is rendered once per `PUBLIC_PAGE_CACHE_SECONDS` and shared
through the cache (Redis in production). Signed-in residents and staff always get a fresh
page. A cache outage only costs the rendering.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers

from shaar.lib.http import HtmxHttpRequest


def _key(request: HttpRequest) -> str:
    return "page:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def _personal(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or "CSRF_COOKIE" in request.META
                or (session is not None and session.modified))


def shared_with_visitors(view: Callable[..., HttpResponseBase]
                         ) -> Callable[..., HttpResponseBase]:
    """Decorates a public GET view (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        # htmx asks the same URL for a fragment: never shared with the whole page.
        if (not seconds or request.method != "GET" or request.COOKIES
                or request.htmx):
            return view(request, *args, **kwargs)
        key = _key(request)
        try:
            stored = cache.get(key)
        except Exception:  # a cache outage must not take the page down with it
            stored = None
        if stored is not None:
            content, content_type = stored
            shared = HttpResponse(content, content_type=content_type)
            # As the rendered page said: a visitor with cookies may see another one.
            patch_vary_headers(shared, ("Cookie",))
            return shared
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()
        # Only a plain page: not an error, a redirect, a stream or one that sets a cookie, and
        # never one with a form token (the CSRF cookie is only added after this decorator,
        # by the middleware) or one that wrote to the session: those belong to one visitor.
        if (response.status_code == 200 and isinstance(response, HttpResponse)
                and not response.cookies
                and not response.has_header("Cache-Control") and not _personal(request)):
            with contextlib.suppress(Exception):
                cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
