"""Civic-budget fingerprints for backups: recorded in the manifest by `manage.py backup`
and recomputed by `manage.py restore`, which fails if a restored database differs."""

from __future__ import annotations

import hashlib
import json

from .models import Ballot, PoolResult


def ballot_counts(using: str) -> dict[str, int]:
    """Current ballots per pool (a replaced online ballot does not count)."""
    counts: dict[str, int] = {}
    for pool_id in Ballot.objects.using(using).filter(is_current=True).values_list(
            "pool_id", flat=True).iterator():
        counts[str(pool_id)] = counts.get(str(pool_id), 0) + 1
    return counts


def receipt_chain(using: str) -> dict[str, dict]:
    """Per pool: the chain's length, its head and whether every link still verifies."""
    chains: dict[str, dict] = {}
    rows = Ballot.objects.using(using).order_by("pool_id", "seq").values_list(
        "pool_id", "projects", "salt", "previous_receipt", "receipt")
    for pool_id, projects, salt, previous, receipt in rows.iterator():
        chain = chains.setdefault(str(pool_id), {"length": 0, "head": "", "valid": True})
        expected = Ballot.chain(chain["head"], Ballot.content(projects), salt)
        chain["valid"] = chain["valid"] and previous == chain["head"] and receipt == expected
        chain["head"] = receipt
        chain["length"] += 1
    return chains


def published_results(using: str) -> dict[str, str]:
    """A hash of each stored result: rule, versions, ballots digest and explained outcome."""
    digests = {}
    for result in PoolResult.objects.using(using).order_by("pool_id"):
        payload = json.dumps([result.rule, result.rule_version, result.engine_version,
                              result.ballots, result.ballots_digest, result.outcome],
                             sort_keys=True, default=str)
        digests[str(result.pool_id)] = hashlib.sha256(payload.encode()).hexdigest()
    return digests


def register() -> None:
    from shaar.ops.integrity import register_check

    register_check("budgeting.ballot_counts", ballot_counts)
    register_check("budgeting.receipt_chain", receipt_chain)
    register_check("budgeting.published_results", published_results)
