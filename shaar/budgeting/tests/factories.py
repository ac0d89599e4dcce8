"""make_* factories for the civic budget tests."""

from __future__ import annotations

import itertools

from django.utils import timezone

from shaar.city.models import District
from shaar.testing import make_district

from ..models import Cycle, Phase, Pool, Proposal

_n = itertools.count(1)


def make_cycle(phase: str = Phase.VOTING, **fields) -> Cycle:
    n = next(_n)
    defaults = {"slug": f"cycle-{n}", "name_ky": f"Цикл {n}", "name_ru": f"Цикл {n}",
                "name_en": f"Cycle {n}", "phase": phase}
    return Cycle.objects.create(**{**defaults, **fields})


def make_pool(cycle: Cycle, district: District | None = None, **fields) -> Pool:
    name = district.name_en if district else "City-wide"
    defaults = {"name_ky": name, "name_ru": name, "name_en": name, "budget": 1_000_000,
                "ballot_form": Pool.BallotForm.KNAPSACK, "rule": Pool.Rule.GREEDY}
    return Pool.objects.create(cycle=cycle, district=district, **{**defaults, **fields})


def make_project(pool: Pool, cost: int | None = 300_000, title: str | None = None,
                 **fields) -> Proposal:
    """An approved proposal: a project on the pool's ballot."""
    defaults = {"title": title or f"Project {next(_n)}", "description": "A project.",
                "category": "parks", "estimated_cost": cost or 300_000, "cost": cost,
                "status": Proposal.Status.APPROVED, "legal_ok": True, "technical_ok": True,
                "competence_ok": True, "submitted_at": timezone.now()}
    return Proposal.objects.create(cycle=pool.cycle, pool=pool, **{**defaults, **fields})


def make_voting_cycle(district: District | None = None, **cycle_fields):
    """A cycle in voting with a city-wide pool and one district pool, three projects each."""
    cycle = make_cycle(Phase.VOTING, **cycle_fields)
    district = district or make_district()
    city = make_pool(cycle)
    local = make_pool(cycle, district)
    city_projects = [make_project(city, c) for c in (600_000, 300_000, 200_000)]
    local_projects = [make_project(local, c) for c in (500_000, 400_000, 300_000)]
    return cycle, city, local, city_projects, local_projects


def make_office_staff(district: District, name: str | None = None):
    """Staff of a district office (with two-factor), who check residents in and enter
    paper ballots for that district."""
    from shaar.accounts.models import Role, RoleAssignment
    from shaar.testing import give_totp, make_user

    user = make_user(name)
    RoleAssignment.objects.create(user=user, role=Role.DISTRICT_OFFICE, district=district)
    give_totp(user)
    return user


def paper_vote(pool: Pool, office: District, pin: str, projects: list[int], *, sheet: int,
               staff: tuple):
    """A whole paper ballot: check-in with the PIN, then two agreeing entries of the sheet."""
    from .. import actions

    first, second = staff
    actions.paper_check_in(staff=first, pool=pool, office_id=office.pk, pin=pin)
    for clerk in (first, second):
        actions.paper_entry_record(staff=clerk, pool=pool, office_id=office.pk, sheet=sheet,
                                   project_ids=projects)


def close_and_publish(test, cycle: Cycle) -> Cycle:
    """Voting closes (the count runs on commit), then the results are published."""
    from .. import actions

    with test.captureOnCommitCallbacks(execute=True):
        cycle = actions.cycle_advance(cycle=cycle, by=test.admin)
    return actions.cycle_advance(cycle=cycle, by=test.admin)
