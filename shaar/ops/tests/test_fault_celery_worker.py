"""Drill: `kill -9` of a Celery worker in the middle of a notification batch and in the
middle of counting a cycle; a second worker finishes the work, each effect exactly once.

Real processes: a Redis of our own as the broker, `celery worker` subprocesses (the
production pool, prefork), a SQLite database file shared with the test. The worker is made
to hang at a known point (drill_settings.py, drill_backends.py) and then its whole process
group gets SIGKILL, as the kernel's OOM killer or a lost machine would do: no warm shutdown,
no chance to hand its messages back. The broker's visibility timeout is 3 s here (an hour in
production) so the second worker receives the unacknowledged messages quickly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import faultkit

pytestmark = pytest.mark.faults

BATCH = 40
HANG_MID_SEND_AT = 10  # killed while handing this message to the gateway: it must go out
HANG_BEFORE_ACK_AT = 20  # killed after this one was sent, before its ack: it must not repeat


@pytest.fixture(scope="module")
def drill(tmp_path_factory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("celery-drill")
    with faultkit.throwaway_redis() as redis_url:
        env = faultkit.production_env(
            DJANGO_SETTINGS_MODULE="shaar.ops.tests.drill_settings",
            SQLITE_PATH=str(folder / "db.sqlite3"), REDIS_URL=redis_url,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            DRILL_OUTBOX=str(folder / "outbox.jsonl"),
            DRILL_HANG_MARKER=str(folder / "hanging"), LOG_LEVEL="INFO")
        faultkit.manage("migrate", "-v0", env=env)
        yield {"env": env, "folder": folder, "db": folder / "db.sqlite3"}


# Seconds before Redis hands a dead worker's unacknowledged task to another worker.
VISIBILITY_TIMEOUT = 3


def start_worker(env: dict[str, str], log: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "shaar", "worker", "--concurrency", "1",
         "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"],
        cwd=faultkit.ROOT, env={**env, **extra}, stdout=log.open("a"), stderr=subprocess.STDOUT,
        start_new_session=True)


def kill_minus_nine(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_minus_nine(worker)


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


def outbox(folder: Path) -> list[dict]:
    path = folder / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def hang_and_kill(drill: dict, log: Path, **hang: str) -> float:
    """Start a worker that hangs where `hang` says, SIGKILL it there; seconds it ran."""
    marker = drill["folder"] / "hanging"
    marker.unlink(missing_ok=True)
    began = time.monotonic()
    worker = start_worker(drill["env"], log, **hang)
    try:
        faultkit.wait_until(marker.exists, timeout=90, what=f"the worker to hang ({log})")
    finally:
        kill_minus_nine(worker)
    # A worker restores unacknowledged tasks older than the visibility timeout when it
    # starts (and then only every few minutes): start the next one once the killed task is
    # that old, as after a real crash and restart, so that the drill does not depend on
    # how fast the machine reached the hang.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    return time.monotonic() - began


NOTIFY = f"""
from django.db import transaction
from shaar.accounts.models import User
from shaar.accounts.notifications import Message, notify
users = [User.objects.create(username=f"drill-{{n}}",
                             email=f"r{{n}}@example.org" if n % 2 else "",
                             phone=None if n % 2 else f"+996700{{n:06d}}", phone_verified=True)
         for n in range({BATCH})]
with transaction.atomic():
    notify(users, lambda: Message("Drill", "One message each"))
"""


def test_it_sends_each_notification_exactly_once_when_a_worker_is_killed_mid_batch(
        drill) -> None:
    folder, db = drill["folder"], drill["db"]
    faultkit.run_python(NOTIFY, env=drill["env"])
    assert query(db, "SELECT count(*) FROM accounts_notification")[0][0] == BATCH

    hang_and_kill(drill, folder / "worker-1.log", DRILL_HANG_AT=str(HANG_MID_SEND_AT))
    sent_at_first_kill = len(outbox(folder))
    hang_and_kill(drill, folder / "worker-2.log", DRILL_HANG_BEFORE_ACK_AT=str(HANG_BEFORE_ACK_AT))
    sent_at_second_kill = len(outbox(folder))
    killed_at = time.monotonic()

    worker = start_worker(drill["env"], folder / "worker-3.log")
    try:
        faultkit.wait_until(
            lambda: query(db, "SELECT count(*) FROM accounts_notification "
                              "WHERE sent_at IS NULL")[0][0] == 0,
            timeout=60, what="the third worker to deliver the rest")
        finished_after = time.monotonic() - killed_at
        # Time for a redelivered message to be handled (and show up if it were repeated).
        time.sleep(5)
    finally:
        stop(worker)

    messages = outbox(folder)
    per_recipient = Counter(message["to"] for message in messages)
    duplicates = sum(count - 1 for count in per_recipient.values())
    print(f"\nNotification drill: {BATCH} notifications; worker 1 killed while sending "
          f"message {HANG_MID_SEND_AT} ({sent_at_first_kill} out), worker 2 killed after "
          f"message {HANG_BEFORE_ACK_AT} and before its ack ({sent_at_second_kill} out); "
          f"worker 3 finished {finished_after:.1f} s after the second kill; "
          f"{len(messages)} messages delivered, {duplicates} duplicates")
    assert sent_at_first_kill == HANG_MID_SEND_AT - 1
    assert sent_at_second_kill == HANG_BEFORE_ACK_AT
    assert duplicates == 0
    assert len(per_recipient) == BATCH
    assert Counter(message["channel"] for message in messages) == {"email": BATCH // 2,
                                                                    "sms": BATCH // 2}


COUNT_SETUP = """
import json, sys
sys.path.insert(0, "bench")
import ballots
from django.contrib.auth import get_user_model
from shaar.budgeting import actions
from shaar.budgeting.models import Cycle, Pool

data = ballots.prepare(120)
cycle = Cycle.objects.get(slug="bench")
for n, user in enumerate(get_user_model().objects.filter(username__startswith="bench-")
                         .order_by("pk")):
    for pool in Pool.objects.filter(cycle=cycle):
        projects = data["projects"][pool.pk]
        chosen = [projects[n % 8], projects[(n * 3 + 1) % 8]] if n % 3 else [projects[n % 8]]
        actions.ballot_cast(pool=pool, voter=actions.voter_for_user(user, pool),
                            project_ids=sorted(set(chosen)))
actions.cycle_advance(cycle=cycle, by=None)
print(cycle.pk)
"""

CLEAN_COUNT = """
import json
from shaar.budgeting import opendata
from shaar.budgeting.models import Pool, PoolResult
clean, stored = {}, {}
for pool in Pool.objects.order_by("pk"):
    instance = opendata.instance_for_pool(pool)
    result = opendata.count_pool(pool, instance)
    clean[pool.pk] = {**result.as_dict(),
                      "tie_decided": opendata.ties_that_decided(pool, instance, result)}
    stored[pool.pk] = [r.outcome for r in PoolResult.objects.filter(pool=pool)]
print(json.dumps({"clean": clean, "stored": stored}))
"""


def test_it_counts_a_cycle_once_with_identical_results_when_a_worker_is_killed_mid_count(
        drill) -> None:
    folder, db = drill["folder"], drill["db"]
    faultkit.run_python(COUNT_SETUP, env=drill["env"])

    hang_and_kill(drill, folder / "worker-count-1.log", DRILL_HANG_AFTER_POOL_RESULT="1")
    counted_before_kill = query(db, "SELECT count(*) FROM budgeting_poolresult")[0][0]
    killed_at = time.monotonic()

    worker = start_worker(drill["env"], folder / "worker-count-2.log")
    try:
        faultkit.wait_until(
            lambda: "count_cycle" in (log := (folder / "worker-count-2.log").read_text())
            and "succeeded" in log,
            timeout=60, what="the second worker to finish the count")
        finished_after = time.monotonic() - killed_at
    finally:
        stop(worker)

    results = json.loads(faultkit.run_python(CLEAN_COUNT, env=drill["env"]))
    print(f"\nCounting drill: worker killed with {counted_before_kill} of 2 pools counted; "
          f"the second worker finished {finished_after:.1f} s after the kill; stored results "
          f"per pool: {[len(v) for v in results['stored'].values()]}")
    assert counted_before_kill == 1
    for pool_id, clean in results["clean"].items():
        assert results["stored"][pool_id] == [clean]
