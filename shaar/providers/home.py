from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import Survey


def home_cards(request: HttpRequest) -> list[HomeCard]:
    now = timezone.now()
    cards = [HomeCard(title=_("Service providers"),
                      text=_("How quickly the city's service providers respond and fix "
                             "problems, month by month."),
                      url=reverse("providers:ranking"))]
    survey = Survey.objects.filter(opens_at__lte=now, closes_at__gt=now).first()
    if survey:
        cards.append(HomeCard(title=survey.title, text=survey.question,
                              url=reverse("providers:survey", args=[survey.pk]),
                              label=_("Survey open"), is_sample=survey.is_sample))
    return cards
