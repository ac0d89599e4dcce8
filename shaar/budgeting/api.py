"""Read-only public API: cycles, their pools and projects; results only once published."""

from __future__ import annotations

from django.urls import reverse
from ninja import Router, Schema

from . import selectors

router = Router(tags=["budgeting"])


class ProjectOut(Schema):
    id: int
    title: str
    category: str
    cost: int
    latitude: float | None
    longitude: float | None


class ResultOut(Schema):
    rule: str
    rule_version: str
    engine_version: str
    ballots: int
    selected: list[str]
    spent: int | str
    votes: dict[str, int]
    pabulib_url: str
    csv_url: str
    json_url: str


class PoolOut(Schema):
    id: int
    name: str
    district: str | None
    budget: int
    ballot_form: str
    max_projects: int | None
    rule: str
    minimum_votes: int
    minimum_percent: int
    tie_breaking: str
    # sha256 of every ballot and receipt, published when the pool is sealed, before counting.
    commitment: str | None
    accepts: list[str]
    projects: list[ProjectOut]
    results: ResultOut | None


class CycleOut(Schema):
    slug: str
    name: str
    phase: str
    voting_opens: str | None
    voting_closes: str | None
    allow_ballot_change: bool
    is_sample: bool
    pools: list[PoolOut]


def _pool(cycle, pool, projects) -> dict:
    result = None
    stored = getattr(pool, "result", None) if cycle.is_published else None
    if stored is not None:
        args = [cycle.slug, pool.pk]
        result = {
            "rule": stored.rule, "rule_version": stored.rule_version,
            "engine_version": stored.engine_version, "ballots": stored.ballots,
            "selected": stored.outcome["selected"], "spent": stored.outcome["spent"],
            "votes": {e["project_id"]: e["votes"] for e in stored.outcome["projects"]},
            "pabulib_url": reverse("budgeting:results-pb", args=args),
            "csv_url": reverse("budgeting:results-csv", args=args),
            "json_url": reverse("budgeting:results-json", args=args),
        }
    return {
        "id": pool.pk, "name": pool.name,
        "district": pool.district.code if pool.district_id else None,
        "budget": pool.budget, "ballot_form": pool.ballot_form,
        "max_projects": pool.max_projects if pool.ballot_form == "approval" else None,
        "rule": pool.rule, "minimum_votes": pool.minimum_votes,
        "minimum_percent": pool.minimum_percent, "tie_breaking": pool.tie_breaking,
        "commitment": pool.commitment or None, "accepts": sorted(pool.accepted_methods()),
        "projects": [{"id": p.pk, "title": p.title, "category": p.category, "cost": p.cost,
                      "latitude": p.latitude, "longitude": p.longitude}
                     for p in projects if p.pool_id == pool.pk],
        "results": result,
    }


@router.get("/cycles", response=list[CycleOut], summary="Civic budget cycles with their pools")
def cycles(request):
    """Every public cycle, each pool with its projects on the ballot. Vote counts appear only
    after the results are published."""
    out = []
    for cycle in selectors.cycles_with_pools():
        out.append({
            "slug": cycle.slug, "name": cycle.name, "phase": cycle.phase,
            "voting_opens": cycle.voting_opens.isoformat() if cycle.voting_opens else None,
            "voting_closes": cycle.voting_closes.isoformat() if cycle.voting_closes else None,
            "allow_ballot_change": cycle.allow_ballot_change, "is_sample": cycle.is_sample,
            "pools": [_pool(cycle, pool, cycle.ballot_projects) for pool in cycle.pools.all()],
        })
    return out
