"""A voting deadline: sustained ballot load with public page traffic, then a spike.

    .venv/bin/python bench/deadline.py [--minutes 30] [--spike-minutes 5] [--rate 300]
                                       [--spike-factor 3] [--page-rate 60] [--workers 3]

What it does (only 127.0.0.1 is contacted; the run is bounded by the options):
1. prepares a PostgreSQL database (default
   postgres://postgres@127.0.0.1:5432/shaar_bench_deadline, or --database-url): migrations,
   collectstatic (into STATIC_ROOT), the demo data (so the public pages show something;
   --no-demo skips it), then bench/ballots.py's cycle in voting with a city-wide and a
   district pool and enough verified voters, each with a logged-in session, for every ballot
   of the run (each voter casts two, one per pool);
2. starts gunicorn with the deployed configuration (deploy/gunicorn.conf.py, DEBUG off) on
   127.0.0.1, --workers processes of --threads threads;
3. phase "sustained": --rate ballots/s for --minutes, plus --page-rate public page views/s
   (home, civic budget index, the cycle in voting, results and funded projects, feedback list
   and map, citizen's budget); phase "spike": --spike-factor times both rates for
   --spike-minutes. Requests follow a fixed arrival schedule (open model, as k6's
   constant-arrival-rate): a slow server does not slow the schedule down, it builds a queue;
4. prints per phase: ballots/s achieved, error rate, ballot latency p50/p95/p99, page views/s
   and page p95; then checks the database: every ballot acknowledged (the 200 answer that
   shows the voter their receipt) is stored under that receipt's hash, no voter key has two
   marks in a pool, and each pool holds as many ballots as voter marks.

Targets (civic budget, issue 10): 300 ballots/s sustained, errors < 0.1 %, p95 ballot latency
< 500 ms, no acknowledged ballot missing. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import math
import multiprocessing
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ballots import ROOT, free_port, migrated_database, prepare, start_gunicorn

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shaar_bench_deadline"
TARGET_ERROR_RATE = 0.001
TARGET_P95 = 0.5
TIMEOUT = 30


@dataclass
class Phase:
    name: str
    seconds: float
    ballot_rate: float
    page_rate: float


@dataclass
class Sample:
    """One request: its phase, when it was due and sent, how long it took, and how it ended
    (an HTTP status, or the name of the exception); ballots keep the receipt they showed."""

    phase: int
    sent: float
    latency: float
    outcome: str
    receipt: str = ""


@dataclass
class Schedule:
    """Arrival times of one load-generator process: request i of phase k is due at
    phase start + offset + i / rate, the processes interleaved by their offset."""

    phases: list[Phase]
    start: float
    share: float          # this process's part of each rate
    offset: float         # this process's place in the interleave, in units of 1 / rate
    rate_of: str          # "ballot_rate" or "page_rate"
    bounds: list[tuple[int, int, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        first, begins = 0, self.start
        for phase in self.phases:
            rate = getattr(phase, self.rate_of) * self.share
            count = math.floor(rate * phase.seconds)
            self.bounds.append((first, first + count, begins, rate))
            first += count
            begins += phase.seconds

    @property
    def total(self) -> int:
        return self.bounds[-1][1] if self.bounds else 0

    def due(self, index: int) -> tuple[int, float]:
        for number, (first, last, begins, rate) in enumerate(self.bounds):
            if index < last:
                return number, begins + (index - first + self.offset) / rate
        raise IndexError(index)


RECEIPT = re.compile(rb'<code class="receipt">([^<]+)</code>')


def receipt_in(body: bytes) -> str:
    """The receipt the ballot's answer shows the voter (once: the server keeps its hash)."""
    found = RECEIPT.search(body)
    return found.group(1).decode() if found else ""


def _run_schedule(schedule: Schedule, threads: int, port: int, request,
                  max_lag: float) -> list[Sample]:
    """`threads` keep-alive connections take the next due request in turn; one that could
    not be sent within `max_lag` seconds of its time is dropped."""
    lock = threading.Lock()
    counter = iter(range(schedule.total))
    samples: list[Sample] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        mine: list[Sample] = []
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            phase, due = schedule.due(index)
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            elif -pause > max_lag:
                # Every connection was busy for too long: the server is not keeping up.
                # Like k6's dropped iterations, skip the request (and keep the run bounded).
                mine.append(Sample(phase, due, 0.0, "dropped"))
                continue
            sent = time.time()
            began = time.perf_counter()
            try:
                outcome, receipt = request(conn, index)
            except (OSError, http.client.HTTPException) as exc:
                outcome, receipt = type(exc).__name__, ""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            mine.append(Sample(phase, sent, time.perf_counter() - began, outcome, receipt))
        conn.close()
        with lock:
            samples.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return samples


def client_process(port: int, jobs: list[tuple[str, int, int]], pages: list[str],
                   schedules: tuple[Schedule, Schedule], threads: tuple[int, int],
                   max_lag: float, results: multiprocessing.Queue) -> None:
    """Ballots (as the ballot form posts them, answer 200 with the receipt) and page views
    side by side."""

    def cast(conn: http.client.HTTPConnection, index: int) -> tuple[str, str]:
        session, pool_id, project_id = jobs[index]
        token = secrets.token_hex(16)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "projects": project_id})
        conn.request("POST", f"/ky/budget/bench/vote/{pool_id}/", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={token}", "Host": "127.0.0.1"})
        response = conn.getresponse()
        return str(response.status), receipt_in(response.read())

    def view(conn: http.client.HTTPConnection, index: int) -> tuple[str, str]:
        conn.request("GET", pages[index % len(pages)], headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return str(response.status), ""

    out: dict[str, list[Sample]] = {}
    page_thread = threading.Thread(target=lambda: out.setdefault(
        "pages", _run_schedule(schedules[1], threads[1], port, view, max_lag)))
    page_thread.start()
    out["ballots"] = _run_schedule(schedules[0], threads[0], port, cast, max_lag)
    page_thread.join()
    results.put(out)


def public_pages() -> list[str]:
    """Runs in the Django-configured parent: the pages residents open on deadline day."""
    from django.urls import reverse
    from django.utils import translation

    from shaar.budgeting.models import Pool
    from shaar.openbudget.selectors import published_years

    with translation.override("ky"):
        pages = [reverse("web:home"), reverse("budgeting:index"),
                 reverse("budgeting:cycle", args=["bench"]), reverse("budgeting:projects"),
                 reverse("feedback:list"), reverse("feedback:map"), reverse("feedback:map-data"),
                 reverse("openbudget:index")]
        published = (Pool.objects.filter(cycle__phase="published", result__isnull=False)
                     .select_related("cycle").first())
        if published:
            pages.append(reverse("budgeting:results", args=[published.cycle.slug, published.pk]))
        years = list(published_years())
        if years:
            pages.append(reverse("openbudget:year", args=[years[0].year]))
    return pages


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[p - 1]


def report_phase(phase: Phase, ballots: list[Sample], pages: list[Sample]) -> dict:
    accepted = [s for s in ballots if s.outcome == "200" and s.receipt]
    failed = len(ballots) - len(accepted)
    dropped = sum(s.outcome == "dropped" for s in ballots)
    ballots = [s for s in ballots if s.outcome != "dropped"]
    pages_dropped = sum(s.outcome == "dropped" for s in pages)
    pages = [s for s in pages if s.outcome != "dropped"]
    # Achieved rate: accepted ballots over the time from the phase's first send to its last
    # answer, so a queue that drains after the phase is not hidden.
    if ballots:
        span = max(s.sent + s.latency for s in ballots) - min(s.sent for s in ballots)
    else:
        span = phase.seconds
    span = max(span, phase.seconds)
    latencies = [s.latency for s in ballots]
    page_latencies = [s.latency for s in pages]
    page_errors = [s for s in pages if not s.outcome.startswith(("2", "3"))]
    outcomes: dict[str, int] = {}
    for s in ballots + pages:
        if s.outcome != "200":
            outcomes[s.outcome] = outcomes.get(s.outcome, 0) + 1
    figures = {
        "ballots_sent": len(ballots), "accepted": len(accepted), "dropped": dropped,
        "ballots_per_s": len(accepted) / span,
        "error_rate": failed / (len(ballots) + dropped) if ballots or dropped else 0.0,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99), "pages": len(pages),
        "pages_per_s": len(pages) / span, "page_p95": percentile(page_latencies, 95),
        "page_errors": len(page_errors),
    }
    print(f"\n== {phase.name}: {phase.seconds / 60:g} min at {phase.ballot_rate:g} ballots/s "
          f"and {phase.page_rate:g} page views/s")
    print(f"ballots due: {len(ballots) + dropped}, sent: {len(ballots)}, dropped (not sent "
          f"in time, counted as errors): {dropped}, accepted: {len(accepted)}, "
          f"achieved: {figures['ballots_per_s']:.0f} ballots/s over {span:.0f} s")
    print(f"error rate: {figures['error_rate'] * 100:.3f} % (target < "
          f"{TARGET_ERROR_RATE * 100:g} %)" + (f"; not 200: {outcomes}" if outcomes else ""))
    print(f"ballot latency p50: {figures['p50'] * 1000:.0f} ms, p95: {figures['p95'] * 1000:.0f} "
          f"ms (target < {TARGET_P95 * 1000:.0f} ms), p99: {figures['p99'] * 1000:.0f} ms")
    print(f"page views: {len(pages)} ({figures['pages_per_s']:.0f}/s), p95: "
          f"{figures['page_p95'] * 1000:.0f} ms, errors: {len(page_errors)}, dropped: "
          f"{pages_dropped}")
    return figures


def check_database(pools: list[int], acknowledged: list[str]) -> bool:
    from django.db.models import Count

    from shaar.budgeting.commitment import receipt_hash
    from shaar.budgeting.models import Ballot, VoterMark

    stored = set(Ballot.objects.filter(pool__in=pools).values_list("receipt_hash", flat=True))
    answered = {receipt_hash(code) for code in acknowledged}
    missing = answered - stored
    marks = VoterMark.objects.filter(pool__in=pools)
    duplicates = (marks.values("pool", "voter_key").annotate(n=Count("id"))
                  .filter(n__gt=1).count())
    unmatched = [p for p in pools if Ballot.objects.filter(pool=p).count()
                 != marks.filter(pool=p).count()]
    print(f"\nstored ballots: {len(stored)}, acknowledged: {len(answered)}, "
          f"acknowledged but missing: {len(missing)}, stored without an acknowledgement "
          f"(errors or time-outs that committed): {len(stored - answered)}")
    print(f"duplicate voter keys: {duplicates}, pools whose ballots and voter marks differ: "
          f"{unmatched or 'none'}")
    return not missing and not duplicates and not unmatched


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="sustained phase")
    parser.add_argument("--spike-minutes", type=float, default=5)
    parser.add_argument("--rate", type=float, default=300, help="ballots/s, sustained")
    parser.add_argument("--spike-factor", type=float, default=3)
    parser.add_argument("--page-rate", type=float, default=60, help="page views/s, sustained")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread; sync when 1)")
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--ballot-threads", type=int, default=64, help="per process")
    parser.add_argument("--page-threads", type=int, default=16, help="per process")
    parser.add_argument("--max-lag", type=float, default=10,
                        help="drop a request not sent within this many seconds of its time")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DB))
    args = parser.parse_args()
    if urllib.parse.urlparse(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("The benchmark only talks to a local database.")
    args.port = args.port or free_port()
    return args


def main() -> None:
    args = parse_args()
    # A plain `kill` still stops gunicorn (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    phases = [Phase("sustained", args.minutes * 60, args.rate, args.page_rate),
              Phase("spike", args.spike_minutes * 60, args.rate * args.spike_factor,
                    args.page_rate * args.spike_factor)]
    phases = [p for p in phases if p.seconds > 0]
    ballots_needed = sum(math.ceil(p.ballot_rate * p.seconds) for p in phases)
    voters = ballots_needed // 2 + args.processes * 2

    print(f"preparing {args.database_url}: demo data and {voters} voters ...", flush=True)
    env = migrated_database(args.database_url)
    # DEBUG is off: the pages need the static files' manifest.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                   cwd=ROOT, check=True)
    if not args.no_demo:
        subprocess.run([sys.executable, "manage.py", "seed_demo", "--demo-server"], env=env,
                       cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    data = prepare(voters)
    pools, projects = data["pools"], data["projects"]
    jobs = [(session, pool_id, projects[pool_id][n % len(projects[pool_id])])
            for n, session in enumerate(data["sessions"]) for pool_id in pools]
    pages = public_pages()
    from django.db import connections

    connections.close_all()  # the forked clients must not share the parent's connection

    gunicorn = start_gunicorn(env, args.port, args.workers, args.threads, "--backlog", "2048")
    try:
        start = time.time() + 2.0
        results: multiprocessing.Queue = multiprocessing.Queue()
        n = args.processes
        procs = [multiprocessing.Process(target=client_process, args=(
            args.port, jobs[i::n], pages,
            (Schedule(phases, start, 1 / n, i / n, "ballot_rate"),
             Schedule(phases, start, 1 / n, i / n, "page_rate")),
            (args.ballot_threads, args.page_threads), args.max_lag, results))
            for i in range(n)]
        for p in procs:
            p.start()
        print(f"running {' then '.join(f'{p.name} {p.seconds / 60:g} min' for p in phases)} "
              f"with {args.workers} gunicorn workers x {args.threads} threads ...", flush=True)
        ballots: list[Sample] = []
        views: list[Sample] = []
        for _p in procs:
            out = results.get()
            ballots.extend(out["ballots"])
            views.extend(out["pages"])
        for p in procs:
            p.join()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    figures = [report_phase(phase, [s for s in ballots if s.phase == k],
                            [s for s in views if s.phase == k])
               for k, phase in enumerate(phases)]
    unreadable = sum(s.outcome == "200" and not s.receipt for s in ballots)
    if unreadable:
        print(f"answers without a receipt (the ballot was not taken): {unreadable}")
    intact = check_database(pools, [s.receipt for s in ballots if s.receipt])
    met = all(f["error_rate"] < TARGET_ERROR_RATE and f["p95"] < TARGET_P95 for f in figures)
    print(f"\ntargets met: {met}; every acknowledged ballot stored: {intact}")
    if not (met and intact):
        sys.exit(1)


if __name__ == "__main__":
    main()
