"""Scale-out drill: two app servers behind nginx, sharing PostgreSQL and Redis; one is killed
in the middle of a vote and started again.

    .venv/bin/python bench/scaleout.py [--seconds 60] [--clients 16] [--workers 2]
                                       [--threads 4] [--database-url postgres://...]
                                       [--redis-url redis://127.0.0.1:6379/5]

What it does (only 127.0.0.1 is contacted; the run is bounded by --seconds):
1. prepares a PostgreSQL database (bench/ballots.py: dropped and re-created, a cycle in voting
   with a city-wide and a district pool, verified voters each with a signed-in session) and
   empties the Redis database it is given (the shared cache: rate limits, page cache);
2. starts two gunicorns with the deployed configuration (deploy/gunicorn.conf.py) on two
   ports, and nginx (Debian's nginx-light) in front of them with an upstream of both, as
   deploy/nginx/shaar.conf does with one line per app server;
3. --clients processes cast the voters' ballots through nginx, as the ballot form does (POST
   with the CSRF token; the 200 answer showing the voter's receipt is the acknowledgement).
   Each voter casts in both pools, so sessions are
   used on both servers. At a third of --seconds server A is killed (SIGKILL, master and
   workers, as a machine dies), at two thirds it is started again;
4. checks, through bench/deadline.py's database check, that every acknowledged ballot is
   stored under its receipt's hash, no voter key has two marks in a pool and every pool holds
   as many ballots as voter marks; that a per-client limit holds across both servers
   (anonymous reports from one client address, FEEDBACK_ANON_RATE, through nginx which
   spreads them over A and B: exactly the limit is accepted); and that a session signed in
   before the kill still works on each server alone afterwards.

Clients are told apart as behind a load balancer that writes X-Forwarded-For before nginx
(TRUSTED_PROXY_COUNT=2): each client process sends its own address.
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ballots import (
    cast_with_wrk,
    free_port,
    migrated_database,
    prepare,
    server_cpu,
    start_gunicorn,
)
from deadline import check_database, receipt_in

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shaar_bench_scaleout"
ANON_RATE = 5  # reports per hour per client in the limit check

NGINX_CONF = """
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    upstream shaar_app {{
        # As deploy/nginx/shaar.conf: one line per app server.
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=2s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_connect_timeout 2s;
        proxy_read_timeout 35s;
        # Never sent twice: nginx retries a POST on the other server only when it could not
        # connect (nginx's default for non-idempotent requests).
        proxy_next_upstream error timeout;
        location / {{ proxy_pass http://shaar_app; }}
    }}
}}
"""


def start_nginx(tmp: Path, port: int, port_a: int, port_b: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = tmp / "nginx.conf"
    conf.write_text(("user root;\n" if os.geteuid() == 0 else "") + NGINX_CONF.format(
        tmp=tmp, port=port, port_a=port_a, port_b=port_b))
    process = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                               stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("nginx did not start")


def voter(port: int, jobs: list[tuple[str, int, int]], deadline: float, client: str,
          results: multiprocessing.Queue) -> None:
    """Cast these ballots through nginx until the deadline; report what was acknowledged."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    receipts, statuses = [], {}
    for session, pool_id, project_id in jobs:
        if time.time() > deadline:
            break
        token = secrets.token_hex(16)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "projects": project_id})
        try:
            conn.request("POST", f"/ky/budget/bench/vote/{pool_id}/", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
                "X-Forwarded-For": client,
                "Cookie": f"sessionid={session}; csrftoken={token}"})
            response = conn.getresponse()
            receipt = receipt_in(response.read())
            status = str(response.status)
            if response.status == 200 and receipt:
                receipts.append(receipt)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        statuses[status] = statuses.get(status, 0) + 1
    results.put((receipts, statuses))


def get(port: int, path: str, session: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    return response.status


def anonymous_reports(port: int, client: str, n: int) -> list[int]:
    statuses = []
    for i in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # new connection:
        body = urllib.parse.urlencode({"category": "bench", "lat": "42.87", "lon": "74.6",
                                       "description": f"Drill {i}"})  # nginx alternates
        conn.request("POST", "/api/v1/feedback/reports", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
            "X-Forwarded-For": client})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    return statuses


def measure_costs(port: int, servers: dict[str, subprocess.Popen], args,
                  jobs: list[tuple[str, int, int]]) -> None:
    """The CPU a ballot and a public page view cost in both app servers and in PostgreSQL
    (deploy/README.md's capacity table is computed from these)."""

    def cpu() -> tuple[float, float]:
        web, backends = 0.0, {}
        for server in servers.values():
            used, backends = server_cpu(server.pid, args.database_url)
            web += used
        return web, sum(backends.values())  # the database's backends, counted once

    before = cpu()
    ballots = cast_with_wrk(port, jobs, args.cost_seconds, 32, 2)
    after = cpu()
    n = ballots.requests - ballots.failed - ballots.refused
    if n:
        print(f"\nballot cost over {n} ballots ({n / ballots.seconds:.0f}/s, p95 "
              f"{ballots.p95 * 1000:.0f} ms): app servers "
              f"{(after[0] - before[0]) / n * 1000:.2f} ms + PostgreSQL "
              f"{(after[1] - before[1]) / n * 1000:.2f} ms of CPU")
    before = cpu()
    out = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{args.cost_seconds:.0f}s",
                          f"http://127.0.0.1:{port}/ky/budget/"],
                         capture_output=True, text=True, check=True).stdout
    after = cpu()
    pages = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
    if pages:
        print(f"page view cost (the civic budget's index, a visitor without cookies) over "
              f"{pages} views: app servers {(after[0] - before[0]) / pages * 1000:.2f} ms + "
              f"PostgreSQL {(after[1] - before[1]) / pages * 1000:.2f} ms of CPU")


def add_report_category() -> None:
    from shaar.feedback.models import Category

    Category.objects.get_or_create(code="bench", defaults={
        "name_ky": "B", "name_ru": "B", "name_en": "B"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="per app server")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--cost-seconds", type=float, default=15,
                        help="the cost measurement after the drill (needs wrk; 0: none)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL",
                                                              "redis://127.0.0.1:6379/5"))
    args = parser.parse_args()

    print(f"preparing {args.database_url} and {args.voters} voters ...", flush=True)
    env = migrated_database(args.database_url)
    env.update({"REDIS_URL": args.redis_url, "CELERY_TASK_ALWAYS_EAGER": "true",
                "TRUSTED_PROXY_COUNT": "2", "FEEDBACK_ANON_RATE": f"{ANON_RATE}/h"})
    os.environ.update(env)
    data = prepare(args.voters)
    add_report_category()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    from django.db import connections

    connections.close_all()
    # The drill's voters, and fresh ones for measuring the cost of a ballot afterwards.
    half = len(data["sessions"]) // 2
    jobs = [(session, pool_id, data["projects"][pool_id][n % 8])
            for n, session in enumerate(data["sessions"][:half]) for pool_id in data["pools"]]
    cost_jobs = [(session, pool_id, data["projects"][pool_id][n % 8])
                 for n, session in enumerate(data["sessions"][half:])
                 for pool_id in data["pools"]]

    port, port_a, port_b = free_port(), free_port(), free_port()
    tmp = Path(tempfile.mkdtemp(prefix="shaar-scaleout-"))
    servers = {"A": start_gunicorn(env, port_a, args.workers, args.threads),
               "B": start_gunicorn(env, port_b, args.workers, args.threads)}
    nginx = start_nginx(tmp, port, port_a, port_b)
    ok = True
    try:
        start = time.time()
        deadline = start + args.seconds
        results: multiprocessing.Queue = multiprocessing.Queue()
        share = [jobs[i::args.clients] for i in range(args.clients)]
        procs = [multiprocessing.Process(target=voter, args=(
            port, share[i], deadline, f"198.51.100.{i + 1}", results))
            for i in range(args.clients)]
        for p in procs:
            p.start()
        time.sleep(args.seconds / 3)
        os.killpg(servers["A"].pid, signal.SIGKILL)
        servers["A"].wait()
        killed_at = time.time() - start
        print(f"{killed_at:.0f} s: server A killed (SIGKILL)", flush=True)
        time.sleep(max(0.0, start + 2 * args.seconds / 3 - time.time()))
        servers["A"] = start_gunicorn(env, port_a, args.workers, args.threads)
        print(f"{time.time() - start:.0f} s: server A answers again", flush=True)
        outcomes = [results.get(timeout=args.seconds + 120) for _ in procs]
        for p in procs:
            p.join()
        elapsed = time.time() - start
        receipts = [r for rs, _s in outcomes for r in rs]
        statuses: dict[str, int] = {}
        for _c, counts in outcomes:
            for status, n in counts.items():
                statuses[status] = statuses.get(status, 0) + n
        sent = sum(statuses.values())
        print(f"\nballots sent: {sent} in {elapsed:.0f} s ({sent / elapsed:.0f}/s), "
              f"answers: {dict(sorted(statuses.items()))}")
        print(f"failed while a server died: {sent - len(receipts)} "
              f"({(sent - len(receipts)) / max(sent, 1):.2%})")

        import django

        django.setup()
        ok &= check_database(data["pools"], receipts)

        # A per-client limit across both servers: the counts live in the shared Redis.
        limited = anonymous_reports(port, "203.0.113.50", ANON_RATE + 5)
        other = anonymous_reports(port, "203.0.113.51", 1)
        limit_ok = limited.count(201) == ANON_RATE and other == [201]
        print(f"\nper-client limit across A and B ({ANON_RATE}/h): answers {limited}, "
              f"another client {other}: {'ok' if limit_ok else 'FAILED'}")
        ok &= limit_ok

        # Sessions live in the database: one signed in before the kill works on each server.
        session = data["sessions"][0]
        pool_id = data["pools"][0]
        seen = {name: get(p, f"/ky/budget/bench/vote/{pool_id}/", session)
                for name, p in (("A", port_a), ("B", port_b))}
        sessions_ok = seen == {"A": 200, "B": 200}
        print(f"a session from before the kill, on A and B: {seen}: "
              f"{'ok' if sessions_ok else 'FAILED'}")
        ok &= sessions_ok
        if args.cost_seconds > 0:
            measure_costs(port, servers, args, cost_jobs)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for server in servers.values():
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print("\ndrill:", "PASSED" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
