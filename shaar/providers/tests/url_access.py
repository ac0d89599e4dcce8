"""Who may open the provider monitoring pages (see shaar/web/tests/test_url_matrix.py).

Rankings, scorecards, surveys and the API are public for listed providers. `rules.py`:
the drill-down behind the figures is for the provider's own staff and city
administrators, service levels for city administrators. The provider staff persona works
for an organisation of its own without a provider profile, so it is refused the staff
pages of the demo providers like everyone but the administrator.
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import ADMINISTRATOR, NOBODY, Access, public

ADMIN_ONLY = frozenset({ADMINISTRATOR})


def _profile():
    from shaar.providers.models import ProviderProfile, Scorecard

    with_cards = Scorecard.objects.values("organisation_id")
    return (ProviderProfile.objects.listed().filter(organisation_id__in=with_cards)
            .order_by("pk").first())


def _code(world: dict) -> dict:
    return {"code": _profile().organisation.code}


def _org(world: dict) -> dict:
    return {"org_id": _profile().organisation_id}


def _month(world: dict) -> dict:
    from shaar.providers.models import Scorecard

    profile = _profile()
    card = first(Scorecard.objects.filter(organisation_id=profile.organisation_id)
            .order_by("-month"))
    return {"org_id": profile.organisation_id, "month": f"{card.month:%Y-%m}"}


def _drilldown(world: dict) -> dict:
    return {**_month(world), "flag": "reports_received"}


def _survey(world: dict) -> dict:
    from shaar.providers.models import Survey

    return {"pk": first(Survey.objects.order_by("pk")).pk}


def _api_provider(world: dict) -> dict:
    return {"provider_id": _profile().organisation_id}


def _public(why: str, kwargs) -> Access:
    return Access(public().ok, why, kwargs=kwargs)


EXPECTED: dict[str, Access] = {
    "providers:ranking": public("public ranking of listed providers"),
    "providers:districts": public("public comparison by district"),
    "providers:surveys": public("satisfaction surveys and their results"),
    "providers:survey": _public("a survey: results for all, answering needs an account",
                                _survey),
    "providers:staff": Access(
        ADMIN_ONLY, "city administrators see every provider; provider staff see their own "
        "provider (the persona's organisation has no provider profile: 403)"),
    "providers:service-levels": Access(ADMIN_ONLY, "providers.set_service_levels: city "
                                       "administrators", kwargs=_org),
    "providers:staff-scorecard": Access(ADMIN_ONLY, "providers.view_drilldown: the "
                                        "provider's own staff (no persona) and city "
                                        "administrators; responding is the provider's alone",
                                        kwargs=_month),
    "providers:staff-drilldown": Access(ADMIN_ONLY, "providers.view_drilldown: the "
                                        "provider's own staff (no persona) and city "
                                        "administrators", kwargs=_drilldown),
    "providers:provider": _public("a listed provider's scorecard", _code),
    "providers:csv": _public("open data: a listed provider's scorecards", _code),
    "providers:subscribe": Access(NOBODY, "POST only: a GET is refused", kwargs=_code),
    # API
    "api-1:list_providers": public("public API: listed providers"),
    "api-1:provider_scorecards": _public("public API: a listed provider's scorecards",
                                         _api_provider),
    "api-1:provider_scorecards_csv": _public("public API: a listed provider's scorecards",
                                             _api_provider),
}
