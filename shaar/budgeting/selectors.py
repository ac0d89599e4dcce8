"""Reads shared by pages and the API, with their joins written in."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from shaar.web.registry import HomeCard

from .models import Ballot, Cycle, Implementation, Phase, Pool, Proposal


def cycles_with_pools():
    return Cycle.objects.public().prefetch_related(
        Prefetch("pools", queryset=Pool.objects.select_related("district", "result")),
        Prefetch("proposals", queryset=Proposal.objects.on_ballot().order_by("id"),
                 to_attr="ballot_projects"),
    )


def home_cards(request) -> list[HomeCard]:
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


def turnout(cycle: Cycle) -> dict:
    """Ballots by pool, by district of the voter, and by channel (only once published)."""
    rows = (Ballot.objects.filter(pool__cycle=cycle, is_current=True)
            .values("pool_id", "district_id", "channel").annotate(n=Count("id")))
    by_district: Counter = Counter()
    by_channel: Counter = Counter()
    for row in rows:
        by_district[row["district_id"]] += row["n"]
        by_channel[row["channel"]] += row["n"]
    return {"by_district": by_district, "by_channel": by_channel}


def funded_projects():
    return (Implementation.objects.select_related("proposal__pool__district",
                                                  "proposal__cycle", "department")
            .order_by("-proposal__cycle__created_at", "proposal__title"))
