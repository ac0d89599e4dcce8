"""Civic-budget fingerprints for backups: recorded in the manifest by `manage.py backup`
and recomputed by `manage.py restore`, which fails if a restored database differs."""

from __future__ import annotations

import hashlib
import json

from . import commitment
from .models import Ballot, Pool, PoolResult


def ballot_counts(using: str) -> dict[str, int]:
    """Ballots per pool."""
    counts: dict[str, int] = {}
    for pool_id in Ballot.objects.using(using).values_list("pool_id", flat=True).iterator():
        counts[str(pool_id)] = counts.get(str(pool_id), 0) + 1
    return counts


def ballot_commitments(using: str) -> dict[str, dict]:
    """Per pool: a hash of its ballots and receipts (`commitment.ballots_text`), and for a
    sealed pool whether it still matches the commitment published at the seal."""
    ballots: dict[int, list] = {}
    receipts: dict[int, list] = {}
    rows = Ballot.objects.using(using).values_list("pool_id", "id", "projects", "receipt_hash")
    for pool_id, ballot_id, projects, receipt in rows.iterator():
        ballots.setdefault(pool_id, []).append((ballot_id.hex, projects))
        if receipt:
            receipts.setdefault(pool_id, []).append(receipt)
    sealed = dict(Pool.objects.using(using).exclude(commitment="")
                  .values_list("pk", "commitment"))
    digests = {}
    for pool_id in sorted(set(ballots) | set(sealed)):
        digest = commitment.commit(commitment.ballots_text(
            str(pool_id), ballots.get(pool_id, []), receipts.get(pool_id, [])))
        digests[str(pool_id)] = {"digest": digest,
                                 "valid": sealed.get(pool_id, digest) == digest}
    return digests


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
    register_check("budgeting.ballot_commitments", ballot_commitments)
    register_check("budgeting.published_results", published_results)
