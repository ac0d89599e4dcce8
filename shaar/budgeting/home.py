from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import Cycle, Phase


def home_cards(request: HttpRequest) -> list[HomeCard]:
    cards = []
    for cycle in Cycle.objects.public().filter(
            phase__in=[Phase.PROPOSALS, Phase.VOTING, Phase.RESULTS]):
        if cycle.phase == Phase.VOTING:
            label = _("Voting is open")
            if cycle.voting_closes:
                label = _("Voting open until %(date)s") % {
                    "date": formats.date_format(cycle.voting_closes, "DATE_FORMAT")}
        elif cycle.phase == Phase.PROPOSALS:
            label = _("Send your proposals")
        else:
            label = _("Results published")
        cards.append(HomeCard(title=cycle.name, text=cycle.description[:200],
                              url=reverse("budgeting:cycle", args=[cycle.slug]), label=label,
                              is_sample=cycle.is_sample))
    return cards
