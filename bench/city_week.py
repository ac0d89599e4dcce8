"""The city-week scenario (shaar/web/tests/test_city_week.py) at a larger size.

    .venv/bin/python bench/city_week.py --residents 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shaar_bench .venv/bin/python \
        bench/city_week.py --residents 2000

Runs the same test with CITY_WEEK_RESIDENTS set, on the database DATABASE_URL names
(SQLite by default), and prints its wall time and the rate of residents per second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=2000)
    args = parser.parse_args()
    env = {**os.environ, "CITY_WEEK_RESIDENTS": str(args.residents)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "shaar/web/tests/test_city_week.py", "-q", "-n", "0",
         "-p", "no:cacheprovider", "--durations=1"], cwd=ROOT, env=env, check=False)
    seconds = time.perf_counter() - started
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") \
        else "SQLite"
    print(f"city week, {args.residents} residents on {database}: {seconds:.1f} s "
          f"(with the test database's set-up), {args.residents / seconds:.1f} residents/s, "
          f"exit {result.returncode}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
