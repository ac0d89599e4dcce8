from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.city.models import City
from shaar.lib.text import clean_data, clean_text, needs_cleaning

logger = logging.getLogger(__name__)


class CityDefaultLanguageMiddleware:
    """When the browser states no language and none was chosen before, use the city's
    default language (set in the admin) rather than the LANGUAGE_CODE setting."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if (
            "HTTP_ACCEPT_LANGUAGE" not in request.META
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            request.META["HTTP_ACCEPT_LANGUAGE"] = City.current().default_language
        return self.get_response(request)


class CityTimeZoneMiddleware:
    """Show and read times on the city's clock (its time zone is set in the admin), so the
    pages' "(… time)" notes are true for any city, whatever the TIME_ZONE setting says."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            zone = City.current().zone
        except DatabaseError:
            # An outage: let the view meet it, so /healthz still reports and pages answer
            # 503 (shaar.ops); TIME_ZONE stays active meanwhile.
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


class CleanInputMiddleware:
    """Every text that enters through a request passes `shaar.lib.text.clean_text` here,
    once for all forms, the API and Open311 (query strings, form fields, JSON bodies). A
    body that cannot be parsed (multipart without a boundary, broken encoding, too many
    fields) is a 400 here too, in the format of the door it came through."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._clean(request)
        except (MultiPartParserError, SuspiciousOperation, BadRequest, UnicodeDecodeError,
                ValueError) as exc:
            logger.info("Malformed request body: %s", exc)
            return malformed_body(request)
        return self.get_response(request)

    @staticmethod
    def _clean(request) -> None:
        if needs_cleaning(request.GET.values()) or needs_cleaning(request.GET.keys()):
            request.GET = _cleaned(request.GET)
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.content_type == "application/json":
            # Parsed, as JSON writes a control character as an escape ("\u001b").
            if request.body:
                data = json.loads(request.body)
                cleaned = clean_data(data)
                if cleaned != data:
                    request._body = json.dumps(cleaned, ensure_ascii=False).encode()
            return
        post = request.POST  # parses the form or multipart body once, files included
        if needs_cleaning(post.keys()) or any(needs_cleaning(post.getlist(k)) for k in post):
            request._post = _cleaned(post)


def _cleaned(data: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True)
    for key in data:
        copy.setlist(clean_text(key), [clean_text(v) for v in data.getlist(key)])
    copy._mutable = False
    return copy


def malformed_body(request) -> HttpResponse:
    message = _("The request could not be read. Please check what you sent and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    if request.path.startswith("/open311/"):
        fmt = "xml" if request.path.endswith(".xml") else "json"
        from shaar.api.open311.views import Open311Error, render_error

        return render_error(Open311Error(400, "The request body could not be read."), fmt)
    from .views import bad_request

    return bad_request(request).render()
