"""Bounded load check of the OGP action plan's public pages and API.

Run a server first (e.g. `gunicorn shaar.wsgi -w 2 -b 127.0.0.1:8765` with demo data), then:
    .venv/bin/python bench/actionplan.py --base http://127.0.0.1:8765 --requests 300

Traffic goes only to the given base URL, which must be on 127.0.0.1 or localhost.
Prints requests per second and latency percentiles per path.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

PATHS = [
    "/en/ogp/dashboard/",
    "/ru/ogp/commitments/KGBSK0001/",
    "/api/v1/actionplan/plans",
    "/api/v1/actionplan/commitments/KGBSK0001",
]


def fetch(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (local only)
        response.read()
        status = response.status
    return time.perf_counter() - start, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if urlparse(args.base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("This benchmark only sends traffic to 127.0.0.1 or localhost.")
    for path in PATHS:
        url = args.base.rstrip("/") + path
        fetch(url)  # warm up
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(fetch, [url] * args.requests))
        elapsed = time.perf_counter() - started
        times = sorted(t for t, _status in results)
        bad = sum(status != 200 for _t, status in results)
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{path:45} {args.requests / elapsed:7.1f} req/s  "
              f"p50 {statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
              f"errors {bad}")


if __name__ == "__main__":
    main()
