"""Feedback benchmark: 1,000,000 reports in PostgreSQL, submissions over HTTP, list/map p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shaar_feedback_bench \
        .venv/bin/python bench/reports.py [--reports 1000000] [--seconds 20]

1. Migrates the database, loads the demo data (city, districts, categories, routing) and,
   when fewer than --reports reports exist, adds the rest with PostgreSQL COPY.
2. Starts gunicorn on a free 127.0.0.1 port (--workers × --threads), DEBUG off.
3. Submission throughput: --clients connections (wrk if installed, else Python processes)
   POST /api/v1/feedback/reports for --seconds, each with its own Idempotency-Key, half
   with an e-mail (a notification is queued). Target: >= 200/s, no errors. Also printed:
   the CPU time gunicorn and PostgreSQL spent per submission, which neighbours on a
   shared machine change much less than the rate. Set REDIS_URL (e.g.
   redis://127.0.0.1:6379/5) to run as production does: rate limits in Redis and
   notifications queued for Celery rather than sent inside the request.
4. Read latency: --reads sequential GETs of /api/v1/feedback/reports for a random
   district and month (a page of 100), and of the GeoJSON map layer. Target: p95 < 100 ms.
5. Public pages and exports at this size (issue 21): the time to the first byte and the
   whole download of every public page and export (reports.csv, reports.geojson with
   ?download=1, statistics, list, map, Open311), then --downloaders processes download the
   exports over and over for --download-seconds while a trivial API call's p95 is measured
   (and compared with its p95 at rest) and the gunicorn workers' memory is sampled.
   Targets: first byte < 2 s for every page and export, worker RSS < 300 MB, the trivial
   call's p95 unchanged. gunicorn runs with deploy/gunicorn.conf.py (its 30 s timeout).
   The statistics are warmed as Celery beat would (tasks.refresh_stats, timed): set
   REDIS_URL so that the page's cache is the workers' shared one. The whole city's exports
   are built as files as Celery beat would (tasks.refresh_exports, timed) and gunicorn
   sends them (sendfile); a district's CSV is measured too, streamed from the database.

Everything runs on 127.0.0.1 only and stops after the given counts and times.
"""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A port nobody listens on now (other benchmarks share this machine)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or free_port())


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def prepare(n_reports: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark uses COPY.")
    from shaar.city import demo as city_demo
    from shaar.feedback import demo as feedback_demo
    from shaar.feedback.models import Category, Report

    city_demo.seed()
    feedback_demo.seed()
    existing = Report.objects.count()
    if existing < n_reports:
        t0 = time.perf_counter()
        copy_reports(n_reports - existing)
        print(f"seeded {n_reports - existing:,} reports with COPY in "
              f"{time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE feedback_report")
    from shaar.city.models import District

    return {"districts": list(District.objects.values_list("code", flat=True)),
            "categories": list(Category.objects.filter(questions__isnull=True)
                               .values_list("code", flat=True)),
            "reports": Report.objects.count()}


def copy_reports(count: int) -> None:
    """Random reports spread over two years and every district, written with COPY."""
    from django.db import connection

    from shaar.city.models import District
    from shaar.feedback.actions import route_for
    from shaar.feedback.models import Category

    rng = random.Random(1)
    districts = list(District.objects.filter(boundary__isnull=False))
    categories = list(Category.objects.all())
    routes = {(c.pk, d.pk): route_for(category=c, district=d) for c in categories
              for d in districts}
    boxes = {}
    for d in districts:
        ring = d.boundary["coordinates"][0]
        boxes[d.pk] = (min(p[1] for p in ring), max(p[1] for p in ring),
                       min(p[0] for p in ring), max(p[0] for p in ring))
    now = datetime.now(UTC)
    statuses = ["new", "acknowledged", "in_progress", "resolved", "resolved", "resolved",
                "rejected", "duplicate"]
    channels = ["web", "web", "app", "app", "phone", "letter", "in_person", "eportal",
                "open311"]
    columns = ("is_sample, category_id, status, channel, lat, lon, address, district_id, "
               "description, answers, contact_name, contact_email, contact_phone, "
               "department_id, organisation_id, status_note, is_hidden, token, created_at, "
               "updated_at, acknowledged_at, resolved_at, acknowledge_due_at, "
               "resolve_due_at, reopen_count, supporter_count, is_imported, language")
    batch = 100_000
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        for start in range(0, count, batch):
            with raw.copy(f"COPY feedback_report ({columns}) FROM STDIN") as copy:
                for _ in range(min(batch, count - start)):
                    c = rng.choice(categories)
                    d = rng.choice(districts)
                    s, n, w, e = boxes[d.pk]
                    created = now - timedelta(seconds=rng.randrange(0, 730 * 86400))
                    status = rng.choice(statuses)
                    ack = created + timedelta(hours=rng.uniform(1, 48)) if status != "new" \
                        else None
                    res = (ack + timedelta(hours=rng.uniform(2, 300))
                           if status in ("resolved", "rejected", "duplicate") else None)
                    dept, org = routes[(c.pk, d.pk)]
                    copy.write_row((
                        True, c.pk, status, rng.choice(channels), rng.uniform(s, n),
                        rng.uniform(w, e), "", d.pk, "Benchmark report", "{}", "", "", "",
                        dept.pk if dept else None, org.pk if org else None, "", False,
                        uuid.uuid4(), created, res or ack or created, ack, res,
                        created + timedelta(hours=c.target_hours_acknowledge),
                        created + timedelta(hours=c.target_hours_resolve), 0, 0, False,
                        "en"))
            print(f"  … {min(start + batch, count):,}", flush=True)


def start_gunicorn(workers: int, threads: int) -> subprocess.Popen:
    """gunicorn as deployed (deploy/gunicorn.conf.py: its timeout, recycling, gc.freeze)."""
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 50,
           "VOTER_KEY_SECRET": "bench-voter", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0",
           "FEEDBACK_ANON_RATE": "100000000/s", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "shaar.settings", "GUNICORN_BIND": f"127.0.0.1:{PORT}",
           "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
           "GUNICORN_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "shaar.wsgi"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited (port {PORT} taken?)")
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            time.sleep(1)
            if proc.poll() is not None:  # someone else's server answered
                sys.exit(f"gunicorn exited (port {PORT} taken?)")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("gunicorn did not start")


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def submitter(seconds: float, categories: list[str], seed: int, results) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    ok = 0
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        fields = {
            "category": rng.choice(categories), "lat": f"{rng.uniform(42.80, 42.92):.6f}",
            "lon": f"{rng.uniform(74.50, 74.70):.6f}", "description": "Bench submission",
            "channel": "app"}
        if rng.random() < 0.5:  # half leave an e-mail: a notification is queued for them
            fields["contact_email"] = f"resident{rng.randrange(10**6)}@example.org"
        body, content_type = _multipart(fields)
        try:
            conn.request("POST", "/api/v1/feedback/reports", body=body, headers={
                "Content-Type": content_type, "Idempotency-Key": uuid.uuid4().hex})
            response = conn.getresponse()
            text = response.read()
            if response.status == 201:
                ok += 1
            else:
                errors.append(f"{response.status} {text[:200]!r}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    results.put((ok, errors))


# wrk's Lua: each request a new report with its own Idempotency-Key; half leave an e-mail.
WRK_SCRIPT = r"""
local categories = {%(categories)s}
local counter = 0
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
function init(args) math.randomseed(id * 7919) end
request = function()
  counter = counter + 1
  local boundary = "b" .. id .. "x" .. counter
  local fields = {category = categories[math.random(#categories)],
    lat = string.format("%%.6f", 42.80 + math.random() * 0.12),
    lon = string.format("%%.6f", 74.50 + math.random() * 0.20),
    description = "Bench submission", channel = "app"}
  if math.random() < 0.5 then
    fields.contact_email = "r" .. id .. "-" .. counter .. "@example.org"
  end
  local parts = {}
  for name, value in pairs(fields) do
    table.insert(parts, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" ..
      name .. "\"\r\n\r\n" .. value .. "\r\n")
  end
  table.insert(parts, "--" .. boundary .. "--\r\n")
  return wrk.format("POST", "/api/v1/feedback/reports",
    {["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
     ["Idempotency-Key"] = "%(run)s-" .. id .. "-" .. counter}, table.concat(parts))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def submit_with_wrk(seconds: float, clients: int, categories: list[str]) -> tuple[int, list[str]]:
    """wrk (C, a few % of a core) instead of Python clients, which would take CPU from
    the server on this machine. Returns (201s, errors)."""
    import tempfile

    script = WRK_SCRIPT % {"categories": ", ".join(f'"{c}"' for c in categories),
                           "run": uuid.uuid4().hex}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as fh:
        fh.write(script)
        fh.flush()
        out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s",
                              "--timeout", "10s", "-s", fh.name, f"http://127.0.0.1:{PORT}"],
                             capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    requests, _duration, errors = map(int, line.split()[1:])
    return requests - errors, [f"{errors} non-201 or failed requests (wrk)"] if errors else []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _parent_pid(stat: Path) -> int:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def server_pids(server: subprocess.Popen) -> tuple[list[int], list[int]]:
    """gunicorn's processes, and the PostgreSQL back ends serving this database."""
    from django.db import connection

    children = [int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat")
                if _parent_pid(stat) == server.pid]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        backends = [row[0] for row in cursor.fetchall()]
    connection.close()
    return [server.pid, *children], backends


def measure_reads(paths: list[str], timeout: float = 10) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    times = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - t0) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {path} → {response.status}")
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


# --- public pages and exports (issue 21) -------------------------------------------------
PUBLIC_PATHS = ["/en/feedback/reports.csv", "/en/feedback/reports.geojson?download=1",
                "/en/feedback/reports.geojson", "/en/feedback/stats/", "/en/feedback/",
                "/en/feedback/map/", "/en/feedback/map.json", "/api/v1/feedback/reports",
                "/open311/v2/requests.json", "/open311/v2/requests.xml"]
EXPORTS = ["/en/feedback/reports.csv", "/en/feedback/reports.geojson?download=1"]
TRIVIAL = "/api/v1/feedback/categories"


def fetch(path: str, timeout: float = 120) -> tuple[float, float, int, int]:
    """(seconds to the first byte, seconds to the last, bytes, status) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    first = time.perf_counter() - t0
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
    conn.close()
    return first, time.perf_counter() - t0, size, response.status


def downloader(seconds: float, results) -> None:
    """Download the exports one after the other until the deadline (a download still running
    then is cut off); report (downloads started, errors, megabytes read)."""
    deadline, n, errors, size = time.perf_counter() + seconds, 0, 0, 0
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        try:
            conn.request("GET", EXPORTS[n % len(EXPORTS)])
            response = conn.getresponse()
            errors += response.status != 200
            while time.perf_counter() < deadline and (chunk := response.read(1 << 16)):
                size += len(chunk)
        except (OSError, http.client.HTTPException):
            errors += 1
        conn.close()
        n += 1
    results.put((n, errors, size / 1e6))


def worker_rss_mb(server: subprocess.Popen) -> dict[int, float]:
    """Resident memory of each gunicorn worker now (Linux /proc), in MB."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        if _parent_pid(stat) != server.pid:
            continue
        try:
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[int(stat.parent.name)] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return out


def trivial_p95(n: int) -> list[float]:
    return measure_reads([TRIVIAL] * n)


def measure_public(server: subprocess.Popen, args, district: str) -> None:
    from django.conf import settings as django_settings

    if django_settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        from shaar.feedback.tasks import refresh_stats

        t0 = time.perf_counter()
        refresh_stats()  # as Celery beat does every FEEDBACK_STATS_MINUTES
        print(f"statistics recomputed (Celery task, 3 languages) in "
              f"{time.perf_counter() - t0:.1f} s")
    else:
        print("REDIS_URL is not set: each worker computes the statistics once (cold)")
    from shaar.feedback.tasks import refresh_exports

    t0 = time.perf_counter()
    refresh_exports()  # as Celery beat does every FEEDBACK_EXPORTS_MINUTES
    print(f"whole-city exports built as files (Celery task: CSV, GeoJSON in 3 languages) in "
          f"{time.perf_counter() - t0:.1f} s")
    print("public pages and exports (first byte / whole / size):")
    # A filtered export is not a built file: it streams from the database.
    for path in [*PUBLIC_PATHS, f"/en/feedback/reports.csv?district={district}"]:
        first, total, size, status = fetch(path)
        flag = "" if first < 2 and status == 200 else "   <-- over 2 s or not 200"
        print(f"  {path:45} {first * 1000:7.0f} ms / {total:6.1f} s / {size / 1e6:6.1f} MB "
              f"({status}){flag}")
    rest = trivial_p95(args.reads)
    print(f"trivial API call at rest: p50 {statistics.median(rest):.1f} ms, "
          f"p95 {p95(rest):.1f} ms")
    results: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=downloader, args=(args.download_seconds, results))
             for _ in range(args.downloaders)]
    for p in procs:
        p.start()
    peak: dict[int, float] = {}
    busy: list[float] = []
    deadline = time.perf_counter() + args.download_seconds
    while time.perf_counter() < deadline:
        for pid, mb in worker_rss_mb(server).items():
            peak[pid] = max(peak.get(pid, 0), mb)
        busy += trivial_p95(10)
    done = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    downloads, errors = sum(d[0] for d in done), sum(d[1] for d in done)
    print(f"{args.downloaders} clients downloading exports for {args.download_seconds:.0f} s: "
          f"{downloads} downloads started, {sum(d[2] for d in done):.0f} MB read, "
          f"{errors} errors")
    print(f"trivial API call meanwhile: p50 {statistics.median(busy):.1f} ms, "
          f"p95 {p95(busy):.1f} ms ({len(busy)} calls)")
    print(f"gunicorn workers' peak RSS: "
          f"{', '.join(f'{mb:.0f} MB' for mb in sorted(peak.values()))} (target < 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--downloaders", type=int, default=8)
    parser.add_argument("--download-seconds", type=float, default=60)
    parser.add_argument("--only-public", action="store_true",
                        help="skip the submissions and list/map timings (step 3 and 4)")
    parser.add_argument("--client", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python",
                        help="load generator for submissions (wrk if installed)")
    args = parser.parse_args()
    setup_django()
    info = prepare(args.reports)
    print(f"{info['reports']:,} reports in the database")
    from django.db import connections

    connections.close_all()
    # DEBUG is off in gunicorn: the pages need the static files' manifest.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   env={**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 50,
                        "VOTER_KEY_SECRET": "bench-voter"}, cwd=ROOT, check=True)
    server = start_gunicorn(args.workers, args.threads)
    try:
        # Warm every worker up (a busy shared machine may take a while to start them).
        measure_reads(["/api/v1/feedback/categories"] * 4 * args.workers, timeout=120)
        if args.only_public:
            measure_public(server, args, info["districts"][0])
            return
        web, db = server_pids(server)
        cpu0 = cpu_seconds(web), cpu_seconds(db)
        t0 = time.perf_counter()
        if args.client == "wrk":
            totals = [submit_with_wrk(args.seconds, args.clients, info["categories"])]
        else:
            results: multiprocessing.Queue = multiprocessing.Queue()
            procs = [multiprocessing.Process(target=submitter,
                                             args=(args.seconds, info["categories"], i, results))
                     for i in range(args.clients)]
            for p in procs:
                p.start()
            totals = [results.get(timeout=args.seconds + 60) for _ in procs]
            for p in procs:
                p.join()
        elapsed = time.perf_counter() - t0
        # The PostgreSQL back ends that opened during the run count too.
        web_cpu = cpu_seconds(web) - cpu0[0]
        db_cpu = cpu_seconds(sorted(set(db) | set(server_pids(server)[1]))) - cpu0[1]
        cpu = web_cpu + db_cpu
        ok = sum(t[0] for t in totals)
        errors = [e for t in totals for e in t[1]]
        print(f"submissions: {ok:,} in {elapsed:.1f} s = {ok / elapsed:.0f}/s, "
              f"errors: {len(errors)} (target >= 200/s, 0 errors)")
        if ok:
            # On a shared machine the rate depends on the neighbours; the CPU time that
            # gunicorn and PostgreSQL spent per submission does not (much).
            print(f"server CPU per submission: {cpu / ok * 1000:.1f} ms (gunicorn "
                  f"{web_cpu / ok * 1000:.1f} + PostgreSQL {db_cpu / ok * 1000:.1f}), i.e. "
                  f"at most {2 * ok / cpu:.0f}/s on 2 idle cores without the load generator")
        for error in sorted(set(errors))[:5]:
            print("  error:", error)

        rng = random.Random(7)
        today = datetime.now(UTC)
        months = [(today - timedelta(days=30 * i)).strftime("%Y-%m") for i in range(24)]
        list_paths = [f"/api/v1/feedback/reports?district={rng.choice(info['districts'])}"
                      f"&month={rng.choice(months)}&page_size=100" for _ in range(args.reads)]
        list_times = measure_reads(list_paths)
        print(f"list API (district + month, 100 per page): p50 "
              f"{statistics.median(list_times):.1f} ms, p95 {p95(list_times):.1f} ms "
              f"(target < 100 ms)")
        map_paths = [f"/en/feedback/map.json?district={rng.choice(info['districts'])}"
                     f"&month={rng.choice(months)}" for _ in range(args.reads)]
        map_times = measure_reads(map_paths)
        print(f"map pins (district + month, up to 5,000 pins): p50 "
              f"{statistics.median(map_times):.1f} ms, p95 {p95(map_times):.1f} ms")
        measure_public(server, args, info["districts"][0])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
