"""Factories for provider tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shaar.city.models import District, Organisation
from shaar.testing import make_organisation

from ..models import ProviderProfile, ServiceLevel, Survey

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def make_provider(code: str | None = None, *, sector: str = "waste",
                  categories: tuple[str, ...] = ("waste-uncollected",),
                  districts: list[District] | None = None,
                  kind: str = Organisation.Kind.PROVIDER) -> ProviderProfile:
    org = make_organisation(code, kind=kind)
    profile = ProviderProfile.objects.create(organisation=org, sector=sector,
                                             category_codes=list(categories))
    if districts:
        profile.districts.set(districts)
    return profile


def make_level(profile: ProviderProfile, category: str, ack: float, res: float,
               valid_from: datetime = EPOCH) -> ServiceLevel:
    return ServiceLevel.objects.create(provider=profile, category_code=category,
                                       acknowledge_hours=Decimal(str(ack)),
                                       resolve_hours=Decimal(str(res)), valid_from=valid_from)


def make_survey(districts: list[District], *, sector: str = "waste",
                opens_at: datetime | None = None, closes_at: datetime | None = None) -> Survey:
    from django.utils import timezone

    now = timezone.now()
    survey = Survey.objects.create(
        title_ky="Короо", title_ru="Двор", title_en="Yard", question_ky="Таза?",
        question_ru="Чисто?", question_en="Clean?", sector=sector,
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=10))
    survey.districts.set(districts)
    return survey
