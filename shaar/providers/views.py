"""Pages of provider monitoring: thin views over selectors (reads) and actions (writes)."""

from __future__ import annotations

from datetime import date
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shaar.accounts.rules import is_city_admin, organisation_ids
from shaar.city.maps import base_map_config
from shaar.city.models import City, Organisation
from shaar.lib import csvout
from shaar.lib.forms import submit_form
from shaar.lib.http import AuthenticatedHttpRequest

from . import actions, metrics, selectors
from .figures import DRILLDOWN_LABELS, FIGURES, methodology_notes
from .forms import ResponseForm, ServiceLevelForm, SurveyAnswerForm
from .models import (
    ProviderProfile,
    Scorecard,
    ScorecardResponse,
    Sector,
    ServiceLevel,
    Subscription,
    Survey,
)
from .sources import get_source

# Which drill-down list explains each figure.
FIGURE_DRILLDOWN = {
    "reports_received": "reports_received", "acknowledged_within_sla": "acknowledged_late",
    "resolved_within_sla": "resolved_late", "backlog": "backlog", "overdue": "overdue",
    "reopen_rate": "reopened", "rejected_share": "rejected",
    "confirmed_fixed_share": "confirmed_fixed", "disputed_share": "disputed",
}


# --- access helpers ------------------------------------------------------------------------

def access_provider(code: str) -> ProviderProfile:
    return get_object_or_404(ProviderProfile.objects.listed(), organisation__code=code)


def access_provider_for_staff(user, organisation_id: int) -> ProviderProfile:
    """The provider whose drill-down `user` may see, or 404/403."""
    profile = get_object_or_404(ProviderProfile.objects.select_related("organisation"),
                                organisation_id=organisation_id)
    if not user.has_perm("providers.view_drilldown", profile.organisation):
        raise PermissionDenied
    return profile


def access_provider_for_levels(user, organisation_id: int) -> ProviderProfile:
    profile = get_object_or_404(ProviderProfile.objects.select_related("organisation"),
                                organisation_id=organisation_id)
    if not user.has_perm("providers.set_service_levels"):
        raise PermissionDenied
    return profile


def _month_param(request: HttpRequest, months: list[date]) -> tuple[date | None, str]:
    default = selectors.latest_month(months)
    raw = request.GET.get("month")
    if not raw:
        return default, ""
    try:
        return selectors.parse_month(raw), ""
    except ValidationError as exc:
        return default, exc.messages[0]


def _sector_param(request: HttpRequest) -> str:
    sector = request.GET.get("sector", "")
    return sector if sector in Sector.values else ""


def _methodology() -> dict:
    return {"notes": methodology_notes(),
            "figures": FIGURES}


# --- public pages --------------------------------------------------------------------------

@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    months = selectors.computed_months()
    month, error = _month_param(request, months)
    sector = _sector_param(request)
    rows = selectors.ranking(month=month, sector=sector) if month else []
    status = 400 if error else 200
    return render(request, "providers/ranking.html", {
        "month": month, "months": months, "sector": sector,
        "sectors": Sector.choices, "rows": rows, "error": error,
        "minimum": settings.PROVIDERS_RANKING_MIN_REPORTS,
        "methodology": _methodology(),
        "any_sample": any(r.profile.is_sample for r in rows)}, status=status)


@require_GET
def provider_detail(request: HttpRequest, code: str) -> HttpResponse:
    profile = access_provider(code)
    org = profile.organisation
    months = selectors.computed_months()
    month, error = _month_param(request, months)
    districts = list(profile.districts.all())
    context: dict[str, Any] = {"profile": profile, "org": org, "month": month, "error": error,
               "months": months, "methodology": _methodology(), "districts": districts}
    if month:
        points, category_cards = selectors.trend_and_categories(organisation=org, end=month)
        card = points[-1]["card"]
        open_reports = selectors.open_reports(profile)
        now = timezone.now()
        overdue = [r for r in open_reports if r.resolve_due_at and r.resolve_due_at < now]
        overdue.sort(key=lambda r: r.resolve_due_at)
        names = selectors.category_names()
        context.update({
            "card": card, "rows": selectors.figure_rows(card.figures) if card else [],
            "trend": [{"month": p["month"], "received": selectors.figure(p["card"],
                                                                        "reports_received"),
                       "resolved": selectors.figure(p["card"], "resolved_within_sla"),
                       "acknowledged": selectors.figure(p["card"], "acknowledged_within_sla"),
                       "fixed": selectors.figure(p["card"], "confirmed_fixed_share")}
                      for p in points],
            "chart": selectors.chart_data(points),
            "categories": [{"card": c, "name": names.get(c.category_code, c.category_code),
                            "resolved": selectors.figure(c, "resolved_within_sla"),
                            "median": selectors.figure(c, "resolve_hours_median")}
                           for c in category_cards],
            "map_points": [{"lat": r.lat, "lon": r.lon, "id": r.report_id, "url": r.url,
                            "category": names.get(r.category, r.category),
                            "overdue": bool(r.resolve_due_at and r.resolve_due_at < now)}
                           for r in open_reports if r.lat is not None],
            "overdue": overdue[:10], "open_count": len(open_reports),
            "response": ScorecardResponse.objects.filter(organisation=org, month=month).first(),
            "subscribed": request.user.is_authenticated and Subscription.objects.filter(
                user=request.user, organisation=org).exists(),
            "levels": actions.current_levels(profile), "category_names": names,
            "map_config": _map_config(districts),
        })
    return render(request, "providers/provider.html", context, status=400 if error else 200)


def _map_config(districts: list) -> dict:
    return {**base_map_config(),
            "districts": [d.boundary for d in districts if d.boundary]}


@require_GET
def districts(request: HttpRequest) -> HttpResponse:
    months = selectors.computed_months()
    month, error = _month_param(request, months)
    sector = _sector_param(request)
    data = selectors.district_comparison(month=month, sector=sector) if month else None
    return render(request, "providers/districts.html", {
        "month": month, "months": months, "sector": sector,
        "sectors": Sector.choices, "data": data, "error": error,
        "methodology": _methodology()}, status=400 if error else 200)


@require_GET
def scorecards_csv(request: HttpRequest, code: str) -> HttpResponse:
    profile = access_provider(code)
    try:
        start, end = _range(request)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{profile.organisation.code}-'
                                       f'scorecards.csv"')
    write_csv(response, profile.organisation, start, end)
    return response


def _range(request: HttpRequest) -> tuple[date, date]:
    latest = selectors.latest_month() or selectors.current_month()
    end = selectors.parse_month(request.GET["to"], field="to") if request.GET.get("to") \
        else latest
    if request.GET.get("from"):
        start = selectors.parse_month(request.GET["from"], field="from")
    else:
        start = end
        for _i in range(11):
            start = metrics.previous_month(start)
    if start > end:
        raise ValidationError(_("“from” must not be after “to”."))
    if len(selectors.months_between(start, end)) > 60:
        raise ValidationError(_("Ask for at most 60 months at a time."))
    return start, end


def write_csv(out, organisation: Organisation, start: date, end: date) -> None:
    """One row per month and scope, a value and a sample column per figure."""
    writer = csvout.writer(out)
    header = ["month", "provider", "category", "district"]
    for info in FIGURES:
        header += [info.key, f"{info.key}_sample"]
    writer.writerow(header)
    cards = (Scorecard.objects.filter(organisation=organisation, month__gte=start,
                                      month__lte=end)
             .select_related("district").order_by("month", "category_code", "district__code"))
    for card in cards:
        row = [f"{card.month:%Y-%m}", organisation.code, card.category_code,
               card.district.code if card.district else ""]
        for info in FIGURES:
            data = card.figures.get(info.key) or {}
            row += [data.get("value", ""), data.get("sample", "")]
        writer.writerow(["" if v is None else v for v in row])


@login_required
@require_POST
def subscribe(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    profile = access_provider(code)
    wanted = request.POST.get("subscribe") == "1"
    try:
        actions.subscription_set(user=request.user, organisation=profile.organisation,
                                 subscribed=wanted)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("providers:provider", code=code)
    messages.success(request, _("You will receive this provider's monthly scorecard by "
                                "e-mail.") if wanted else _("Subscription cancelled."))
    return redirect("providers:provider", code=code)


# --- surveys ---------------------------------------------------------------------------------

@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    items = Survey.objects.prefetch_related("districts").order_by("-opens_at")[:50]
    now = timezone.now()
    return render(request, "providers/surveys.html", {
        "surveys": [{"survey": s, "open": s.opens_at <= now < s.closes_at} for s in items]})


@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        done = submit_form(
            request, form,
            lambda: actions.survey_answer(survey=survey, user=request.user,
                                          score=form.cleaned_data["score"]),
            success=_("Thank you: your answer was counted."),
            redirect_to=reverse("providers:survey", kwargs={"pk": survey.pk}))
        if done is not None:
            return done
        status = 400
    return render(request, "providers/survey.html", {
        "survey": survey, "form": form, "results": selectors.survey_results(survey),
        "is_open": actions.survey_is_open(survey),
        "answered": request.user.is_authenticated and actions.has_answered(
            survey=survey, user=request.user)}, status=status)


# --- provider staff and the city --------------------------------------------------------------

@login_required
@require_GET
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_city_admin(request.user):
        profiles = ProviderProfile.objects.select_related("organisation")
    else:
        profiles = ProviderProfile.objects.select_related("organisation").filter(
            organisation_id__in=organisation_ids(request.user))
    if not profiles.exists():
        raise PermissionDenied
    return render(request, "providers/staff_home.html", {
        "profiles": profiles, "month": selectors.latest_month(),
        "can_set_levels": request.user.has_perm("providers.set_service_levels")})


@login_required
@require_http_methods(["GET", "POST"])
def staff_scorecard(request: AuthenticatedHttpRequest, org_id: int, month: str) -> HttpResponse:
    profile = access_provider_for_staff(request.user, org_id)
    month_date = _url_month(month)
    org = profile.organisation
    card = Scorecard.objects.filter(organisation=org, month=month_date, category_code="",
                                    district=None).first()
    response = ScorecardResponse.objects.filter(organisation=org, month=month_date).first()
    # rules.has_perm, not user.has_perm: a superuser passes every has_perm, but the
    # response is the provider's own word (rules.py), never the city's.
    can_respond = rules.has_perm("providers.respond", request.user, org)
    form = ResponseForm(request.POST or None, initial={"text": response.text if response
                                                       else ""})
    status = 200
    if request.method == "POST":
        if not can_respond:
            raise PermissionDenied
        done = submit_form(
            request, form,
            lambda: actions.scorecard_response_publish(organisation=org, month=month_date,
                                                       text=form.cleaned_data["text"],
                                                       actor=request.user),
            success=_("Your response is published with the scorecard."),
            redirect_to=reverse("providers:staff-scorecard",
                                kwargs={"org_id": org.id, "month": month}))
        if done is not None:
            return done
        status = 400
    return render(request, "providers/staff_scorecard.html", {
        "profile": profile, "org": org, "month": month_date, "month_str": month,
        "card": card, "rows": selectors.figure_rows(card.figures) if card else [],
        "drilldowns": DRILLDOWN_LABELS, "drill": FIGURE_DRILLDOWN, "form": form,
        "can_respond": can_respond,
        "response": response}, status=status)


def _url_month(raw: str) -> date:
    try:
        return selectors.parse_month(raw)
    except ValidationError:
        raise Http404 from None


@login_required
@require_GET
def staff_drilldown(request: AuthenticatedHttpRequest, org_id: int, month: str, flag: str
                    ) -> HttpResponse:
    profile = access_provider_for_staff(request.user, org_id)
    month_date = _url_month(month)
    if flag not in DRILLDOWN_LABELS:
        raise Http404
    source = get_source()
    tz = City.current().zone
    start, end = metrics.month_bounds(month_date, tz)
    now = timezone.now()
    cutoff = metrics.cutoff_for(month_date, now, tz)
    levels = actions.level_histories(source)
    names = selectors.category_names()
    items: list[dict[str, Any]] = []
    for record in source.records(start=start, end=end,
                                 organisation_ids=[profile.organisation_id]):
        history = levels.get((record.organisation_id, record.category)) or levels.get(
            (None, record.category))
        sla = metrics.level_in_force(history, record.received_at) if history else None
        if flag in metrics.drilldown_flags(record, cutoff=cutoff, as_of=now, sla=sla):
            link = getattr(source, "staff_report_url", source.report_url)
            items.append({"record": record, "sla": sla, "url": link(record.report_id),
                          "category": names.get(record.category, record.category)})
        if len(items) >= 1000:
            break
    items.sort(key=lambda i: i["record"].received_at)
    return render(request, "providers/staff_drilldown.html", {
        "profile": profile, "month": month_date, "month_str": month, "flag": flag,
        "label": DRILLDOWN_LABELS[flag], "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def service_levels(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    profile = access_provider_for_levels(request.user, org_id)
    names = selectors.category_names()
    choices = [(c, names.get(c, c)) for c in profile.category_codes or []]
    form = ServiceLevelForm(request.POST or None, categories=choices)
    status = 200
    if request.method == "POST":
        done = submit_form(
            request, form,
            lambda: actions.service_level_set(provider=profile, actor=request.user,
                                              **form.cleaned_data),
            success=_("The new service level is recorded."),
            redirect_to=reverse("providers:service-levels", kwargs={"org_id": org_id}))
        if done is not None:
            return done
        status = 400
    history = (ServiceLevel.objects.filter(provider=profile).select_related("set_by")
               .order_by("category_code", "-valid_from"))
    return render(request, "providers/service_levels.html", {
        "profile": profile, "form": form, "history": history, "names": names,
        "now": timezone.now()}, status=status)
