"""Open311 GeoReport v2, as http://wiki.open311.org/GeoReport_v2 defines it.

Every endpoint answers in JSON or XML by its extension. Errors are the specification's
error array (`[{"code": 400, "description": "..."}]`, `<errors><error>…`) with a 4xx
status: 400 bad or missing parameters, 403 a bad api_key, 404 an unknown service or
request. Two common extensions: `page`/`page_size` on GET requests, and
`extensions=true`, which adds `notes` (the public update history) to each request.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from shaar.city.models import City
from shaar.feedback import actions, reference, selectors
from shaar.feedback.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ApiClient,
    Category,
    Channel,
    Report,
)
from shaar.lib import uploadlimits
from shaar.lib.ids import parse_id

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
DEFAULT_DAYS = 90  # the specification's default window for GET requests


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def w3c(dt: datetime | None) -> str:
    """W3C date-time with the offset, in the city's time zone: 2026-11-27T10:00:00+06:00."""
    if dt is None:
        return ""
    return timezone.localtime(dt).isoformat(timespec="seconds")


# --- rendering ------------------------------------------------------------------------------
ITEM_TAGS = {"formats": "format", "endpoints": "endpoint", "values": "value",
             "attributes": "attribute", "notes": "note", "keywords": "keyword"}


def _xml_dict(parent: Element, data: dict) -> None:
    for key, value in data.items():
        node = SubElement(parent, key)
        if isinstance(value, dict):
            _xml_dict(node, value)
        elif isinstance(value, list):
            tag = ITEM_TAGS.get(key, "item")
            for item in value:
                child = SubElement(node, tag)
                if isinstance(item, dict):
                    _xml_dict(child, item)
                else:
                    child.text = str(item)
        elif isinstance(value, bool):
            node.text = "true" if value else "false"
        elif value is not None:
            node.text = str(value)


def render(data: Any, fmt: str, *, root: str, item: str | None = None,
           status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(data, status=status, safe=False,
                            json_dumps_params={"ensure_ascii": False})
    top = Element(root)
    if isinstance(data, list):
        for row in data:
            _xml_dict(SubElement(top, item or "item"), row)
    else:
        _xml_dict(top, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + tostring(top, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def render_error(exc: Open311Error, fmt: str) -> HttpResponse:
    return render([{"code": exc.status, "description": exc.description}], fmt,
                  root="errors", item="error", status=exc.status)


def endpoint(view):
    """Resolve the format, turn Open311Error and validation errors into the error array."""

    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        fmt = fmt.lower()
        if fmt not in ("json", "xml"):
            return render_error(Open311Error(400, "Unsupported format: use .json or .xml."),
                                "json")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            response = render_error(exc, fmt)
            if exc.status == 405:  # RFC 9110: say which methods are allowed
                # (requests.{format} takes new requests too)
                response["Allow"] = "GET, POST" if view.__name__ == "requests_view" else "GET"
            return response
        except ValidationError as exc:
            return render_error(Open311Error(400, " ".join(exc.messages)), fmt)

    wrapper.__name__ = view.__name__
    return csrf_exempt(wrapper)


@cache
def _description() -> dict:
    return json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))


def openapi_description(request: HttpRequest) -> JsonResponse:
    """This implementation described in OpenAPI 3 (a static file, checked against the views
    by the schemathesis fuzz test in shaar/api/tests/test_fuzz.py)."""
    return JsonResponse(_description(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return render_error(Open311Error(404, "Unknown Open311 endpoint: see discovery.json."),
                        "xml" if request.path.lower().endswith(".xml") else "json")


# --- discovery and services -----------------------------------------------------------------
@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed.")
    city = City.current()
    base = request.build_absolute_uri("/open311/v2/")
    changeset = w3c(timezone.now().replace(hour=0, minute=0, second=0, microsecond=0))
    data = {
        "changeset": changeset,
        "contact": f"{city.name} City Hall" + (f", {city.hotline_phone}"
                                               if city.hotline_phone else ""),
        "key_service": request.build_absolute_uri(reverse("feedback:open311-docs")),
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                       "url": base, "changeset": changeset,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }
    return render(data, fmt, root="discovery")


def _service(c: Category, *, has_questions: bool | None = None) -> dict[str, Any]:
    """`has_questions` when the caller has the questions (prefetched), else one query."""
    return {"service_code": c.code, "service_name": c.name, "description": c.description,
            "metadata": c.questions.exists() if has_questions is None else has_questions,
            "type": "realtime", "keywords": c.keywords, "group": c.get_group_display()}


@endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed.")
    cats = list(Category.objects.filter(is_active=True).prefetch_related("questions"))
    return render([_service(c, has_questions=bool(c.questions.all())) for c in cats], fmt,
                  root="services", item="service")


@endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, f"Unknown service_code: {code}")
    attributes = []
    for q in category.questions.all():
        attribute: dict[str, Any] = {
            "variable": True, "code": q.code, "datatype": q.datatype,
            "required": q.required, "datatype_description": q.get_datatype_display(),
            "order": q.order, "description": q.label}
        if q.is_list:
            attribute["values"] = [{"key": k, "name": n} for k, n in q.choices()]
        attributes.append(attribute)
    return render({"service_code": category.code, "attributes": attributes}, fmt,
                  root="service_definition")


# --- requests -------------------------------------------------------------------------------
def open311_status(report: Report) -> str:
    return "open" if report.status in OPEN_STATUSES else "closed"


def request_dict(report: Report, request: HttpRequest, *, extensions: bool = False
                 ) -> dict[str, Any]:
    """A report as an Open311 request: public fields only (no reporter details)."""
    photos = [p for p in report.photos.all() if not p.is_hidden]
    data: dict[str, Any] = {
        "service_request_id": str(report.pk),
        "status": open311_status(report),
        "status_notes": report.status_note,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": str(report.responsible) if report.responsible else "",
        "service_notice": "",
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.resolve_due_at) if report.is_open else "",
        "address": report.address,
        "address_id": "",
        "zipcode": "",
        # Empty for a request sent with an address only that could not be placed.
        "lat": round(report.lat, 6) if report.lat is not None else "",
        "long": round(report.lon, 6) if report.lon is not None else "",
        "media_url": request.build_absolute_uri(photos[0].image.url) if photos else "",
    }
    if extensions:
        data["extended_attributes"] = {"detailed_status": report.status.upper(),
                                       "district": report.district.code if report.district
                                       else "",
                                       "channel": report.channel}
        data["notes"] = [{"datetime": w3c(e.created_at), "description": e.text,
                          "status": e.to_status or "", "type": e.kind}
                         for e in selectors.public_timeline(report)]
    return data


def _parse_date(name: str, value: str) -> datetime:
    parsed = parse_datetime(value.strip().replace(" ", "+"))
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2026-01-31T10:00:00+06:00.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(name: str, value: str, default: int, *, lo: int, hi: int) -> int:
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a whole number.") from None
    if not lo <= number <= hi:
        raise Open311Error(400, f"{name} must be between {lo} and {hi}.")
    return number


def _request_id(value: str) -> int | None:
    """The id in `value` (ASCII digits: str.isdigit() also accepts "²"); None for a number
    no request can have (0, or more than the database holds): it is simply not found."""
    if not (value.isascii() and value.isdigit()):
        raise Open311Error(400, "service_request_id must be a comma-separated list of ids.")
    return parse_id(value)


def _extensions(query) -> bool:
    value = query.get("extensions", "").lower()
    if value not in ("", "true", "false"):
        raise Open311Error(400, "extensions must be true or false.")
    return value == "true"


@endpoint
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed.")
    g = request.GET
    extensions = _extensions(g)
    # Every parameter is checked, even those that service_request_id overrides.
    ids = [_request_id(i.strip()) for i in g.get("service_request_id", "").split(",")
           if i.strip()]
    codes = [c.strip() for c in g.get("service_code", "").split(",") if c.strip()]
    end = _parse_date("end_date", g["end_date"]) if g.get("end_date") else None
    start = _parse_date("start_date", g["start_date"]) if g.get("start_date") else None
    if start and end and start > end:
        raise Open311Error(400, "start_date must be before end_date.")
    wanted = {s.strip().lower() for s in g.get("status", "").split(",") if s.strip()}
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed.")
    qs = selectors.public_reports().prefetch_related("photos")
    if ids:
        # An id no request can have (None) matches nothing, as in the database.
        qs = qs.filter(pk__in=[i for i in ids if i is not None])
    else:
        if codes:
            qs = qs.filter(category__code__in=codes)
        if start is None and end is None:
            start = timezone.now() - timedelta(days=DEFAULT_DAYS)
        if start:
            qs = qs.filter(created_at__gte=start)
        if end:
            qs = qs.filter(created_at__lte=end)
        if wanted == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            qs = qs.filter(status__in=CLOSED_STATUSES)
    page = _int("page", g.get("page", ""), 1, lo=1, hi=100_000)
    page_size = _int("page_size", g.get("page_size", ""), DEFAULT_PAGE_SIZE, lo=1,
                     hi=MAX_PAGE_SIZE)
    rows = qs.order_by("-created_at", "-id")[(page - 1) * page_size: page * page_size]
    data = [request_dict(r, request, extensions=extensions) for r in rows]
    return render(data, fmt, root="service_requests", item="request")


@endpoint
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed.")
    try:
        pk = _request_id(request_id)
    except Open311Error:
        pk = None
    report = (selectors.public_reports().prefetch_related("photos").filter(pk=pk).first()
              if pk else None)
    if report is None:
        raise Open311Error(404, f"Unknown service_request_id: {request_id}")
    extensions = _extensions(request.GET)
    return render([request_dict(report, request, extensions=extensions)], fmt,
                  root="service_requests", item="request")


@endpoint
def token_view(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    import uuid

    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, f"Unknown token: {token}") from None
    report = Report.objects.filter(token=value).first()
    if report is None:
        raise Open311Error(404, f"Unknown token: {token}")
    return render([{"service_request_id": str(report.pk), "token": str(report.token)}], fmt,
                  root="service_requests", item="request")


def _attributes(post) -> dict[str, Any]:
    """attribute[CODE]=value, and attribute[CODE][]=value for several values."""
    out: dict[str, Any] = {}
    for name in post:
        if not name.startswith("attribute[") or "]" not in name:
            continue
        code = name[len("attribute["):name.index("]")]
        values = post.getlist(name)
        out[code] = values if name.endswith("[]") or len(values) > 1 else values[0]
    return out


def _fetch_media(url: str) -> bytes | None:
    """Fetch media_url only from the allowed hosts, with size and time limits."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in set(
            settings.FEEDBACK_MEDIA_URL_HOSTS):
        return None
    limit = uploadlimits.max_bytes("feedback")
    try:
        with requests.get(url, timeout=10, stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                return None
            data = b""
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > limit:
                    raise Open311Error(400, "media_url: the image is larger than allowed.")
            return data
    except requests.RequestException:
        logger.warning("Open311 media_url could not be fetched: %s", url)
        return None


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    client = ApiClient.objects.for_api_key(post.get("api_key", ""))
    if client is None:
        raise Open311Error(403, "Invalid or missing api_key.")
    code = post.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    category = reference.active_category(code)
    if category is None:
        raise Open311Error(404, f"Unknown service_code: {code}")
    lat, lon = post.get("lat", "").strip(), post.get("long", "").strip()
    address = post.get("address_string", "").strip()
    if not (lat and lon) and not address:
        raise Open311Error(400, "A location is required: lat and long, or address_string.")
    lat_f = lon_f = None
    if lat or lon:
        try:
            lat_f, lon_f = float(lat), float(lon)
        except ValueError:
            raise Open311Error(400, "lat and long must be numbers.") from None
        if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
            raise Open311Error(400, "lat and long are out of range.")
    description = post.get("description", "").strip()
    if not description:
        raise Open311Error(400, "description is required.")
    try:
        answers = actions.clean_answers(category=category, raw=_attributes(post))
    except ValidationError as exc:
        raise Open311Error(400, "Invalid attribute: " + " ".join(exc.messages)) from None
    media = _fetch_media(post["media_url"]) if post.get("media_url") else None
    name = " ".join(p for p in (post.get("first_name", ""), post.get("last_name", "")) if p)
    fingerprint = actions.body_fingerprint(
        {k: post.getlist(k) for k in sorted(post) if k != "api_key"} | {"client": client.pk})

    def run() -> tuple[int, dict]:
        report = actions.report_create(
            category=category, lat=lat_f, lon=lon_f, description=description,
            address=address, answers=answers,
            photo_bytes=[media] if media else [], contact_name=name[:200],
            contact_email=post.get("email", "")[:254], contact_phone=post.get("phone", "")[:30],
            channel=client.channel or Channel.OPEN311, client=client)
        notice = ""
        if report.responsible is None:
            notice = "Sent to the city triage queue."
        return 201, {"service_request_id": str(report.pk), "service_notice": notice,
                     "account_id": ""}

    key = request.headers.get("Idempotency-Key", "").strip()
    if key:
        key = f"open311:{client.pk}:{key}"
    try:
        status, body = actions.idempotent(key=key, fingerprint=fingerprint, run=run,
                                          look_first=media is not None)
    except actions.IdempotencyConflict:
        raise Open311Error(422, "This Idempotency-Key was already used for a different "
                                "request.") from None
    return render([body], fmt, root="service_requests", item="request", status=status)
