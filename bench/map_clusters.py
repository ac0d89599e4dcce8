"""Map of reports at city scale: grid clusters for 1,000,000 reports in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shaar_map_bench \
        .venv/bin/python bench/map_clusters.py [--reports 1000000] [--reads 20]

1. Seeds the database as bench/reports.py does (its `prepare`: demo data, then reports
   with COPY up to --reports).
2. Times GET /en/feedback/map/clusters.json (the endpoint the map calls at every move),
   uncached (PUBLIC_PAGE_CACHE_SECONDS=0), in process, --reads times each for:
   - the whole city at zooms 11, 12 and 13 (every report counted),
   - "near me": a random 1 km box at zoom 15 and a 300 m box at zoom 17 (pins),
   - the whole city filtered to one category.
   Prints p50/p95 per case and the number of groups sent; target p95 < 300 ms for the
   city views and < 100 ms near me.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"

import reports as reports_bench  # noqa: E402  (bench/reports.py: its seeding)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()
    reports_bench.setup_django()
    info = reports_bench.prepare(args.reports)
    print(f"{info['reports']:,} reports")

    from django.test import Client

    from shaar.city.demo import BBOX

    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(2)
    west, south, east, north = BBOX
    city = f"{west},{south},{east},{north}"

    def near(size: float) -> str:
        lat, lon = rng.uniform(south + 0.02, north - 0.02), rng.uniform(west + 0.02, east - 0.02)
        return f"{lon - size},{lat - size},{lon + size},{lat + size}"

    cases = [
        ("city, zoom 11", lambda: {"bbox": city, "zoom": "11"}),
        ("city, zoom 12", lambda: {"bbox": city, "zoom": "12"}),
        ("city, zoom 13", lambda: {"bbox": city, "zoom": "13"}),
        ("city, one category, zoom 12",
         lambda: {"bbox": city, "zoom": "12", "category": info["categories"][0]}),
        ("near me, 1 km, zoom 15", lambda: {"bbox": near(0.006), "zoom": "15"}),
        ("near me, 300 m, zoom 17 (pins)", lambda: {"bbox": near(0.002), "zoom": "17"}),
    ]
    client.get("/en/feedback/map/clusters.json", {"bbox": city, "zoom": "12"})  # warm up
    print(f"{'case':34} {'p50 ms':>8} {'p95 ms':>8} {'groups':>8}")
    for name, params in cases:
        times, sizes = [], []
        for _ in range(args.reads):
            t0 = time.perf_counter()
            response = client.get("/en/feedback/map/clusters.json", params())
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
            data = response.json()
            sizes.append(len(data.get("clusters", data.get("pins", []))))
        print(f"{name:34} {statistics.median(times):8.1f} {reports_bench.p95(times):8.1f} "
              f"{statistics.median(sizes):8.0f}")


if __name__ == "__main__":
    main()
