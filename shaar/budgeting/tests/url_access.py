"""Who may open each civic-budget page (merged into shaar/web/tests/test_url_matrix.py).

Objects come from the demo data: "civic-budget-2027" is in voting, "civic-budget-2026" is
published and in implementation. The responsible departments of demo projects are not the
matrix's departments A and B, so only the administrator passes their department checks.
"""

from __future__ import annotations

from shaar.web.tests.test_url_matrix import (
    ADMINISTRATOR,
    CLERK,
    NOBODY,
    STAFF_A,
    STAFF_B,
    Access,
    only,
    public,
    signed_in,
)

VOTING, DONE = "civic-budget-2027", "civic-budget-2026"


def _pool(slug: str) -> dict:
    from shaar.budgeting.models import Pool

    return {"slug": slug, "pool_id": Pool.objects.filter(cycle__slug=slug,
                                                         district__isnull=True).get().pk}


def _proposal(_world) -> dict:
    from shaar.budgeting.models import Proposal

    return {"pk": Proposal.objects.filter(cycle__slug=VOTING).order_by("pk").values_list(
        "pk", flat=True)[0]}


def _implementation(_world) -> dict:
    from shaar.budgeting.models import Implementation

    return {"pk": Implementation.objects.order_by("pk").values_list("pk", flat=True)[0]}


def _cycle(_world) -> dict:
    return {"slug": VOTING}


def _edit(world) -> dict:
    return {"slug": VOTING, **_proposal(world)}


def _comment(world) -> dict:
    return {**_proposal(world), "comment_id": 1}


POST_ONLY = Access(NOBODY, "POST only: 405 for a GET, log-in redirect when anonymous")
STAFF = only(STAFF_A, STAFF_B, ADMINISTRATOR,
             why="department staff (any department) and city administrators")

EXPECTED: dict[str, Access] = {
    "budgeting:index": public(),
    "budgeting:cycle": Access(public().ok, "public cycle page", kwargs=_cycle),
    "budgeting:proposals": Access(public().ok, "public proposals", kwargs=_cycle),
    "budgeting:map": Access(public().ok, "public map of proposals", kwargs=_cycle),
    "budgeting:proposal": Access(public().ok, "public proposal", kwargs=_proposal),
    "budgeting:propose": Access(signed_in().ok, "the form; submitting needs verification",
                                kwargs=_cycle),
    "budgeting:proposal-edit": Access(NOBODY, "the author's draft only (demo author is not "
                                              "a matrix persona)", kwargs=_edit),
    "budgeting:proposal-submit": Access(NOBODY, POST_ONLY.why, kwargs=_proposal),
    "budgeting:proposal-withdraw": Access(NOBODY, POST_ONLY.why, kwargs=_proposal),
    "budgeting:proposal-support": Access(NOBODY, POST_ONLY.why, kwargs=_proposal),
    "budgeting:comment-add": Access(NOBODY, POST_ONLY.why, kwargs=_proposal),
    "budgeting:proposal-hide": Access(NOBODY, POST_ONLY.why, kwargs=_proposal),
    "budgeting:comment-hide": Access(NOBODY, POST_ONLY.why, kwargs=_comment),
    "budgeting:proposal-review": Access(
        only(ADMINISTRATOR, why="").ok, "reviewers, city administrators and staff of the "
        "proposal's department", kwargs=_proposal),
    "budgeting:review-queue": Access(STAFF.ok, "reviewers, department staff, administrators",
                                     kwargs=_cycle),
    "budgeting:cycle-manage": Access(only(ADMINISTRATOR, why="").ok,
                                     "budgeting.manage_cycle: city administrators",
                                     kwargs=_cycle),
    "budgeting:ballot": Access(public().ok, "the ballot page; casting needs verification",
                               kwargs=lambda w: _pool(VOTING)),
    "budgeting:paper": Access(frozenset({CLERK}), "paper check-in: staff of a district office "
                              "only (an administrator neither)", kwargs=lambda w: _pool(VOTING)),
    "budgeting:paper-entry": Access(frozenset({CLERK}), "paper ballot entry: staff of a "
                                    "district office only", kwargs=lambda w: _pool(VOTING)),
    "budgeting:receipt": Access(public().ok, "anyone checks a receipt",
                                kwargs=lambda w: _pool(DONE)),
    "budgeting:receipt-qr": Access(NOBODY, "a receipt's QR image: 404 without a receipt code",
                                   kwargs=lambda w: _pool(DONE)),
    "budgeting:ballots-txt": Access(public().ok, "the sealed ballots, published with the "
                                    "results", kwargs=lambda w: _pool(DONE)),
    "budgeting:results": Access(public().ok, "published results",
                                kwargs=lambda w: _pool(DONE)),
    "budgeting:results-pb": Access(public().ok, "open data", kwargs=lambda w: _pool(DONE)),
    "budgeting:results-csv": Access(public().ok, "open data", kwargs=lambda w: _pool(DONE)),
    "budgeting:results-json": Access(public().ok, "open data", kwargs=lambda w: _pool(DONE)),
    "budgeting:receipts": Access(public().ok, "receipt hashes, published once the pool is "
                                 "sealed",
                                 kwargs=lambda w: _pool(DONE)),
    "budgeting:projects": public("funded projects of every cycle"),
    "budgeting:project": Access(public().ok, "public project page", kwargs=_implementation),
    "budgeting:project-follow": Access(NOBODY, POST_ONLY.why, kwargs=_implementation),
    "budgeting:project-update": Access(
        only(ADMINISTRATOR, why="").ok, "the responsible department and city administrators",
        kwargs=_implementation),
    # API
    "api-1:cycles": public("public API: public cycles and their ballots; vote counts only "
                           "once the results are published"),
}
