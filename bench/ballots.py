"""Ballot casting over HTTP against gunicorn and PostgreSQL, with many concurrent clients.

    .venv/bin/python bench/ballots.py [--ballots 6000] [--clients 32] [--workers 3]
                                      [--threads 4] [--database-url postgres://...]

What it does:
1. prepares a PostgreSQL database (default postgres://postgres@127.0.0.1:5432/shaar_bench_ballots,
   or --database-url; it is dropped and recreated): migrations, a cycle in voting with a
   city-wide and a district pool, and --ballots/2 verified voters, each with a logged-in
   session;
2. starts gunicorn on 127.0.0.1 with the deployed configuration (deploy/gunicorn.conf.py,
   DEBUG off), --workers processes of --threads threads each (gthread; sync when 1);
3. casts every voter's two ballots (city-wide and district) with --clients concurrent
   keep-alive HTTP clients spread over --processes processes, as the ballot form does (POST
   with the CSRF token, answer 302);
4. prints ballots per second, p50/p95/p99 latency and errors; the CPU time each ballot cost
   in gunicorn, in PostgreSQL (the bench database's backends) and in the load generator,
   which stays meaningful on a busy machine; and the load average before and after. Then it
   checks the database: one ballot per voter and pool, and an unbroken receipt chain.

Only 127.0.0.1 is contacted. Targets (2 cores): >= 300 ballots/s, p99 < 300 ms, no errors.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
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
    backend = "django.contrib.auth.backends.ModelBackend"
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


def client_process(port: int, jobs: list[tuple[str, int, int]], threads: int,
                   results: multiprocessing.Queue, start_at: float) -> None:
    """Threads with keep-alive connections; each job is (session, pool id, project id)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    chunks = [jobs[i::threads] for i in range(threads)]

    def run(chunk: list[tuple[str, int, int]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for session, pool_id, project_id in chunk:
            token = secrets.token_hex(16)
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token,
                                           "projects": project_id})
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": f"sessionid={session}; csrftoken={token}",
                       "Host": "127.0.0.1"}
            began = time.perf_counter()
            try:
                conn.request("POST", f"/ky/budget/bench/vote/{pool_id}/", body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - began)
            if status != 302:
                bad.append(str(status))
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    while time.time() < start_at:
        time.sleep(0.01)
    workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((latencies, errors, time.process_time()))


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


def wait_for(port: int, timeout: float = 30) -> None:
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


def check(database_url: str, voters: int) -> str:
    code = (
        "import django; django.setup();"
        "from shaar.budgeting.models import Ballot;"
        "from shaar.budgeting.actions import verify_chain;"
        "from django.db.models import Count;"
        "dup = Ballot.objects.values('pool','voter_key').annotate(n=Count('id'))"
        ".filter(n__gt=1).count();"
        "ok = all(verify_chain([{'previous': b.previous_receipt, 'receipt': b.receipt,"
        " 'content': b.content(b.projects), 'salt': b.salt}"
        " for b in Ballot.objects.filter(pool=p).order_by('seq')])"
        " for p in Ballot.objects.order_by().values_list('pool', flat=True).distinct());"
        "print(Ballot.objects.count(), dup, ok)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env_for(database_url), cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    return (f"stored ballots: {out[0]} (expected {2 * voters}), duplicate voter keys: {out[1]}, "
            f"receipt chains valid: {out[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DB))
    args = parser.parse_args()
    if "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        raise SystemExit("The benchmark only talks to a local database.")
    args.port = args.port or free_port()
    voters = args.ballots // 2

    print(f"preparing {args.database_url} with {voters} voters ...", flush=True)
    env = migrated_database(args.database_url)
    data = prepare(voters)
    pools, projects = data["pools"], data["projects"]
    jobs = []
    for n, session in enumerate(data["sessions"]):
        for pool_id in pools:
            jobs.append((session, pool_id, projects[pool_id][n % len(projects[pool_id])]))

    gunicorn_env = {**env, "WEB_CONCURRENCY": str(args.workers),
                    "GUNICORN_THREADS": str(args.threads),
                    "GUNICORN_BIND": f"127.0.0.1:{args.port}", "GUNICORN_KEEPALIVE": "30",
                    "GUNICORN_ACCESS_LOG": os.devnull, "GUNICORN_LOG_LEVEL": "warning"}
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "shaar.wsgi"],
        env=gunicorn_env, cwd=ROOT, start_new_session=True)
    try:
        wait_for(args.port)
        if gunicorn.poll() is not None:
            raise SystemExit("gunicorn exited (is the port free?)")
        web_before, db_before = server_cpu(gunicorn.pid, args.database_url)
        load_before = os.getloadavg()[0]
        results: multiprocessing.Queue = multiprocessing.Queue()
        per_process = max(1, args.clients // args.processes)
        start_at = time.time() + 1.0
        procs = [multiprocessing.Process(target=client_process, args=(
            args.port, jobs[i::args.processes], per_process, results, start_at))
            for i in range(args.processes)]
        for p in procs:
            p.start()
        latencies: list[float] = []
        errors: list[str] = []
        client_cpu = 0.0
        for _p in procs:
            lat, err, cpu = results.get()
            latencies.extend(lat)
            errors.extend(err)
            client_cpu += cpu
        elapsed = time.time() - start_at
        web_after, db_after = server_cpu(gunicorn.pid, args.database_url)
        load_after = os.getloadavg()[0]
        for p in procs:
            p.join()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    ok = len(latencies) - len([e for e in errors if e.isdigit()])
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(f"ballots sent: {len(jobs)}, accepted: {ok}, errors: {len(errors)}"
          + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"clients: {args.clients} in {args.processes} processes, gunicorn: {args.workers} "
          f"workers x {args.threads} threads, elapsed: {elapsed:.1f} s")
    print(f"ballots/s: {ok / elapsed:.0f}")
    print(f"latency p50: {qs[49] * 1000:.0f} ms, p95: {qs[94] * 1000:.0f} ms, "
          f"p99: {qs[98] * 1000:.0f} ms")
    web = (web_after - web_before) / len(jobs) * 1000
    db = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items()) / len(jobs) * 1000
    client = client_cpu / len(jobs) * 1000
    print(f"CPU per ballot: gunicorn {web:.1f} ms, PostgreSQL {db:.1f} ms, load generator "
          f"{client:.1f} ms; all of 2 cores would cast {2000 / (web + db + client):.0f}/s")
    print(f"load average (1 min) before: {load_before:.1f}, after: {load_after:.1f} "
          f"on {os.cpu_count()} cores (other work on the machine slows the figures above)")
    print(check(args.database_url, voters))


if __name__ == "__main__":
    main()
