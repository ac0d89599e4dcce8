"""Reads shared by the pages and the API: stored scorecards only, nothing recomputed."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shaar.city.models import City, District, Organisation
from shaar.lib.months import parse_month as month_or_none

from . import metrics
from .figures import FIGURES, FIGURES_BY_KEY, format_value
from .models import ProviderProfile, Scorecard, ScorecardRun, ServiceCategory, Survey


def parse_month(raw: str | None, *, field: str = "month") -> date:
    """A month the page or command must have: a clear error when `raw` names none."""
    month = month_or_none(raw)
    if month is None:
        raise ValidationError({field: _("Give the month as YYYY-MM, for example 2026-01.")})
    return month


def months_between(start: date, end: date) -> list[date]:
    months = []
    month = start
    while month <= end:
        months.append(month)
        month = metrics.next_month(month)
    return months


def computed_months() -> list[date]:
    return list(ScorecardRun.objects.order_by("-month").values_list("month", flat=True))


def current_month(now: datetime | None = None) -> date:
    """The month `now` (by default: now) falls in, by the city's clock."""
    return metrics.month_of(now or timezone.now(), City.current().zone)


def latest_month(months: list[date] | None = None) -> date | None:
    """The month pages show by default: the last complete month that was computed (the
    current month is still running), or the current one if it is all there is."""
    current = current_month()
    months = computed_months() if months is None else months
    return next((m for m in months if m < current), months[0] if months else None)


def figure_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored figures as table rows, in the published order, with their definitions."""
    rows = []
    for info in FIGURES:
        data = figures.get(info.key) or {"value": None, "sample": 0}
        rows.append({"key": info.key, "label": info.label, "definition": info.definition,
                     "kind": info.kind, "value": data["value"], "sample": data["sample"],
                     "display": format_value(info.key, data["value"])})
    return rows


def figure(card: Scorecard | None, key: str) -> dict[str, Any]:
    data = (card.figures.get(key) if card else None) or {"value": None, "sample": 0}
    return {**data, "display": format_value(key, data["value"])}


CATEGORY_NAMES_KEY = "providers:category-names"


def category_names() -> dict[str, str]:
    """Category code → name in the current language; cached, since every page needs it
    and it changes only when scorecards are recomputed."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"{CATEGORY_NAMES_KEY}:{get_language()}"
    try:
        names = cache.get(key)
    except Exception:
        names = None
    if names is None:
        names = {c.code: c.name for c in ServiceCategory.objects.all()}
        with contextlib.suppress(Exception):
            cache.set(key, names, 300)
    return names


@dataclass
class RankingRow:
    profile: ProviderProfile
    card: Scorecard | None
    rank: int | None
    previous_rank: int | None

    @property
    def arrow(self) -> str:
        """"up", "down", "same", "new" (not ranked last month) or "" (not ranked now)."""
        if self.rank is None:
            return ""
        if self.previous_rank is None:
            return "new"
        if self.rank < self.previous_rank:
            return "up"
        if self.rank > self.previous_rank:
            return "down"
        return "same"

    @property
    def change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    def get(self, key: str) -> dict[str, Any]:
        return figure(self.card, key)


def _ranks(cards: dict[int, Scorecard]) -> dict[int, int]:
    minimum = settings.PROVIDERS_RANKING_MIN_REPORTS
    # The cards are keyed by their organisation.
    eligible = [(c.score, organisation_id) for organisation_id, c in cards.items()
                if c.reports_received >= minimum and c.score is not None]
    eligible.sort(key=lambda pair: (-pair[0], pair[1]))
    return {organisation_id: i for i, (_score, organisation_id) in enumerate(eligible, start=1)}


def ranking(*, month: date, sector: str = "") -> list[RankingRow]:
    """Providers of a sector (or all) for a month: ranked ones first, by rank; providers
    below the minimum number of reports follow, unranked."""
    profiles = list(ProviderProfile.objects.listed().filter(**({"sector": sector} if sector
                                                               else {})))
    org_ids = [p.organisation_id for p in profiles]
    previous = metrics.previous_month(month)
    cards = Scorecard.objects.filter(month__in=[month, previous], organisation_id__in=org_ids,
                                     category_code="", district=None)
    now_cards: dict[int, Scorecard] = {}
    prev_cards: dict[int, Scorecard] = {}
    for card in cards:
        assert card.organisation_id is not None  # filtered: organisation_id__in
        (now_cards if card.month == month else prev_cards)[card.organisation_id] = card
    ranks, prev_ranks = _ranks(now_cards), _ranks(prev_cards)
    rows = [RankingRow(p, now_cards.get(p.organisation_id), ranks.get(p.organisation_id),
                       prev_ranks.get(p.organisation_id)) for p in profiles]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0,
                             -(r.card.reports_received if r.card else 0), r.profile.name))
    return rows


def trend_and_categories(*, organisation: Organisation, end: date, months: int = 12
                         ) -> tuple[list[dict[str, Any]], list[Scorecard]]:
    """The provider's overall scorecards of the last `months` months and its category
    scorecards of the last one, in one query."""
    start = end
    for _i in range(months - 1):
        start = metrics.previous_month(start)
    overall: dict[date, Scorecard] = {}
    categories: list[Scorecard] = []
    for card in Scorecard.objects.filter(organisation=organisation, district=None,
                                         month__gte=start, month__lte=end):
        if not card.category_code:
            overall[card.month] = card
        elif card.month == end:
            categories.append(card)
    categories.sort(key=lambda c: -c.reports_received)
    return ([{"month": m, "card": overall.get(m)} for m in months_between(start, end)],
            categories)


def trend(*, organisation: Organisation, end: date, months: int = 12) -> list[dict[str, Any]]:
    return trend_and_categories(organisation=organisation, end=end, months=months)[0]


def breakdown(*, organisation: Organisation, month: date, by: str) -> list[Scorecard]:
    cards = Scorecard.objects.filter(organisation=organisation, month=month)
    if by == "category":
        return list(cards.filter(district=None).exclude(category_code="")
                    .order_by("-reports_received"))
    return list(cards.filter(category_code="", district__isnull=False)
                .select_related("district").order_by("district__code"))


def district_comparison(*, month: date, sector: str = "") -> dict[str, Any]:
    """Per district: the figures of every provider together, and per provider."""
    districts = list(District.objects.all())
    profiles = list(ProviderProfile.objects.listed().filter(**({"sector": sector} if sector
                                                               else {})))
    org_ids = [p.organisation_id for p in profiles]
    cards = Scorecard.objects.filter(month=month, category_code="", district__isnull=False
                                     ).filter(Q(organisation=None) | Q(organisation_id__in=org_ids))
    city: dict[int, Scorecard] = {}
    per: dict[tuple[int, int], Scorecard] = {}
    for card in cards:
        assert card.district_id is not None  # filtered: district__isnull=False
        if card.organisation_id is None:
            city[card.district_id] = card
        else:
            per[(card.organisation_id, card.district_id)] = card
    rows = []
    for district in districts:
        rows.append({"district": district, "city": city.get(district.id),
                     "providers": [{"profile": p, "card": per.get((p.organisation_id,
                                                                   district.id))}
                                   for p in profiles]})
    return {"districts": districts, "profiles": profiles, "rows": rows}


def survey_results(survey: Survey) -> dict[str, Any]:
    """Counts and averages per district; cells under the minimum are hidden."""
    minimum = settings.PROVIDERS_SURVEY_MIN_ANSWERS
    rows = []
    total = 0
    score_sum = 0
    counts = survey.answers.values("district_id").annotate(
        n=Count("id"), **{f"s{i}": Count("id", filter=Q(score=i)) for i in range(1, 6)})
    per_district: dict[int, Mapping[str, Any]] = {row["district_id"]: row for row in counts}
    for district in survey.districts.all():
        row = per_district.get(district.id)
        n = row["n"] if row else 0
        shown = n >= minimum
        mean = None
        if shown:
            assert row is not None  # answers were counted
            s = sum(i * row[f"s{i}"] for i in range(1, 6))
            mean = round(s / n, 2)
            total += n
            score_sum += s
        rows.append({"district": district, "count": n, "shown": shown, "mean": mean})
    overall = round(score_sum / total, 2) if total >= minimum else None
    return {"rows": rows, "minimum": minimum, "total_shown": total, "overall": overall,
            "total_answers": sum(r["count"] for r in rows)}


def chart_data(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Data for the trend charts (passed to the page with json_script)."""
    # Month names in the page's language, as in the table under the chart (not "2026-07").
    labels = [date_format(p["month"], "M Y") for p in points]

    def series(key: str, scale: float = 1.0) -> list[float | None]:
        out = []
        for p in points:
            value = figure(p["card"], key)["value"]
            out.append(None if value is None else round(value * scale, 2))
        return out

    return {
        "labels": labels,
        "series": [
            {"key": "resolved_within_sla", "label": str(FIGURES_BY_KEY[
                "resolved_within_sla"].label), "data": series("resolved_within_sla", 100),
             "unit": "%"},
            {"key": "acknowledged_within_sla", "label": str(FIGURES_BY_KEY[
                "acknowledged_within_sla"].label), "data": series("acknowledged_within_sla",
                                                                  100), "unit": "%"},
            {"key": "confirmed_fixed_share", "label": str(FIGURES_BY_KEY[
                "confirmed_fixed_share"].label), "data": series("confirmed_fixed_share", 100),
             "unit": "%"},
        ],
        "received": series("reports_received"),
        "received_label": str(FIGURES_BY_KEY["reports_received"].label),
    }


OPEN_REPORTS_CACHE_SECONDS = 120


def open_reports(profile: ProviderProfile) -> list:
    """The provider's open reports for the map, each with its deadline under the service
    level in force when it was received. Cached for two minutes: it is live data, read
    from the report system, and the page must stay fast under load."""
    from dataclasses import replace
    from datetime import timedelta

    from django.core.cache import cache

    from .actions import level_histories
    from .sources import get_source

    key = f"providers:open:{profile.organisation_id}"
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached
    source = get_source()
    levels = level_histories(source)
    result = []
    for report in source.open_reports(organisation_id=profile.organisation_id, limit=300):
        history = levels.get((profile.organisation_id, report.category)) or levels.get(
            (None, report.category))
        terms = metrics.level_in_force(history, report.received_at) if history else None
        if terms is not None:
            report = replace(report, resolve_due_at=report.received_at
                             + timedelta(hours=terms.resolve_hours))
        result.append(report)
    with contextlib.suppress(Exception):  # a cache outage only costs speed
        cache.set(key, result, OPEN_REPORTS_CACHE_SECONDS)
    return result
