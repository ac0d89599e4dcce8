"""Drill: PostgreSQL crashes and restarts while residents cast ballots.

A throwaway cluster (never the machine's shared one), gunicorn with persistent connections
(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS on) and client threads casting ballots without pause.
Half-way the cluster is stopped with `pg_ctl -m immediate` (a crash: no clean shutdown,
crash recovery on start), kept down for a few seconds and started again. The web process is
never restarted. Checked: every ballot answered with a receipt (accepted) is stored, none
twice (one voter mark per voter and pool, as many ballots as marks), the ballot behind each
receipt holds exactly the projects that were sent; during the outage every answer is a 503
with Retry-After and the message in the resident's language (Kyrgyz here), never a 500;
ballots are accepted again within 60 s.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import threading
import time
import urllib.parse

import pytest

from shaar.testing import search

from . import faultkit

pytestmark = pytest.mark.faults

VOTERS = 600
CLIENTS = 4
OUTAGE_SECONDS = 4
RECOVERY_LIMIT_SECONDS = 60
REFUSED_PAUSE_SECONDS = 0.5
KYRGYZ_MESSAGE = "Кызмат убактылуу иштебей турат"

PREPARE = f"""
import json, sys
sys.path.insert(0, "bench")
import ballots
print(json.dumps(ballots.prepare({VOTERS})))
"""

STORED = """
import json
from django.contrib.sessions.models import Session
from shaar.accounts.models import Verification
from shaar.budgeting.models import Ballot, VoterMark

key_of = {v.user_id: v.voter_key for v in Verification.objects.all()}
session_of = {}
for s in Session.objects.all():
    session_of[key_of[int(s.get_decoded()["_auth_user_id"])]] = s.session_key
marks = [[session_of[m.voter_key], m.pool_id] for m in VoterMark.objects.all()]
ballots = {b.receipt_hash: [b.pool_id, b.projects] for b in Ballot.objects.all()}
print(json.dumps({"marks": marks, "ballots": ballots}))
"""
RECEIPT = re.compile(r'<code class="receipt">([^<]+)</code>')


class Outcome:
    """Every answer the clients got: (monotonic time, job, status, body, Retry-After)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: list[tuple[float, tuple[str, int, int], int, str, str | None]] = []
        self.client_errors: list[str] = []

    def add(self, *answer) -> None:
        with self.lock:
            self.answers.append(answer)


def cast(port: int, jobs: list[tuple[str, int, int]], outcome: Outcome,
         stop: threading.Event) -> None:
    """Cast each job's ballot once, as the ballot form does; keep-alive like a browser."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for job in jobs:
        if stop.is_set():
            return
        session, pool_id, project_id = job
        token = secrets.token_hex(16)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "projects": project_id})
        try:
            conn.request("POST", f"/ky/budget/bench/vote/{pool_id}/", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
                "Cookie": f"sessionid={session}; csrftoken={token}"})
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            outcome.client_errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        outcome.add(time.monotonic(), job, response.status, text,
                    response.getheader("Retry-After"))
        # A little pause so the drill spans the outage without thousands of voters, and a
        # longer one after a 503 (Retry-After, scaled down) so that a slow restart does not
        # use up every voter before PostgreSQL is back.
        time.sleep(REFUSED_PAUSE_SECONDS if response.status == 503 else 0.01)


def test_it_refuses_ballots_with_a_503_while_postgresql_is_down_and_recovers_by_itself(
        tmp_path) -> None:
    with faultkit.throwaway_postgres() as cluster:
        env = faultkit.production_env(DATABASE_URL=cluster.url, CONN_MAX_AGE="600",
                                      STATIC_ROOT=str(tmp_path / "static"))
        faultkit.manage("collectstatic", "--noinput", "-v0", env=env)
        faultkit.manage("migrate", "-v0", env=env)
        data = json.loads(faultkit.run_python(PREPARE, env=env))
        jobs = [(session, pool, data["projects"][str(pool)][n % 8])
                for n, session in enumerate(data["sessions"]) for pool in data["pools"]]

        with faultkit.running_gunicorn(env, tmp_path / "gunicorn.log") as port:
            outcome, stop = Outcome(), threading.Event()
            threads = [threading.Thread(target=cast, args=(port, jobs[i::CLIENTS], outcome, stop))
                       for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            try:
                faultkit.wait_until(lambda: len(outcome.answers) >= 50, timeout=60,
                                    what="the first ballots")
                down_at = time.monotonic()
                cluster.stop("immediate")
                time.sleep(OUTAGE_SECONDS)
                cluster.start()
                up_at = time.monotonic()

                def accepted_again() -> bool:
                    return any(at > up_at and status == 200
                               for at, _job, status, _text, _retry in list(outcome.answers))

                faultkit.wait_until(accepted_again, timeout=RECOVERY_LIMIT_SECONDS,
                                    what="a ballot accepted after PostgreSQL came back")
                time.sleep(1)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)

        stored = json.loads(faultkit.run_python(STORED, env=env))

    from shaar.budgeting.commitment import receipt_hash

    answers = outcome.answers
    accepted = {job: search(RECEIPT, text).group(1)
                for _at, job, status, text, _retry in answers if status == 200}
    refused = [(at, text, retry) for at, _job, status, text, retry in answers if status == 503]
    others = sorted({status for _at, _job, status, _text, _retry in answers} - {200, 503})
    recovered_at = min(at for at, _job, status, _text, _retry in answers
                       if status == 200 and at > up_at)
    marks = {(session, pool) for session, pool in stored["marks"]}
    print(f"\nPostgreSQL restart drill: {len(answers)} answers, {len(accepted)} ballots "
          f"accepted (receipt), {len(refused)} refused with 503, other statuses {others}, "
          f"client errors {len(outcome.client_errors)}; {len(stored['ballots'])} ballots "
          f"stored; first ballot accepted {recovered_at - up_at:.2f} s after PostgreSQL was "
          f"back ({up_at - down_at:.1f} s outage)")

    assert others == [], ("only accepted ballots and 503s are allowed, never a 500:\n"
                          + (tmp_path / "gunicorn.log").read_text()[-4000:])
    assert outcome.client_errors == []
    assert refused, "the drill must have hit the outage"
    for _at, text, retry in refused:
        assert KYRGYZ_MESSAGE in text
        assert retry == "30"
    assert recovered_at - up_at < RECOVERY_LIMIT_SECONDS
    # Nothing accepted is lost, nothing is stored twice or with other projects, and a
    # ballot is stored only if it was sent (one whose commit outran a dropped connection
    # may be stored although its answer was a 503: the resident then sees it on retry).
    for (session, pool, project), receipt in accepted.items():
        assert (session, pool) in marks
        assert stored["ballots"][receipt_hash(receipt)] == [pool, [project]]
    assert len(marks) == len(stored["marks"]) == len(stored["ballots"])
    assert marks <= {(session, pool) for session, pool, _project in jobs}
