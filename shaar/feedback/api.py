"""/api/v1/feedback/: categories, reports (list, map, detail, nearby), submission with
Idempotency-Key, "me too" and "Was it fixed?". Personal data is never returned."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.utils import check_csrf

from shaar.lib.apischemas import MAX_PAGE, ErrorOut
from shaar.lib.ids import MAX_ID
from shaar.lib.months import parse_month
from shaar.web.ratelimits import limit_write

from . import actions, reference, selectors
from . import photos as photo_checks
from .anonymous import TooManyFromThisConnection, support_key
from .models import DESCRIPTION_MAX_LENGTH, Category, Channel, IdempotencyKey, Report

router = Router(tags=["feedback"])


class OptionOut(Schema):
    key: str
    name: str


class QuestionOut(Schema):
    code: str
    datatype: str
    required: bool
    label: str
    values: list[OptionOut]


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    description: str
    target_hours_acknowledge: int
    target_hours_resolve: int
    questions: list[QuestionOut]


class ReportOut(Schema):
    id: int
    category: str
    category_name: str
    status: str
    status_label: str
    status_note: str
    channel: str
    lat: float | None  # None: sent with an address only, not placed on the map
    lon: float | None
    address: str
    district: str | None
    description: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    supporters: int
    overdue: bool
    is_sample: bool


class ReportDetailOut(ReportOut):
    photos: list[str]
    timeline: list[dict[str, Any]]


class ReportPage(Schema):
    items: list[ReportOut]
    page: int
    page_size: int
    has_next: bool


class ReportIn(Schema):
    category: str
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX_LENGTH,
                             pattern=r"\S")
    address: str = ""
    answers: str = "{}"
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    channel: str = "app"


class CreatedOut(Schema):
    id: int
    token: str
    url: str
    follow_url: str
    status: str
    district: str | None
    responsible: str | None


class RatingIn(Schema):
    fixed: bool
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


def _category_out(c: Category) -> dict:
    return {"code": c.code, "name": c.name, "group": c.group, "description": c.description,
            "target_hours_acknowledge": c.target_hours_acknowledge,
            "target_hours_resolve": c.target_hours_resolve,
            "questions": [{"code": q.code, "datatype": q.datatype, "required": q.required,
                           "label": q.label,
                           "values": [{"key": k, "name": n} for k, n in q.choices()]}
                          for q in c.questions.all()]}


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in
                  exc.error_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return {"detail": " ".join(m for ms in errors.values() for m in ms), "errors": errors}


@router.get("/categories", response=list[CategoryOut], url_name="feedback_categories")
def categories(request: HttpRequest):
    return [_category_out(c) for c in
            Category.objects.filter(is_active=True).prefetch_related("questions")]


@router.get("/categories/{code}", response={200: CategoryOut, 404: ErrorOut})
def category_detail(request: HttpRequest, code: str):
    c = Category.objects.filter(code=code, is_active=True).first()
    if c is None:
        return Status(404, {"detail": _("Unknown category.")})
    return _category_out(c)


@router.get("/reports", response={200: ReportPage}, url_name="feedback_reports")
def reports(request: HttpRequest, district: str = "", month: str = "", category: str = "",
            status: str = "", page: int = Query(1, ge=1, le=MAX_PAGE),
            page_size: int = 100):
    """Public reports, newest first; filter by district code, month (YYYY-MM), category
    and status (a status, `open` or `closed`). No total count: pages are cheap."""
    page_size = min(max(page_size, 1), 500)
    qs = selectors.filter_reports(selectors.public_reports(), {
        "district": district, "month": parse_month(month), "category": category,
        "status": status}).order_by("-created_at", "-id")
    rows = list(selectors.public_rows(qs[(page - 1) * page_size: page * page_size + 1]))
    return {"items": rows[:page_size], "page": page,
            "page_size": page_size, "has_next": len(rows) > page_size}


@router.get("/reports/nearby", response=list[ReportOut])
def reports_nearby(request: HttpRequest, category: str, lat: float, lon: float):
    """Open reports of the category within FEEDBACK_NEARBY_METRES: offer "me too"."""
    c = Category.objects.filter(code=category).first()
    if c is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return []
    return [selectors.public_report(r) for r in
            selectors.nearby_open_reports(category=c, lat=lat, lon=lon)]


@router.get("/reports/{report_id}", response={200: ReportDetailOut, 404: ErrorOut})
def report_detail(request: HttpRequest, report_id: int = Path(..., ge=1, le=MAX_ID)):
    report = (Report.objects.public().select_related("category", "district")
              .prefetch_related("photos").filter(pk=report_id).first())
    if report is None:
        return Status(404, {"detail": _("Report not found.")})
    data = selectors.public_report(report, with_photos=True, request=request)
    data["timeline"] = [{"at": e.created_at, "kind": e.kind, "status": e.to_status,
                         "text": e.text} for e in selectors.public_timeline(report)]
    return data


def _created(request: HttpRequest, report: Report) -> dict:
    return {"id": report.pk, "token": str(report.token),
            "url": reverse("feedback:detail", args=[report.pk]),
            "follow_url": reverse("feedback:follow", args=[report.token]),
            "status": report.status,
            "district": report.district.code if report.district else None,
            "responsible": str(report.responsible) if report.responsible else None}


@router.post("/reports", url_name="feedback_report_create",
             response={201: CreatedOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut,
                       429: ErrorOut})
def report_create(request: HttpRequest, data: Form[ReportIn],
                  # django-ninja's optional file part: None when the request has none.
                  photos: File[list[UploadedFile]] = None):  # type: ignore[assignment]
    """Submit a report (multipart). Send an `Idempotency-Key` header: a retry with the same
    key and body returns the first response and creates nothing; the same key with a
    different body gets 422. Keys are kept for 24 hours."""
    user = request.user if request.user.is_authenticated else None
    if user is not None and check_csrf(request) is not None:
        return Status(403, {"detail": _("The security token is missing. Reload the page.")})
    if "photos" in request.POST:  # sent as text, not as files
        return Status(400, {"detail": _("Send photos as files."),
                            "errors": {"photos": [_("Send photos as files.")]}})
    try:
        photo_bytes = [photo_checks.read_upload(p) for p in photos or []]
        answers = json.loads(data.answers or "{}")
        if not isinstance(answers, dict):
            raise ValueError
    except ValidationError as exc:
        return Status(400, _errors(exc))
    except ValueError:
        return Status(400, {"detail": _("The answers must be a JSON object."),
                            "errors": {"answers": [_("The answers must be a JSON object.")]}})
    key = request.headers.get("Idempotency-Key", "").strip()
    fingerprint = actions.body_fingerprint(
        {**data.dict(), "user": user.pk if user else None}, photo_bytes)

    def run() -> tuple[int, dict]:
        category = reference.active_category(data.category)
        if category is None:
            raise ValidationError({"category": _("Unknown category.")})
        channel = data.channel if data.channel in (Channel.WEB, Channel.APP) else Channel.APP
        report = actions.report_create(
            category=category, lat=data.lat, lon=data.lon, description=data.description,
            address=data.address, answers=answers, photo_bytes=photo_bytes, reporter=user,
            contact_name=data.contact_name, contact_email=data.contact_email,
            contact_phone=data.contact_phone, channel=channel)
        return 201, _created(request, report)

    # A retry of a stored submission is never rate-limited: it creates nothing.
    if not (key and IdempotencyKey.objects.filter(key=key).exists()):
        limit_write(request, "feedback-report")
    try:
        status, body = actions.idempotent(key=key, fingerprint=fingerprint, run=run,
                                          look_first=bool(photo_bytes))
    except actions.IdempotencyConflict:
        return Status(422, {"detail": _("This Idempotency-Key was already used for a "
                                        "different request.")})
    except ValidationError as exc:
        return Status(400, _errors(exc))
    return Status(status, body)


@router.post("/reports/{report_id}/me-too",
             response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut})
def report_support(request: HttpRequest, report_id: int = Path(..., ge=1, le=MAX_ID)):
    """"Me too", as the web form: the CSRF cookie and header of a page of this site, one per
    account, or per browser within limits per address."""
    report = Report.objects.public().filter(pk=report_id).first()
    if report is None:
        return Status(404, {"detail": _("Report not found.")})
    user = request.user if request.user.is_authenticated else None
    if check_csrf(request) is not None:
        return Status(403, {"detail": _("The security token is missing. Reload the page.")})
    try:
        key = support_key(request, report.pk)
    except TooManyFromThisConnection:
        return Status(429, {"detail": _("Too many “me too” from this connection. Please log "
                                        "in to add yours.")})
    try:
        added = actions.report_support(report=report, key=key, user=user)
    except ValidationError as exc:  # the report's state (closed) refuses it: a conflict
        return Status(409, _errors(exc))
    report.refresh_from_db(fields=["supporter_count"])
    return {"added": added, "supporters": report.supporter_count}


@router.post("/follow/{token}/rating",
             response={201: dict, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut})
def report_rate(request: HttpRequest, token: str, data: RatingIn):
    """"Was it fixed?" with the private token the reporter got at submission."""
    report = Report.objects.filter(token=token).first() if _is_uuid(token) else None
    if report is None:
        return Status(404, {"detail": _("Report not found.")})
    limit_write(request, "feedback-rating")
    try:
        actions.report_rate(report=report, fixed=data.fixed, score=data.score,
                            comment=data.comment)
    except ValidationError as exc:  # not resolved, or rated already: the report's state
        return Status(409 if exc.code == "conflict" else 400, _errors(exc))
    report.refresh_from_db(fields=["status"])
    return Status(201, {"status": report.status})


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
