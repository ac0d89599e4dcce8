"""Reads shared by pages and the API, with their joins written in."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from shaar.city.geo import contains
from shaar.city.models import District
from shaar.lib.memo import Memo

from . import commitment
from .models import (
    Ballot,
    Channel,
    Cycle,
    Implementation,
    PaperEntry,
    Phase,
    Pool,
    Proposal,
    VoterMark,
)


@dataclass(frozen=True)
class VotingBallot:
    pool: Pool  # with its cycle and district
    costs: dict[int, int]  # project id -> cost, for every project on the ballot


def _load_voting_ballots() -> dict[int, VotingBallot]:
    pools = Pool.objects.select_related("cycle", "district").filter(cycle__phase=Phase.VOTING)
    costs: dict[int, dict[int, int]] = defaultdict(dict)
    for pool_id, project_id, cost in (Proposal.objects.on_ballot()
                                      .filter(pool__cycle__phase=Phase.VOTING)
                                      .values_list("pool_id", "id", "cost")):
        costs[pool_id][project_id] = cost
    return {pool.pk: VotingBallot(pool, costs[pool.pk]) for pool in pools}


# Once voting opens, a pool's rules and the projects on its ballot with their costs are frozen
# until the cycle closes (Pool.clean, Proposal.clean), so each process keeps them for a few
# seconds instead of reading them for every ballot. A copy that is out of date can only be
# one whose voting has just closed: the receipt-chain statement checks that voting is open
# and the rules unchanged, and refuses the ballot otherwise.
_voting_ballots = Memo(_load_voting_ballots, ttl=5, models=(Cycle, Pool, Proposal))


def voting_ballot(pool_id: int) -> VotingBallot | None:
    """The frozen ballot of a pool whose cycle is in voting (None otherwise)."""
    return _voting_ballots.get().get(pool_id)


def ballot_costs(pool: Pool) -> dict[int, int]:
    """The cost of each project on the pool's ballot."""
    voting = voting_ballot(pool.pk)
    if voting is not None:
        return voting.costs
    return dict(Proposal.objects.on_ballot().filter(pool=pool).values_list("id", "cost"))


def cycles_with_pools():
    return Cycle.objects.public().prefetch_related(
        Prefetch("pools", queryset=Pool.objects.select_related("district", "result")),
        Prefetch("proposals", queryset=Proposal.objects.on_ballot().order_by("id"),
                 to_attr="ballot_projects"),
    )


def ballots_text(pool: Pool) -> str:
    """The pool's ballots and receipt hashes as committed at the seal (`commitment.py`)."""
    rows = Ballot.objects.filter(pool=pool).order_by("id").values_list(
        "id", "projects", "receipt_hash")
    ballots, receipts = [], []
    for ballot_id, projects, receipt in rows.iterator():
        ballots.append((ballot_id.hex, projects))
        if receipt:
            receipts.append(receipt)
    return commitment.ballots_text(str(pool.pk), ballots, receipts)


def has_voted(pool: Pool, *, voter_key: str | None, account_id: int | None) -> bool:
    """Whether this voter key or account has a mark in the pool (never which ballot)."""
    marks = VoterMark.objects.filter(pool=pool)
    if voter_key and marks.filter(voter_key=voter_key).exists():
        return True
    return account_id is not None and marks.filter(account_id=account_id).exists()


@dataclass(frozen=True)
class OfficeTally:
    """One district office's paper ballots in a pool: people checked in against ballots
    entered (counted ones plus spoiled sheets); `open` entries wait for a second entry or
    for a mismatch to be settled."""

    office: object  # a District
    checked_in: int
    entered: int
    open: int

    @property
    def reconciled(self) -> bool:
        return self.checked_in == self.entered and self.open == 0


def _per_office(queryset) -> Counter:
    return Counter(dict(queryset.values_list("office_id").annotate(n=Count("pk"))))


def paper_tally(pool: Pool) -> list[OfficeTally]:
    from shaar.city.models import District

    checked_in = _per_office(VoterMark.objects.filter(pool=pool, channel=Channel.PAPER))
    entered = (_per_office(Ballot.objects.filter(pool=pool, channel=Channel.PAPER))
               + _per_office(PaperEntry.objects.filter(pool=pool, spoiled=True)))
    open_ = _per_office(PaperEntry.objects.filter(pool=pool).exclude(
        status=PaperEntry.Status.AGREED))
    offices = set(checked_in) | set(entered) | set(open_)
    names = District.objects.in_bulk([o for o in offices if o is not None])
    return [OfficeTally(names.get(o, o), checked_in[o], entered[o], open_[o])
            for o in sorted(offices, key=lambda o: (o is None, o or 0))]


def turnout(cycle: Cycle) -> dict:
    """Voters by district of the voter and by channel (only once published)."""
    rows = (VoterMark.objects.filter(pool__cycle=cycle)
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


@dataclass(frozen=True)
class MapPoint:
    proposal: Proposal
    funded: bool


def cycle_map_points(cycle: Cycle, *, district: District | None, show: str) -> list[MapPoint]:
    """The cycle's public proposals with a location, or only its funded projects ("funded"),
    in one district if given: those of its pool, and city-wide ones placed inside it."""
    proposals = (cycle.proposals.visible().filter(latitude__isnull=False,
                                                  longitude__isnull=False)
                 .exclude(status__in=[Proposal.Status.WITHDRAWN, Proposal.Status.MERGED])
                 .select_related("pool__district", "implementation").order_by("title"))
    if show == "funded":
        proposals = proposals.filter(implementation__isnull=False)
    points = []
    for proposal in proposals[:5000]:
        if district is not None and not _in_district(proposal, district):
            continue
        points.append(MapPoint(proposal, hasattr(proposal, "implementation")))
    return points


def _in_district(proposal: Proposal, district: District) -> bool:
    if proposal.pool.district_id is not None:
        return proposal.pool.district_id == district.id
    boundary = district.boundary
    # The map's proposals all have a location (filtered by cycle_map_points).
    if not boundary or proposal.longitude is None or proposal.latitude is None:
        return False
    return contains(boundary, proposal.longitude, proposal.latitude)
