"""Pages for residents (report, follow, map, list, statistics) and staff (inbox)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shaar.city.maps import base_map_config
from shaar.city.models import City, District
from shaar.lib import csvout
from shaar.lib.http import AuthenticatedHttpRequest
from shaar.lib.i18n import localized
from shaar.lib.ids import parse_ids
from shaar.lib.months import parse_month
from shaar.lib.pagecache import shared_with_visitors
from shaar.web.ratelimits import limit_write

from . import actions, exports, selectors, tasks
from .anonymous import TooManyFromThisConnection, support_key
from .forms import (
    AppealForm,
    AssignForm,
    BulkStatusForm,
    InboxFilterForm,
    ModerateForm,
    RatingForm,
    ReportForm,
    RerouteForm,
    StatusForm,
    TextForm,
    UpdateForm,
)
from .models import ApiClient, Category, Channel, Photo, Report, Status
from .rules import can_work_report, is_moderator, is_triage


# --- access helpers -------------------------------------------------------------------------
def access_public_report(report_id: int) -> Report:
    report = (Report.objects.select_related("category", "district", "organisation",
                                            "department")
              .prefetch_related("photos").filter(pk=report_id).first())
    if report is None or report.is_hidden:
        raise Http404
    return report


def access_report_for_staff(user, report_id: int) -> Report:
    report = (Report.objects.select_related("category", "district", "organisation",
                                            "department", "assignee", "duplicate_of")
              .prefetch_related("photos").filter(pk=report_id).first())
    if report is None:
        raise Http404
    if not (can_work_report(user, report) or is_moderator(user)):
        raise PermissionDenied
    return report


def _map_context() -> dict:
    labels = {"categories": {c.code: c.name for c in Category.objects.all()},
              "statuses": {value: str(label) for value, label in Status.choices},
              "detail": reverse("feedback:detail", args=[0])[:-2]}
    districts = [{"code": d.code, "name": d.name, "boundary": d.boundary}
                 for d in District.objects.filter(boundary__isnull=False)]
    return {"map_config": {**base_map_config(), "districts": districts, **labels}}


# --- residents ------------------------------------------------------------------------------
def _chosen_category(request: HttpRequest) -> Category | None:
    code = request.POST.get("category") or request.GET.get("category")
    return Category.objects.filter(code=code, is_active=True).first() if code else None


def _report_from_form(form: ReportForm, category: Category, **more: Any) -> Report:
    """A report from what the resident's form and the appeal form share, and `more`."""
    data = form.cleaned_data
    return actions.report_create(
        category=category, lat=data["lat"], lon=data["lon"], description=data["description"],
        address=data["address"], answers=form.answers(), photos=data["photos"],
        contact_name=data["contact_name"], contact_email=data["contact_email"],
        contact_phone=data["contact_phone"], **more)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    category = _chosen_category(request)
    form = ReportForm(request.POST or None, request.FILES or None, category=category)
    status = 200
    if request.method == "POST":
        limit_write(request, "feedback-report")
        if form.is_valid() and category is not None:
            try:
                report = _report_from_form(
                    form, category, channel=Channel.WEB,
                    reporter=request.user if request.user.is_authenticated else None)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                return redirect("feedback:follow", token=report.token)
        else:
            status = 400
    categories = Category.objects.filter(is_active=True).prefetch_related("questions")
    context = {"form": form, "category": category, "categories": categories,
               "question_sets": form.question_sets(categories),
               "submit_url": reverse("api-1:feedback_report_create"),
               "outbox_text": {
                   "offline": _("No network: your report is saved on this phone and will be "
                                "sent when you are back online."),
                   "pending": _("A saved report is waiting to be sent."),
                   "sent": _("Your saved report has been sent."),
                   "refused": _("The report could not be accepted. Please check it."),
                   "pin": _("Tap the map to show where the problem is."),
                   "category": _("Choose what kind of problem it is."),
               },
               **_map_context()}
    return TemplateResponse(request, "feedback/report_new.html", context, status=status)


@require_GET
def my_reports(request: HttpRequest) -> TemplateResponse:
    """A signed-in resident's reports and their progress. Anyone else is told how to
    follow a report sent without signing in: its private link."""
    page = None
    if request.user.is_authenticated:
        page = Paginator(selectors.reports_of_reporter(request.user), 50).get_page(
            request.GET.get("page"))
    return TemplateResponse(request, "feedback/my_reports.html", {"page": page, "query": ""})


@require_GET
def nearby(request: HttpRequest) -> TemplateResponse:
    category = Category.objects.filter(code=request.GET.get("category", "")).first()
    lat: float | None
    lon: float | None
    try:
        lat, lon = float(request.GET.get("lat", "")), float(request.GET.get("lon", ""))
    except ValueError:
        lat = lon = None
    reports = []
    if (category and lat is not None and lon is not None and -90 <= lat <= 90
            and -180 <= lon <= 180):
        reports = selectors.nearby_open_reports(category=category, lat=lat, lon=lon)
    return TemplateResponse(request, "feedback/report_new.html#nearby", {"nearby": reports})


@require_POST
def support(request: HttpRequest, report_id: int) -> HttpResponse:
    """"Me too" from the web form (CSRF-checked by the middleware)."""
    report = access_public_report(report_id)
    try:
        key = support_key(request, report.pk)
    except TooManyFromThisConnection:
        messages.error(request, _("Too many “me too” from this connection. Please log in to "
                                  "add yours."))
        return redirect("feedback:detail", report_id=report.pk)
    try:
        added = actions.report_support(
            report=report, key=key,
            user=request.user if request.user.is_authenticated else None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:detail", report_id=report.pk)
    if added:
        messages.success(request, _("Thank you: your “me too” was added."))
    else:
        messages.info(request, _("You have already added your “me too” to this report."))
    return redirect("feedback:detail", report_id=report.pk)


@require_GET
@shared_with_visitors
def report_list(request: HttpRequest) -> TemplateResponse:
    form = InboxFilterForm(request.GET or None)
    params = _params(request)
    qs = selectors.filter_reports(selectors.public_reports(), params).order_by("-created_at")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return TemplateResponse(request, "feedback/report_list.html",
                            {"page": page, "form": form, **_downloads(request, params)})


@require_GET
@shared_with_visitors
def report_map(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "feedback/report_map.html",
                            {"form": InboxFilterForm(request.GET or None),
                             "points_url": reverse("feedback:map-clusters") + "?"
                             + _query(request),
                             **_map_context()})


@require_GET
def report_detail(request: HttpRequest, report_id: int) -> TemplateResponse:
    report = access_public_report(report_id)
    return TemplateResponse(request, "feedback/report_detail.html", {
        "report": report, "timeline": selectors.public_timeline(report),
        "photos": [p for p in report.photos.all() if not p.is_hidden],
        "can_work": can_work_report(request.user, report), **_map_context()})


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The reporter's private link: progress, and "Was it fixed?" after resolution."""
    report = get_object_or_404(Report.objects.select_related("category", "district"),
                               token=token)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limit_write(request, "feedback-rating")
        if form.is_valid():
            try:
                actions.report_rate(report=report, fixed=form.cleaned_data["fixed"],
                                    score=form.cleaned_data["score"],
                                    comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                messages.success(request, _("Thank you for your answer."))
                return redirect("feedback:follow", token=report.token)
        else:
            status = 400
    can_rate = (report.status == Status.RESOLVED and report.resolved_at is not None
                and not report.ratings.filter(created_at__gte=report.resolved_at).exists())
    return TemplateResponse(request, "feedback/follow.html", {
        "report": report, "form": form, "can_rate": can_rate,
        "timeline": selectors.public_timeline(report)}, status=status)


def _params(request: HttpRequest) -> dict:
    g = request.GET
    status = g.get("status", "")
    return {"category": g.get("category", ""), "district": g.get("district", ""),
            "status": status if status in ("open", "closed", *Status.values) else "",
            "channel": g.get("channel", "") if g.get("channel", "") in Channel.values else "",
            "month": parse_month(g.get("month")),
            "overdue": g.get("overdue") in ("on", "true", "1")}


def _downloads(request: HttpRequest, params: dict) -> dict[str, Any]:
    """What the download links (feedback/_downloads.html) need: the filters, and when the
    whole city's files were built if that is what they download."""
    built_at = None if any(params.values()) else exports.built_at(exports.CSV_NAME)
    return {"query": _query(request),
            "downloads_built_at": built_at and datetime.fromtimestamp(built_at, tz=UTC),
            "downloads_minutes": settings.FEEDBACK_EXPORTS_MINUTES}


def _query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


@require_GET
def stats(request: HttpRequest) -> TemplateResponse:
    params = _params(request)
    cached = selectors.cached_report_stats(params)
    data = _stats_in_words(cached["data"])
    chart = {"months": data["by_month"], "categories": data["by_category"],
             "statuses": [[label, n] for _c, label, n in data["by_status"]]}
    return TemplateResponse(request, "feedback/stats.html",
                            {"stats": data, "chart": chart, **_downloads(request, params),
                             "computed_at": cached["computed_at"],
                             "refresh_minutes": settings.FEEDBACK_STATS_MINUTES,
                             "form": InboxFilterForm(request.GET or None)})


def _month_in_words(key: str) -> str:
    """"2026-07" as the page's language writes a month; the month still running says so,
    so that its lower count does not read as a drop."""
    month = date.fromisoformat(f"{key}-01")
    label = date_format(month, "YEAR_MONTH_FORMAT")
    today = timezone.localdate()
    if (month.year, month.month) == (today.year, today.month):
        return _("%(month)s (so far)") % {"month": label}
    return label


def _stats_in_words(data: dict) -> dict:
    """Names instead of codes and months in words, for people (the CSV keeps the codes)."""
    def name(row: dict, prefix: str) -> str:
        names = SimpleNamespace(**{key.removeprefix(prefix + "__"): value
                                   for key, value in row.items()})
        return localized(names, "name") or "—"

    return {**data,
            "by_month": [(_month_in_words(m), n) for m, n in data["by_month"]],
            "recent_months": [_month_in_words(m) for m in data["recent_months"]],
            "by_category": [(name(row, "category"), row["n"]) for row in data["by_category"]],
            "by_district": [(name(row, "district"), row["n"]) for row in data["by_district"]]}


# The whole city's exports are files built in the background and sent as they are
# (exports.py); filtered ones stream, read from the database in chunks and sent as they
# come, so they take no more memory than a few thousand rows.
def _published(params: dict, name: str, filename: str) -> HttpResponseBase | None:
    """The published whole-city file when `params` filter nothing, else None."""
    if any(params.values()):
        return None
    return exports.file_response(name, filename=filename)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    params = _params(request)
    if published := _published(params, exports.CSV_NAME, "reports.csv"):
        return published
    qs = selectors.filter_reports(selectors.public_reports(), params)
    return csvout.streaming_response("reports.csv", exports.CSV_FIELDS,
                                     exports.csv_rows(qs.order_by("id")))


MAP_LIMIT = 5000


@require_GET
def export_geojson(request: HttpRequest) -> HttpResponseBase:
    """Newest first: the latest MAP_LIMIT, or every report with ?download=1."""
    params = _params(request)
    download = request.GET.get("download") == "1"
    name = exports.geojson_name(get_language())
    if download and (published := _published(params, name, "reports.geojson")):
        return published
    qs = selectors.filter_reports(selectors.public_reports(), params)
    rows = exports.newest_first(qs) if download else qs.order_by("-created_at", "-id")[:MAP_LIMIT]
    response = StreamingHttpResponse(exports.geojson_chunks(rows),
                                     content_type=exports.CONTENT_TYPES[".geojson"])
    if download:
        response["Content-Disposition"] = 'attachment; filename="reports.geojson"'
    return response


@require_GET
@shared_with_visitors
def map_data(request: HttpRequest) -> JsonResponse:
    """Pins for the map page, newest first, at most MAP_LIMIT."""
    qs = selectors.filter_reports(selectors.public_reports(), _params(request))
    points, truncated = selectors.map_points(qs, MAP_LIMIT)
    return JsonResponse({"points": points, "truncated": truncated})


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


@require_GET
@shared_with_visitors
def map_clusters(request: HttpRequest) -> JsonResponse:
    """Groups of reports for the map's view (?bbox=west,south,east,north&zoom=z and the list's
    filters), grouped in the database so that a million reports cost one query."""
    bbox = _bbox(request.GET.get("bbox", ""))
    zoom = request.GET.get("zoom", "")
    if bbox is None or not zoom.isdigit() or int(zoom) > 22:
        return JsonResponse({"error": _("Give bbox=west,south,east,north and zoom=0…22.")},
                            status=400)
    qs = selectors.filter_reports(selectors.public_reports(), _params(request))
    return JsonResponse(selectors.map_clusters(qs, bbox=bbox, zoom=int(zoom)))


@require_GET
def open311_docs(request: HttpRequest) -> TemplateResponse:
    city = City.current()
    demo_key = None
    if city.demo_data_loaded and ApiClient.objects.filter(is_sample=True).exists():
        from .demo import DEMO_API_KEY

        demo_key = DEMO_API_KEY
    return TemplateResponse(request, "feedback/open311.html", {
        "demo_key": demo_key, "base": request.build_absolute_uri("/open311/v2/"),
        "categories": Category.objects.filter(is_active=True)})


# --- staff ----------------------------------------------------------------------------------
def _require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("feedback.view_inbox"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    qs = selectors.reports_for_inbox(request.user)
    if request.method == "POST":
        visible = list(qs.filter(pk__in=parse_ids(request.POST.getlist("ids")))
                       .values_list("pk", flat=True))
        bulk = BulkStatusForm(request.POST, allowed_ids=visible)
        if bulk.is_valid():
            reports = [r for r in qs.filter(pk__in=bulk.cleaned_data["ids"])
                       if can_work_report(request.user, r)]
            changed, failures = actions.report_bulk_status(
                reports=reports, actor=request.user, status=bulk.cleaned_data["status"],
                note=bulk.cleaned_data["note"])
            messages.success(request, _("%(n)d reports changed.") % {"n": changed})
            for failure in failures:
                messages.warning(request, failure)
        else:
            messages.error(request, _("Choose reports you may change and a status."))
        return redirect(request.get_full_path())
    form = InboxFilterForm(request.GET or None)
    params = _params(request)
    qs = selectors.filter_reports(qs, params)
    if request.GET.get("mine"):
        qs = qs.filter(assignee=request.user)
    sort = request.GET.get("sort") or "-created_at"
    if sort not in dict(InboxFilterForm.SORTS):
        sort = "-created_at"
    page = Paginator(qs.order_by(sort, "-id"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "feedback/inbox.html", {
        "page": page, "form": form, "query": _query(request),
        "statuses": Status.choices, "is_triage": is_triage(request.user)})


@login_required
@require_GET
def staff_report(request: AuthenticatedHttpRequest, report_id: int) -> TemplateResponse:
    report = access_report_for_staff(request.user, report_id)
    can_work = can_work_report(request.user, report)
    events = report.events.select_related("actor")
    if not can_work:
        events = events.filter(is_public=True)
    return TemplateResponse(request, "feedback/staff_report.html", {
        "report": report, "events": events, "can_work": can_work,
        "can_reroute": is_triage(request.user), "can_moderate": is_moderator(request.user),
        "update_form": UpdateForm(report=report),
        "answers": selectors.readable_answers(report),
        "assign_form": AssignForm(report=report, initial={"assignee": report.assignee_id}),
        "reroute_form": RerouteForm(initial={"department": report.department_id,
                                             "organisation": report.organisation_id}),
        "moderate_form": ModerateForm(), "photos": list(report.photos.all()),
        **_map_context()})


STAFF_ACTIONS = {"update", "status", "reply", "note", "assign", "reroute", "moderate"}


@login_required
@require_POST
def staff_action(request: AuthenticatedHttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access_report_for_staff(request.user, report_id)
    if action not in STAFF_ACTIONS:
        raise Http404
    if action == "moderate":
        if not is_moderator(request.user):
            raise PermissionDenied
    elif action == "reroute":
        if not is_triage(request.user):
            raise PermissionDenied
    elif not can_work_report(request.user, report):
        raise PermissionDenied
    user = request.user
    done = [_("Saved.")]
    try:
        if action == "update":
            form: Form = UpdateForm(request.POST, report=report)
            if not form.is_valid():
                raise ValidationError([m for ms in form.errors.values() for m in ms])
            data = form.cleaned_data
            dup = (Report.objects.filter(pk=data["duplicate_of"]).first()
                   if data["duplicate_of"] else None)
            done = actions.report_update(report=report, actor=user, status=data["status"],
                                         public_note=data["public_note"],
                                         internal_note=data["internal_note"], duplicate_of=dup)
        elif action == "status":
            form = StatusForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a valid status."))
            dup = None
            if form.cleaned_data["duplicate_of"]:
                dup = Report.objects.filter(pk=form.cleaned_data["duplicate_of"]).first()
            actions.report_change_status(report=report, actor=user,
                                         status=form.cleaned_data["status"],
                                         note=form.cleaned_data["note"], duplicate_of=dup)
        elif action in ("reply", "note"):
            form = TextForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write the text first."))
            fn = actions.report_reply if action == "reply" else actions.report_note
            fn(report=report, actor=user, text=form.cleaned_data["text"])
        elif action == "assign":
            form = AssignForm(request.POST, report=report)
            if not form.is_valid():
                raise ValidationError(_("Choose a person who can work on this report."))
            assignee = form.cleaned_data["assignee"]
            actions.report_assign(report=report, actor=user, assignee=assignee)
            done = [_("Assigned to %(person)s.") % {"person": assignee} if assignee
                    else _("Nobody is assigned now.")]
        elif action == "reroute":
            form = RerouteForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a department or an organisation."))
            target = form.cleaned_data["department"] or form.cleaned_data["organisation"]
            actions.report_reroute(report=report, actor=user,
                                   department=form.cleaned_data["department"],
                                   organisation=form.cleaned_data["organisation"])
            done = [_("Sent to %(body)s.") % {"body": target} if target
                    else _("Sent back to city triage.")]
        else:
            form = ModerateForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Record the reason for the moderation."))
            data = form.cleaned_data
            photo = (Photo.objects.filter(pk=data["photo"], report=report).first()
                     if data["photo"] else None)
            actions.report_moderate(
                report=report, actor=user, reason=data["reason"],
                hide={"hide": True, "show": False}.get(data["hide"]),
                description=data["description"] or None, photo=photo,
                hide_photo=data["hide_photo"] if photo else None)
            done = [_("The moderation is recorded.")]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        response = redirect("feedback:staff-report", report_id=report.pk)
        response.status_code = 303
        return response
    messages.success(request, " ".join(str(line) for line in done))
    if not can_work_report(user, Report.objects.get(pk=report.pk)) and not is_moderator(user):
        return redirect("feedback:inbox")
    return redirect("feedback:staff-report", report_id=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("feedback.register_appeal"):
        raise PermissionDenied
    category = _chosen_category(request)
    form = AppealForm(request.POST or None, request.FILES or None, category=category)
    status = 200
    if request.method == "POST":
        if form.is_valid() and category is not None:
            try:
                report = _report_from_form(form, category,
                                           channel=form.cleaned_data["channel"],
                                           registered_by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                messages.success(request, _("Appeal #%(id)s registered.") % {"id": report.pk})
                return redirect("feedback:inbox")
        else:
            status = 400
    categories = Category.objects.filter(is_active=True).prefetch_related("questions")
    return TemplateResponse(request, "feedback/appeal_new.html", {
        "form": form, "category": category, "categories": categories,
        "question_sets": form.question_sets(categories), **_map_context()}, status=status)


@login_required
@require_GET
def systemic(request: AuthenticatedHttpRequest) -> TemplateResponse:
    if not request.user.has_perm("feedback.view_systemic"):
        raise PermissionDenied
    data = cache.get(tasks.SYSTEMIC_CACHE_KEY)
    if data is None:
        # Not computed yet (a fresh cache): ask for it once. Eager Celery (development,
        # tests) computes it right here; a worker does so within a minute.
        if cache.add(tasks.SYSTEMIC_CACHE_KEY + ":queued", 1, timeout=600):
            tasks.compute_systemic.delay()
        data = cache.get(tasks.SYSTEMIC_CACHE_KEY)
    clusters = data["clusters"] if data else []
    points = [{"lat": c.lat, "lon": c.lon, "size": c.size, "category": c.category.name}
              for c in clusters]
    return TemplateResponse(request, "feedback/systemic.html", {
        "clusters": clusters, "cluster_total": data["cluster_total"] if data else 0,
        "recurring": data["recurring"] if data else [],
        "computed_at": data["computed_at"] if data else None, "pending": data is None,
        # Links to up to 2,000 reports: one reverse() instead of one per link.
        "staff_base": reverse("feedback:staff-report", args=[0])[:-2],
        "refresh_minutes": settings.FEEDBACK_SYSTEMIC_MINUTES,
        "settings": {"metres": settings.FEEDBACK_CLUSTER_METRES,
                     "days": settings.FEEDBACK_CLUSTER_DAYS,
                     "min": settings.FEEDBACK_CLUSTER_MIN_REPORTS},
        "cluster_points": points, **_map_context()})

