"""Public grants pages under load: the results page, its JSON and the two API lists.

Usage (from the repository root, against a running server on 127.0.0.1 only):

    DEBUG=true SQLITE_PATH=/tmp/bench-grants.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=true SQLITE_PATH=/tmp/bench-grants.sqlite3 .venv/bin/python bench/grants_public.py \
        --seed 300
    DEBUG=true SQLITE_PATH=/tmp/bench-grants.sqlite3 .venv/bin/gunicorn shaar.wsgi -w 2 \
        -b 127.0.0.1:8765 &
    .venv/bin/python bench/grants_public.py --url http://127.0.0.1:8765 --seconds 5

`--seed N` adds a decided sample call with N scored applications (a third of them awarded).
The load run uses a few client processes for a bounded time and prints requests per second
and the 95th percentile latency per endpoint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from multiprocessing import Pool
from urllib.parse import urlparse

ENDPOINTS = [
    "/en/grants/calls/{call}/",
    "/en/grants/calls/{call}/results.json",
    "/api/v1/grants/calls",
    "/api/v1/grants/awards",
]


def seed(n: int) -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaar.settings")
    import django

    django.setup()
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from shaar.accounts.models import User
    from shaar.grants.models import (
        ApplicantProfile,
        Application,
        Award,
        Call,
        Decision,
    )
    from shaar.grants.tests.factories import make_call, make_profile, score

    with transaction.atomic():
        if Call.objects.filter(code="bench-call").exists():
            print("bench-call already seeded")
            return
        call = make_call(open_now=False, code="bench-call", envelope=10**12,
                         max_per_grant=10**9, is_sample=True)
        evaluators = [User.objects.get_or_create(username=f"bench-eval-{i}")[0]
                      for i in range(3)]
        applicant = User.objects.get_or_create(username="bench-applicant")[0]
        now = timezone.now()
        for i in range(n):
            profile = make_profile(applicant, name=f"Bench org {i}")
            application = Application.objects.create(
                call=call, profile=profile, created_by=applicant, title=f"Bench project {i}",
                requested_amount=100_000 + i, cofunding_amount=20_000,
                status=Application.Status.AWARDED if i % 3 == 0
                else Application.Status.NOT_AWARDED,
                submitted_at=now - datetime.timedelta(days=40, seconds=i), is_sample=True)
            for k, evaluator in enumerate(evaluators):
                score(application, evaluator, [(i + k) % 11, (i * 7) % 11, (i * 3 + k) % 11])
            awarded = i % 3 == 0
            Decision.objects.create(application=application, awarded=awarded,
                                    amount=application.requested_amount if awarded else 0,
                                    rank=i + 1, follows_ranking=False, reason="bench",
                                    decided_by=evaluators[0], decided_at=now)
            if awarded:
                Award.objects.create(application=application,
                                     amount=application.requested_amount, is_sample=True)
        Call.objects.filter(id=call.id).update(status=Call.Status.DECIDED, decided_at=now)
    print(f"seeded bench-call with {n} applications, "
          f"{ApplicantProfile.objects.count()} profiles")


def _worker(args: tuple[str, str, float]) -> list[float]:
    base, path, seconds = args
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
            response.read()
        latencies.append(time.perf_counter() - started)
    return latencies


def load(base: str, seconds: float, clients: int, call: str) -> None:
    host = urlparse(base).hostname
    if host not in {"127.0.0.1", "localhost"}:
        raise SystemExit("Only local servers may be benchmarked.")
    with Pool(clients) as pool:
        for path in (endpoint.format(call=call) for endpoint in ENDPOINTS):
            results = pool.map(_worker, [(base, path, seconds)] * clients)
            latencies = sorted(x for r in results for x in r)
            p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0
            print(f"{path:45} {len(latencies) / seconds:8.1f} req/s  "
                  f"median {statistics.median(latencies) * 1000:6.1f} ms  "
                  f"p95 {p95 * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", default="")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--call", default="bench-call",
                        help="the decided call whose pages are loaded (the demo's: "
                             "demo-lit-streets-2026)")
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
    if args.url:
        load(args.url.rstrip("/"), min(args.seconds, 30.0), min(args.clients, 4), args.call)


if __name__ == "__main__":
    main()
