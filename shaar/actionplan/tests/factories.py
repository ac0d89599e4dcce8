"""make_* factories for the action plan's tests."""

from __future__ import annotations

import datetime
import itertools

from shaar.city.models import Department

from ..models import ActionPlan, BoardMember, Commitment, Milestone

_counter = itertools.count(1)
D = datetime.date
MID_2026 = D(2026, 6, 30)
JAN_2025 = D(2025, 1, 1)


def make_plan(status: str = ActionPlan.Status.CONSULTATION, **fields) -> ActionPlan:
    n = next(_counter)
    defaults = {"title_ky": f"План {n} ky", "title_ru": f"План {n}", "title_en": f"Plan {n}",
                "start_date": D(2026, 1, 1), "end_date": D(2027, 12, 31), "status": status}
    return ActionPlan.objects.create(code=f"plan-{n}", **{**defaults, **fields})


def make_commitment(plan: ActionPlan, department: Department, **fields) -> Commitment:
    n = next(_counter)
    defaults = {"title_ky": f"Милдеттенме {n}", "title_ru": f"Обязательство {n}",
                "title_en": f"Commitment {n}", "start_date": D(2026, 1, 1),
                "end_date": D(2026, 12, 31), "value_participation": True}
    return Commitment.objects.create(plan=plan, code=f"KGBSK{n:04d}", lead_agency=department,
                                     **{**defaults, **fields})


def make_milestone(commitment: Commitment, *, end: datetime.date = MID_2026,
                   responsible: Department | None = None, **fields) -> Milestone:
    defaults = {"deliverable_ky": "Отчет", "deliverable_ru": "Отчёт",
                "deliverable_en": "Report published", "start_date": min(D(2026, 1, 1), end),
                "end_date": end}
    return Milestone.objects.create(commitment=commitment,
                                    responsible=responsible or commitment.lead_agency,
                                    **{**defaults, **fields})


def make_member(sector: str, *, term_start: datetime.date = JAN_2025,
                term_end: datetime.date | None = None, **fields) -> BoardMember:
    n = next(_counter)
    return BoardMember.objects.create(
        name=f"Member {n}", sector=sector, organisation_ky="Уюм", organisation_ru="Орг",
        organisation_en="Org", term_start=term_start, term_end=term_end, **fields)
