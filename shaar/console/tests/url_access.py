"""Who may open the staff console (see shaar/web/tests/test_url_matrix.py).

The console's home opens for every staff role and shows the sections each may use; each
section is guarded by the owning app's permission, which the city administrator holds
(the matrix's administrator is also a superuser). Writes are POST only (405 for a GET).
"""

from __future__ import annotations

from shaar.testing import first
from shaar.web.tests.test_url_matrix import (
    ADMINISTRATOR,
    BOARD,
    CLERK,
    EVALUATOR,
    MODERATOR,
    PROVIDER,
    STAFF_A,
    STAFF_B,
    Access,
    only,
)

ADMIN_ONLY = "city administrators (the owning app's permission)"
POST_ONLY = Access(frozenset(), "POST only: 405 for a GET")


def _cycle(world: dict) -> dict:
    from shaar.budgeting.models import Cycle

    return {"slug": first(Cycle.objects.order_by("pk")).slug}


def _pool(world: dict) -> dict:
    from shaar.budgeting.models import Pool

    pool = first(Pool.objects.select_related("cycle").order_by("pk"))
    return {"slug": pool.cycle.slug, "pool_id": pool.pk}


def _call(world: dict) -> dict:
    from shaar.grants.models import Call

    return {"code": first(Call.objects.order_by("pk")).code}


def _job(world: dict) -> dict:
    from shaar.console.models import ImportJob

    job = ImportJob.objects.create(kind="budget", status=ImportJob.Status.DONE,
                                   file_name="budget.csv", total=1, done=1)
    return {"job_id": job.pk}


def _department(world: dict) -> dict:
    from shaar.city.models import Department

    return {"kind": "departments", "pk": first(Department.objects.order_by("pk")).pk}


def _question(world: dict) -> dict:
    from shaar.feedback.models import Question

    question = first(Question.objects.order_by("pk"))
    return {"category_id": question.category_id, "question_id": question.pk}


def _board_member(world: dict) -> dict:
    import datetime

    from shaar.actionplan.models import BoardMember

    member = BoardMember.objects.order_by("pk").first() or BoardMember.objects.create(
        name="Aida", sector=BoardMember.Sector.NON_GOVERNMENT, organisation_ky="ky",
        organisation_ru="ru", organisation_en="en", term_start=datetime.date(2026, 1, 1))
    return {"member_id": member.pk}


def _routing_rule(world: dict) -> dict:
    from shaar.city.models import Department
    from shaar.feedback.models import Category, RoutingRule

    rule = RoutingRule.objects.order_by("pk").first() or RoutingRule.objects.create(
        category=first(Category.objects.order_by("pk")),
        department=first(Department.objects.order_by("pk")))
    return {"kind": "routing", "pk": rule.pk}


def admin(kwargs=None) -> Access:
    return Access(frozenset({ADMINISTRATOR}), ADMIN_ONLY, kwargs=kwargs)


EXPECTED = {
    "console:home": only(MODERATOR, STAFF_A, STAFF_B, PROVIDER, EVALUATOR, BOARD, CLERK,
                         ADMINISTRATOR, why="console.open: any staff role"),
    "console:cycles": admin(),
    "console:cycle-new": admin(),
    "console:cycle": admin(_cycle),
    "console:cycle-phase": POST_ONLY,
    "console:pool-new": admin(_cycle),
    "console:pool": admin(_pool),
    "console:pool-remove": POST_ONLY,
    "console:calls": admin(),
    "console:call-new": admin(),
    "console:call": admin(_call),
    "console:call-publish": POST_ONLY,
    "console:criterion-add": POST_ONLY,
    "console:criterion-remove": POST_ONLY,
    "console:seat-add": POST_ONLY,
    "console:seat-remove": POST_ONLY,
    "console:plans": admin(),
    "console:board": admin(),
    "console:board-member-new": admin(),
    "console:board-member": admin(_board_member),
    "console:board-member-end": POST_ONLY,
    "console:board-member-remove": POST_ONLY,
    "console:levels": admin(),
    "console:level-new": admin(),
    "console:level-withdraw": POST_ONLY,
    "console:reference-remove": POST_ONLY,
    "console:roles": admin(),
    "console:role-remove": POST_ONLY,
    "console:import": admin(lambda world: {"kind": "budget"}),
    "console:import-template": admin(lambda world: {"kind": "budget"}),
    "console:import-job": admin(_job),
    "console:audit": admin(),
    "console:city": admin(),
    "console:reference": admin(lambda world: {"kind": "departments"}),
    "console:reference-new": admin(lambda world: {"kind": "departments"}),
    "console:reference-edit": admin(_department),
    "console:question-new": admin(lambda world: {"category_id": _question(world)[
        "category_id"]}),
    "console:question-edit": admin(_question),
}
