"""50 parallel attempts to cast a ballot with the same voter_key: exactly one is accepted.

Runs on whichever database the suite uses (SQLite by default, PostgreSQL in CI). Each thread
has its own database connection. Repetitions: see `repeats()`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import TransactionTestCase
from django.utils import translation

from shaar.accounts.models import voter_key_for_pin
from shaar.testing import make_city, make_pin

from .. import actions
from ..models import Ballot, BallotRefusal, VoterMark
from .factories import make_voting_cycle

ATTEMPTS = 50


def repeats() -> int:
    """BUDGETING_CONCURRENCY_REPEATS if set; else 200 on PostgreSQL (or where CI is set) and
    20 on SQLite, whose busy-wait makes each round of 50 contending writers take ~1 s."""
    if os.environ.get("BUDGETING_CONCURRENCY_REPEATS"):
        return int(os.environ["BUDGETING_CONCURRENCY_REPEATS"])
    return 200 if os.environ.get("CI") or connection.vendor == "postgresql" else 20


def _attempt(pool, voter, project_ids, barrier) -> str:
    barrier.wait()
    try:
        with translation.override("en"):
            actions.ballot_cast(pool=pool, voter=voter, project_ids=project_ids)
    except ValidationError as exc:
        return "refused:" + " ".join(exc.messages)
    return "accepted"


def _close() -> None:
    connection.close()


@contextlib.contextmanager
def threads_share_a_real_database():
    """Worker threads open their own connections. The default SQLite test database lives in
    shared-cache memory, where locks fail at once instead of waiting; production SQLite is a
    file in WAL mode with IMMEDIATE transactions and a busy timeout. So on SQLite the
    test's data is copied to such a file, and the threads' connections open that file."""
    # The proxy is typed as the base wrapper: checking the vendor narrows nothing.
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "concurrency.sqlite3")
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        original = connections.settings["default"]
        # A new dict: the main thread's connection keeps its own (in-memory) settings.
        connections.settings["default"] = {**original, "NAME": path}
        try:
            yield
        finally:
            connections.settings["default"] = original


class ParallelBallotsTests(TransactionTestCase):
    """The attempts run in threads, each with its own connection: they must see committed
    rows."""

    def test_it_accepts_exactly_one_of_fifty_parallel_ballots_for_one_voter_key(self) -> None:
        make_city()
        rounds = repeats()
        _cycle, pool, _local, projects, _lp = make_voting_cycle()
        project_ids = [projects[1].pk]
        with threads_share_a_real_database(), ThreadPoolExecutor(max_workers=ATTEMPTS) as ex:
            try:
                for n in range(rounds):
                    voter = actions.Voter(key=voter_key_for_pin(make_pin(900_000 + n)),
                                          district_id=None, method="in_person")
                    barrier = threading.Barrier(ATTEMPTS)
                    outcomes = list(ex.map(
                        lambda _i, v=voter, b=barrier: _attempt(pool, v, project_ids, b),
                        range(ATTEMPTS)))
                    accepted = outcomes.count("accepted")
                    refused = [o for o in outcomes if o.startswith("refused:")]
                    self.assertEqual(accepted, 1, (n, outcomes[:3]))
                    self.assertEqual(len(refused), ATTEMPTS - 1)
                    self.assertTrue(all("already been cast" in o for o in refused), refused[:3])
                    self.assertEqual(ex.submit(
                        VoterMark.objects.filter(pool=pool, voter_key=voter.key).count
                    ).result(), 1)
                # Read the outcome through a worker: on SQLite only the workers see the file.
                counts = ex.submit(lambda: (
                    Ballot.objects.filter(pool=pool).count(),
                    BallotRefusal.objects.filter(pool=pool).count(),
                    VoterMark.objects.filter(pool=pool).count())).result()
            finally:
                barrier = threading.Barrier(ATTEMPTS)

                def wait_and_close(_i: int) -> None:
                    barrier.wait()
                    _close()

                list(ex.map(wait_and_close, range(ATTEMPTS)))
        ballots, refusals, marks = counts
        # Every accepted voter has exactly one mark and one ballot; no refused attempt left
        # either behind (the mark and the ballot are written in one transaction).
        self.assertEqual(ballots, rounds)
        self.assertEqual(marks, rounds)
        self.assertEqual(refusals, rounds * (ATTEMPTS - 1))
