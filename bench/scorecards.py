"""Benchmark: a month of provider scorecards from 1,000,000 reports in PostgreSQL, and the
scorecard pages once computed.

Targets (issue 6): computing the month under 30 s on 2 cores; scorecard pages under
50 ms at the 95th percentile.

    createdb -h 127.0.0.1 -U postgres shaar_providers_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shaar_providers_bench \
        .venv/bin/python bench/scorecards.py [--reports 1000000] [--requests 300]

It migrates the database, fills feedback tables with generated reports in one SQL
statement each (about 10 % reopened with their status events, 30 % rated), computes the
month through the real adapter (FeedbackSource, which streams the reports from
shaar.feedback.selectors.handled_reports into shaar/providers/metrics.py) and the scorecard
action, then requests the ranking, provider and API pages in-process with Django's test
client (no network). Besides wall time it prints the CPU time of this process and of the
database backend serving it (read from /proc when PostgreSQL runs on this machine;
parallel workers not included), as the machine may be busy with other work.
Bounded: one computation and a fixed number of requests; --reuse keeps existing data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def production_like_settings() -> None:
    """Pages are timed as production serves them: DEBUG off, so templates are cached and
    no query log is kept. Static files use plain storage (no collectstatic needed)."""
    import types

    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("VOTER_KEY_SECRET", "bench-only-voter-key")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    import shaar.settings as base

    module = types.ModuleType("bench_scorecards_settings")
    module.__dict__.update({k: v for k, v in vars(base).items() if k.isupper()})
    module.STORAGES = {**module.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    sys.modules[module.__name__] = module
    os.environ["DJANGO_SETTINGS_MODULE"] = module.__name__

MONTH = date(2026, 1, 1)

GENERATE = """
WITH cats AS (
    SELECT array_agg(c.id ORDER BY c.id) AS ids,
           array_agg(r.organisation_id ORDER BY c.id) AS orgs
    FROM feedback_category c JOIN feedback_routingrule r ON r.category_id = c.id
    WHERE c.code LIKE 'bench-%%'
), dists AS (SELECT array_agg(id ORDER BY id) AS ids FROM city_district),
base AS (
    SELECT g,
           TIMESTAMPTZ '2026-01-01 00:00:00+06' + random() * INTERVAL '31 days' AS created,
           random() AS r_status, random() AS r_ack, random() AS r_res, random() AS r_reopen,
           (g %% array_length((SELECT ids FROM cats), 1)) + 1 AS ci,
           (g %% array_length((SELECT ids FROM dists), 1)) + 1 AS di
    FROM generate_series(1, %(n)s) AS g
)
INSERT INTO feedback_report (is_sample, status, channel, lat, lon, address, description,
    answers, contact_name, contact_email, contact_phone, language, status_note, is_hidden,
    is_imported, token, created_at, updated_at, acknowledged_at, resolved_at, reopen_count,
    supporter_count, category_id, district_id, organisation_id)
SELECT true,
       CASE WHEN r_status < 0.80 THEN 'resolved' WHEN r_status < 0.85 THEN 'rejected'
            WHEN r_status < 0.93 THEN 'acknowledged' ELSE 'new' END,
       'web', 42.80 + random() * 0.12, 74.50 + random() * 0.20, '', 'bench', '{}', '', '', '',
       'ky', '', false, false, gen_random_uuid(), created, created,
       CASE WHEN r_status < 0.93 THEN created + r_ack * INTERVAL '30 hours' END,
       CASE WHEN r_status < 0.85 THEN created + INTERVAL '2 hours' + r_res * INTERVAL '120 hours'
       END,
       CASE WHEN r_status < 0.80 AND r_reopen < 0.10 THEN 1 ELSE 0 END, 0,
       (SELECT ids FROM cats)[ci], (SELECT ids FROM dists)[di], (SELECT orgs FROM cats)[ci]
FROM base
"""

EVENTS = """
INSERT INTO feedback_reportevent (kind, from_status, to_status, text, is_public, created_at,
                                  organisation_id, report_id)
SELECT e.kind, e.f, e.t, '', true, e.at, r.organisation_id, r.id
FROM feedback_report r,
LATERAL (VALUES
    ('status', 'new', 'resolved', r.acknowledged_at + (r.resolved_at - r.acknowledged_at) / 3),
    ('reopened', 'resolved', 'in_progress',
     r.acknowledged_at + (r.resolved_at - r.acknowledged_at) / 2),
    ('status', 'in_progress', 'resolved', r.resolved_at)) AS e(kind, f, t, at)
WHERE r.reopen_count > 0 AND r.description = 'bench'
"""

RATINGS = """
INSERT INTO feedback_rating (fixed, score, comment, created_at, organisation_id, report_id)
SELECT random() < 0.7, 1 + floor(random() * 5)::int, '', resolved_at + INTERVAL '1 day',
       organisation_id, id
FROM feedback_report WHERE status = 'resolved' AND description = 'bench' AND random() < 0.3
"""


def setup_data(n: int, reuse: bool) -> int:
    from django.db import connection

    from shaar.city.models import District, Organisation
    from shaar.feedback.models import Category, Report, RoutingRule
    from shaar.providers.models import ProviderProfile, ServiceLevel

    existing = Report.objects.filter(description="bench").count()
    if reuse and existing:
        return existing
    for code in ("bench-a", "bench-b", "bench-c", "bench-d"):
        District.objects.get_or_create(code=code, defaults={
            "name_ky": code, "name_ru": code, "name_en": code})
    sectors = ["waste", "water", "heating", "lighting", "transport", "roads", "green", "lifts"]
    for i, sector in enumerate(sectors):
        org, _c = Organisation.objects.get_or_create(code=f"bench-org-{i}", defaults={
            "name_ky": f"Bench {i}", "name_ru": f"Bench {i}", "name_en": f"Bench {i}",
            "kind": "provider"})
        codes = [f"bench-{i}-{j}" for j in range(3)]
        profile, _c = ProviderProfile.objects.update_or_create(organisation=org, defaults={
            "sector": sector, "category_codes": codes})
        profile.districts.set(District.objects.all())
        for code in codes:
            cat, _c = Category.objects.get_or_create(code=code, defaults={
                "name_ky": code, "name_ru": code, "name_en": code})
            RoutingRule.objects.get_or_create(category=cat, district=None,
                                              defaults={"organisation": org})
            ServiceLevel.objects.get_or_create(
                provider=profile, category_code=code, valid_from=datetime(2025, 1, 1, tzinfo=UTC),
                defaults={"acknowledge_hours": 24, "resolve_hours": 72})
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_rating WHERE report_id IN "
                       "(SELECT id FROM feedback_report WHERE description = 'bench')")
        cursor.execute("DELETE FROM feedback_reportevent WHERE report_id IN "
                       "(SELECT id FROM feedback_report WHERE description = 'bench')")
        cursor.execute("DELETE FROM feedback_report WHERE description = 'bench'")
        started = time.monotonic()
        cursor.execute(GENERATE, {"n": n})
        cursor.execute(EVENTS)
        cursor.execute(RATINGS)
        cursor.execute("ANALYZE feedback_report; ANALYZE feedback_reportevent; "
                       "ANALYZE feedback_rating")
        print(f"generated {n:,} reports in {time.monotonic() - started:.1f} s")
    return n


def backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by the PostgreSQL backend of this connection, if local."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_requests(client, url: str, count: int) -> tuple[float, float, float, float, int]:
    """Wall-clock and CPU (this process) milliseconds per request: p50 and p95 of each.
    On a shared, busy machine the CPU figures show what the page costs by itself."""
    for _i in range(5):  # warm up
        client.get(url)
    times, cpus = [], []
    status = 0
    for _i in range(count):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        status = response.status_code
    times.sort()
    cpus.sort()
    p95 = int(len(times) * 0.95) - 1
    return statistics.median(times), times[p95], statistics.median(cpus), cpus[p95], status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")

    production_like_settings()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from shaar.providers import actions
    from shaar.providers.models import Scorecard
    from shaar.providers.sources import FeedbackSource

    call_command("migrate", verbosity=0)
    n = setup_data(args.reports, args.reuse)
    now = datetime(2026, 2, 15, tzinfo=UTC)
    load_before = os.getloadavg()[0]
    db_cpu = backend_cpu_seconds()
    started = time.monotonic()
    cpu = time.process_time()
    counted = actions.scorecards_compute(month=MONTH, now=now, source=FeedbackSource())
    seconds = time.monotonic() - started
    cpu = time.process_time() - cpu
    db_after = backend_cpu_seconds()
    db_text = (f", {db_after - db_cpu:.1f} s CPU in the database backend"
               if db_cpu is not None and db_after is not None else "")
    print(f"computed {MONTH:%Y-%m}: {counted:,} reports, "
          f"{Scorecard.objects.filter(month=MONTH).count()} scorecards in {seconds:.1f} s "
          f"wall (target < 30 s), {cpu:.1f} s CPU in Python{db_text} — "
          f"{counted / seconds:,.0f} reports/s; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")

    client = Client(HTTP_HOST="127.0.0.1")
    org = Scorecard.objects.filter(month=MONTH, organisation__code="bench-org-0").first()
    pages = [("ranking", "/en/providers/?month=2026-01"),
             ("provider", "/en/providers/bench-org-0/?month=2026-01"),
             ("districts", "/en/providers/districts/?month=2026-01"),
             ("api scorecards", f"/api/v1/providers/{org.organisation_id}/scorecards"
                                "?from=2025-02&to=2026-01")]
    print(f"load average before the page requests: {os.getloadavg()[0]:.1f}")
    for name, url in pages:
        p50, p95, cpu50, cpu95, status = timed_requests(client, url, args.requests)
        print(f"{name:15} {status}  wall p50 {p50:6.1f} ms  p95 {p95:6.1f} ms · "
              f"CPU p50 {cpu50:5.1f} ms  p95 {cpu95:5.1f} ms "
              f"({args.requests} requests; target p95 < 50 ms)")
    print(f"reports in database: {n:,}")


if __name__ == "__main__":
    main()
