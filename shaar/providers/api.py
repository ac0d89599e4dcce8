"""GET /api/v1/providers/ and /api/v1/providers/{id}/scorecards: stored figures with their
definitions. Read-only and public; nothing is recomputed here."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from shaar.lib.apischemas import ErrorOut
from shaar.lib.ids import MAX_ID

from . import actions
from .figures import FIGURES, methodology_notes
from .models import ProviderProfile, Scorecard, ScorecardResponse

MONTH = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"  # YYYY-MM from 2000, as parse_month accepts
router = Router(tags=["providers"])


class FigureOut(Schema):
    value: float | int | None
    sample: int


class DefinitionOut(Schema):
    key: str
    label: str
    definition: str
    kind: str


class LevelOut(Schema):
    category: str
    acknowledge_hours: float
    resolve_hours: float
    valid_from: str


class ProviderOut(Schema):
    id: int
    code: str
    name: str
    name_ky: str
    name_ru: str
    name_en: str
    kind: str
    sector: str
    hotline: str
    email: str
    website: str
    districts: list[str]
    categories: list[str]
    service_levels: list[LevelOut]
    is_sample: bool


class ScopeOut(Schema):
    category: str
    district: str
    figures: dict[str, FigureOut]


class MonthOut(Schema):
    month: str
    computed_at: str
    figures: dict[str, FigureOut]
    categories: list[ScopeOut]
    districts: list[ScopeOut]
    response: str | None


class ScorecardsOut(Schema):
    provider: ProviderOut
    methodology: list[str]
    definitions: list[DefinitionOut]
    ranking_min_reports: int
    months: list[MonthOut]


def _provider_out(profile: ProviderProfile) -> dict:
    org = profile.organisation
    return {
        "id": org.id, "code": org.code, "name": org.name, "name_ky": org.name_ky,
        "name_ru": org.name_ru, "name_en": org.name_en, "kind": org.kind,
        "sector": profile.sector, "hotline": profile.hotline or org.phone,
        "email": profile.contact_email or org.email, "website": org.website,
        "districts": [d.code for d in profile.districts.all()],
        "categories": list(profile.category_codes or []),
        "service_levels": [{"category": code, "acknowledge_hours": float(lv.acknowledge_hours),
                            "resolve_hours": float(lv.resolve_hours),
                            "valid_from": lv.valid_from.isoformat()}
                           for code, lv in actions.current_levels(profile).items()],
        "is_sample": profile.is_sample,
    }


def _definitions() -> list[dict]:
    return [{"key": f.key, "label": str(f.label), "definition": str(f.definition),
             "kind": f.kind} for f in FIGURES]


@router.get("/", response=list[ProviderOut], summary="Service providers")
def list_providers(request: HttpRequest):
    profiles = (ProviderProfile.objects.listed().prefetch_related("districts",
                                                                  "service_levels"))
    return [_provider_out(p) for p in profiles]


def _range(request: HttpRequest):
    from .views import _range as parse_range

    try:
        return parse_range(request)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None


@router.get("/{provider_id}/scorecards", response={200: ScorecardsOut, 400: ErrorOut,
                                                   404: ErrorOut},
            summary="Monthly scorecards of a provider",
            description="Query: from=YYYY-MM&to=YYYY-MM (default: the last 12 computed months). "
                        "Every figure comes with its sample size and its definition.")
def provider_scorecards(request: HttpRequest, provider_id: int = Path(..., ge=1, le=MAX_ID),
                        from_: str | None = Query(None, alias="from", pattern=MONTH),
                        to: str | None = Query(None, pattern=MONTH)):
    profile = get_object_or_404(ProviderProfile.objects.listed(), organisation_id=provider_id)
    start, end = _range(request)
    cards = (Scorecard.objects.filter(organisation_id=provider_id, month__gte=start,
                                      month__lte=end)
             .select_related("district").order_by("month", "category_code", "district__code"))
    responses = dict(ScorecardResponse.objects.filter(
        organisation_id=provider_id, month__gte=start, month__lte=end)
        .values_list("month", "text"))
    months: dict = {}
    for card in cards:
        entry = months.setdefault(card.month, {
            "month": f"{card.month:%Y-%m}", "computed_at": card.computed_at.isoformat(),
            "figures": {}, "categories": [], "districts": [],
            "response": responses.get(card.month)})
        if not card.category_code and card.district is None:
            entry["figures"] = card.figures
        elif card.district is None:
            entry["categories"].append({"category": card.category_code, "district": "",
                                        "figures": card.figures})
        else:
            entry["districts"].append({"category": "", "district": card.district.code,
                                       "figures": card.figures})
    return {
        "provider": _provider_out(profile),
        "methodology": methodology_notes(),
        "definitions": _definitions(),
        "ranking_min_reports": settings.PROVIDERS_RANKING_MIN_REPORTS,
        "months": list(months.values()),
    }


@router.get("/{provider_id}/scorecards.csv", summary="Monthly scorecards as CSV",
            response={200: None, 400: ErrorOut, 404: ErrorOut})
def provider_scorecards_csv(request: HttpRequest,
                            provider_id: int = Path(..., ge=1, le=MAX_ID)):
    from .views import write_csv

    profile = get_object_or_404(ProviderProfile.objects.listed(), organisation_id=provider_id)
    start, end = _range(request)
    out = io.StringIO()
    write_csv(out, profile.organisation, start, end)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{profile.organisation.code}.csv"'
    return response

