"""Fingerprints recorded in a backup's manifest and checked again after a restore.

Each check takes a database alias and returns JSON-safe data; `restore` computes it on the
restored database and fails if it differs from the manifest. The foundation records the
row count of every table. Other apps add their own in `AppConfig.ready()`::

    from shaar.ops.integrity import register_check
    register_check("budgeting.ballot_counts", ballot_counts_per_pool)

HOOK FOR CIVIC BUDGET (issue 10): once `shaar.budgeting` lands it must register
  - "budgeting.ballot_counts":  ballots per pool,
  - "budgeting.ballot_commitments": a hash of each pool's ballots and receipts (and, once
    sealed, whether it still matches the published commitment),
  - "budgeting.published_results": a hash of each published result (rule, version, winners).
`PENDING_CHECKS` lists them so that the restore drill test reminds whoever merges it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections

Check = Callable[[str], Any]

_CHECKS: dict[str, Check] = {}

# Checks the restore drill expects once the app that provides them is installed.
PENDING_CHECKS = {
    "shaar.budgeting": ["budgeting.ballot_counts", "budgeting.ballot_commitments",
                        "budgeting.published_results"],
}


def register_check(name: str, check: Check) -> None:
    _CHECKS[name] = check


def checks() -> dict[str, Check]:
    return {"tables.row_counts": table_row_counts, **_CHECKS}


def table_row_counts(using: str) -> dict[str, int]:
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def fingerprint(using: str) -> dict[str, Any]:
    return {name: check(using) for name, check in checks().items()}
