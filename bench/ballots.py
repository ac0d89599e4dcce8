"""Ballot casting over HTTP against gunicorn and PostgreSQL, with many concurrent clients.

    .venv/bin/python bench/ballots.py [--seconds 30] [--clients 32] [--workers 3]
                                      [--threads 4] [--database-url postgres://...]

What it does:
1. prepares a PostgreSQL database (default postgres://postgres@127.0.0.1:5432/shaar_bench_ballots,
   or --database-url; it is dropped and recreated): migrations, a cycle in voting with a
   city-wide and a district pool, and enough verified voters, each with a logged-in session,
   that nobody votes twice at up to --max-rate ballots/s;
2. starts gunicorn on 127.0.0.1 with the deployed configuration (deploy/gunicorn.conf.py,
   DEBUG off), --workers processes of --threads threads each (gthread; sync when 1);
3. for --seconds, --clients keep-alive connections of wrk (Debian's package `wrk`) cast the
   voters' ballots (city-wide and district), as the ballot form does (POST with the CSRF
   token, answer 200 with the receipt);
4. prints ballots per second, p50/p95/p99 latency and errors; the CPU time each ballot cost
   in gunicorn, in PostgreSQL (the bench database's backends) and in wrk, which stays
   meaningful on a busy machine; and the load average before and after. Then it checks the
   database: every acknowledged ballot stored, one voter mark per voter and pool, and as
   many ballots as voter marks.

Only 127.0.0.1 is contacted. Targets (2 cores): >= 300 ballots/s, p99 < 300 ms, no errors.
"""
from __future__ import annotations

import argparse
import http.client
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shaar_bench_ballots"


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "VOTER_KEY_SECRET": "bench-only-voter-key-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "shaar.settings",
        "STATIC_ROOT": os.path.join(tempfile.gettempdir(), "shaar-bench-ballots-static"),
    }


def create_database(database_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrated_database(database_url: str) -> dict[str, str]:
    """A new, migrated benchmark database; returns the environment for manage.py and
    gunicorn, which this process takes too (for `prepare`)."""
    env = env_for(database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    create_database(database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT,
                   check=True)
    # The answer to a ballot is the receipt page, which names hashed static files.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                   cwd=ROOT, check=True)
    return env


def prepare(voters: int) -> dict:
    """Runs inside a Django-configured process: the cycle, pools, projects and sessions."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from shaar.accounts.models import User, Verification, voter_key_for_pin
    from shaar.budgeting.models import Cycle, Pool, Proposal
    from shaar.city.models import City, District

    City.objects.update_or_create(id=1, defaults={"name_ky": "Бишкек", "name_ru": "Бишкек",
                                                  "name_en": "Bishkek"})
    district = District.objects.create(code="bench", name_ky="B", name_ru="B", name_en="B")
    cycle = Cycle.objects.create(slug="bench", name_ky="B", name_ru="B", name_en="B",
                                 phase="voting")
    pools = [Pool.objects.create(cycle=cycle, district=d, name_ky="P", name_ru="P",
                                 name_en="P", budget=10_000_000, rule="greedy")
             for d in (None, district)]
    projects = {}
    for pool in pools:
        projects[pool.pk] = [Proposal.objects.create(
            cycle=cycle, pool=pool, title=f"Project {i}", description="-", category="parks",
            estimated_cost=1_000_000 + i * 100_000, cost=1_000_000 + i * 100_000,
            status="approved").pk for i in range(8)]
    users = User.objects.bulk_create(
        [User(username=f"bench-{n}", password="!", email="")  # noqa: S106 ("!": unusable)
         for n in range(voters)],
        batch_size=2000)
    now = timezone.now()
    Verification.objects.bulk_create(
        [Verification(user=u, method="in_person", district=district, verified_at=now,
                      voter_key=voter_key_for_pin(f"2{n:013d}")) for n, u in enumerate(users)],
        batch_size=2000)
    backend = "shaar.accounts.backends.ModelBackend"
    sessions, keys = [], []
    store = SessionStore()
    expire = now + timezone.timedelta(days=1)
    for user in users:
        key = secrets.token_hex(16)
        data = store.encode({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                             HASH_SESSION_KEY: user.get_session_auth_hash()})
        sessions.append(Session(session_key=key, session_data=data, expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=2000)
    return {"pools": [p.pk for p in pools], "projects": projects, "sessions": keys}


# wrk's Lua: each thread takes every n-th line of the jobs file ("session pool project") and
# casts those ballots in turn, as the ballot form does (POST with the CSRF token, answer 200).
WRK_SCRIPT = r"""
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
function init(args)
  jobs, next_job = {}, 1
  local i = 0
  for line in io.lines("%(jobs)s") do
    if i %% %(threads)d == id - 1 then jobs[#jobs + 1] = line end
    i = i + 1
  end
end
request = function()
  local session, pool, project = jobs[next_job]:match("(%%S+) (%%S+) (%%S+)")
  next_job = next_job %% #jobs + 1
  return wrk.format("POST", "/ky/budget/bench/vote/" .. pool .. "/",
    {["Content-Type"] = "application/x-www-form-urlencoded",
     ["Cookie"] = "sessionid=" .. session .. "; csrftoken=%(token)s"},
    "csrfmiddlewaretoken=%(token)s&projects=" .. project)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d %%d\n", summary.requests,
    summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    failed: int  # connection errors and timeouts
    refused: int  # answers of 400 and above
    p50: float
    p95: float
    p99: float
    cpu: float  # of wrk itself


def cast_with_wrk(port: int, jobs: list[tuple[str, int, int]], seconds: float, clients: int,
                  threads: int) -> LoadResult:
    """wrk (C, a few % of a core), so that the load generator takes little CPU from the
    server on the same 2 cores."""
    with tempfile.TemporaryDirectory() as tmp:
        jobs_file, script = Path(tmp, "jobs.txt"), Path(tmp, "ballots.lua")
        jobs_file.write_text("".join(f"{s} {p} {j}\n" for s, p, j in jobs))
        script.write_text(WRK_SCRIPT % {"jobs": jobs_file, "threads": threads,
                                        "token": secrets.token_hex(16)})
        process = subprocess.Popen(
            ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s",
             "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
            stdout=subprocess.PIPE, text=True)
        out = process.stdout.read()
        _pid, _status, usage = os.wait4(process.pid, 0)
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    requests, duration, failed, refused, p50, p95, p99 = map(int, line.split()[1:])
    return LoadResult(requests, duration / 1e6, failed, refused, p50 / 1e6, p95 / 1e6,
                      p99 / 1e6, usage.ru_utime + usage.ru_stime)


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (and of its children it has waited for), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process has exited
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime (recycled workers)
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int, database_url: str) -> tuple[float, dict[int, float]]:
    """CPU so far of gunicorn (master, live and recycled workers) and of each PostgreSQL
    backend connected to the bench database (all on this machine)."""
    import psycopg

    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    web = cpu_seconds(master, children=True) + sum(cpu_seconds(w) for w in workers)
    name = urllib.parse.urlparse(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name])]
    return web, {pid: cpu_seconds(pid) for pid in pids}


def wait_for(port: int, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int,
                   *options: str) -> subprocess.Popen:
    """gunicorn with the deployed configuration on 127.0.0.1:`port`, once it answers; stop
    it with os.killpg (it leads its own process group)."""
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "shaar.wsgi",
         *options],
        env={**env, "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
             "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_KEEPALIVE": "30",
             "GUNICORN_LOG_LEVEL": "warning"},
        cwd=ROOT, start_new_session=True)
    try:
        wait_for(port)
    except SystemExit:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        raise
    if gunicorn.poll() is not None:
        raise SystemExit("gunicorn exited (is the port free?)")
    return gunicorn


def check(database_url: str, accepted: int, in_flight: int) -> str:
    code = (
        "import django; django.setup();"
        "from shaar.budgeting.models import Ballot, VoterMark;"
        "from django.db.models import Count;"
        "dup = VoterMark.objects.values('pool','voter_key').annotate(n=Count('id'))"
        ".filter(n__gt=1).count();"
        "ok = VoterMark.objects.count() == Ballot.objects.count();"
        "print(Ballot.objects.count(), dup, ok)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env_for(database_url), cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    stored = int(out[0])
    # wrk counts the answers it read; a ballot in flight when the run ended may be stored too.
    verdict = "ok" if accepted <= stored <= accepted + in_flight else "MISMATCH"
    return (f"stored ballots: {stored} for {accepted} acknowledged ({verdict}), "
            f"duplicate voter keys: {out[1]}, as many ballots as voter marks: {out[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32, help="wrk connections")
    parser.add_argument("--max-rate", type=int, default=700,
                        help="ballots/s the prepared voters suffice for")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DB))
    args = parser.parse_args()
    if "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        raise SystemExit("The benchmark only talks to a local database.")
    if not shutil.which("wrk"):
        raise SystemExit("Install wrk (apt-get install wrk): it is the load generator.")
    args.port = args.port or free_port()
    voters = math.ceil(args.max_rate * args.seconds / 2)

    print(f"preparing {args.database_url} with {voters} voters ...", flush=True)
    env = migrated_database(args.database_url)
    data = prepare(voters)
    pools, projects = data["pools"], data["projects"]
    jobs = []
    for n, session in enumerate(data["sessions"]):
        for pool_id in pools:
            jobs.append((session, pool_id, projects[pool_id][n % len(projects[pool_id])]))

    gunicorn = start_gunicorn(env, args.port, args.workers, args.threads)
    try:
        web_before, db_before = server_cpu(gunicorn.pid, args.database_url)
        load_before = os.getloadavg()[0]
        run = cast_with_wrk(args.port, jobs, args.seconds, args.clients, threads=2)
        web_after, db_after = server_cpu(gunicorn.pid, args.database_url)
        load_after = os.getloadavg()[0]
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    accepted = run.requests - run.failed - run.refused
    print(f"ballots answered: {run.requests}, accepted: {accepted}, refused: {run.refused}, "
          f"failed (connection or timeout): {run.failed}"
          + (" -- voters ran out, raise --max-rate" if run.requests > len(jobs) else ""))
    print(f"clients: {args.clients} (wrk), gunicorn: {args.workers} workers x {args.threads} "
          f"threads, elapsed: {run.seconds:.1f} s")
    print(f"ballots/s: {accepted / run.seconds:.0f}")
    print(f"latency p50: {run.p50 * 1000:.0f} ms, p95: {run.p95 * 1000:.0f} ms, "
          f"p99: {run.p99 * 1000:.0f} ms")
    web = (web_after - web_before) / run.requests * 1000
    db = (sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
          / run.requests * 1000)
    client = run.cpu / run.requests * 1000
    print(f"CPU per ballot: gunicorn {web:.1f} ms, PostgreSQL {db:.1f} ms, wrk {client:.2f} ms;"
          f" all of 2 cores would cast {2000 / (web + db + client):.0f}/s")
    print(f"load average (1 min) before: {load_before:.1f}, after: {load_after:.1f} "
          f"on {os.cpu_count()} cores (other work on the machine slows the figures above)")
    print(check(args.database_url, accepted, in_flight=args.clients))


if __name__ == "__main__":
    main()
