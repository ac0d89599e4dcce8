"""Citizen's budget: how long a large budget file takes to check and import, and how fast
the year's summary is served afterwards.

    .venv/bin/python bench/openbudget_import.py [LINES]

Runs against a throwaway SQLite database in a temporary directory; requests stay inside
the process (Django test client), so nothing goes over the network.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = 20_000
COLUMNS = ["direction", "cofog", "economic_code", "admin_unit", "programme", "name_ky",
           "name_ru", "name_en", "approved", "revised", "executed"]
GROUPS = ["7011", "7045", "7062", "7063", "7072", "7082", "7091", "7092", "7104", "7051"]
UNITS = ["education", "transport", "finance", "social", "landscaping", "urban-development"]


def budget_csv(lines: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for i in range(lines):
        writer.writerow(["expenditure", GROUPS[i % len(GROUPS)], f"{2000 + i}",
                         UNITS[i % len(UNITS)], f"P-{i % 40}", f"Сап {i}", f"Строка {i}",
                         f"Line {i}", f"{1_000_000 + i}.25", f"{1_100_000 + i}.50",
                         f"{900_000 + i}.75"])
    return buffer.getvalue().encode()


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else LINES
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBUG": "true", "SQLITE_PATH": str(Path(tmp) / "bench.sqlite3")}
        env.pop("DATABASE_URL", None)
        python = str(ROOT / ".venv" / "bin" / "python")
        manage = [python, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        subprocess.run([*manage, "shell", "-c", "from shaar.city.demo import seed; seed()"],
                       check=True, env=env, cwd=ROOT)
        path = Path(tmp) / "budget.csv"
        path.write_bytes(budget_csv(lines))
        for attempt in (1, 2):  # the second import replaces the first, keeping it
            started = time.perf_counter()
            subprocess.run([*manage, "import_budget", str(path), "--year", "2026",
                            "--no-progress"], check=True, env=env, cwd=ROOT, timeout=600)
            elapsed = time.perf_counter() - started
            print(f"import {attempt}: {lines} lines in {elapsed:.1f} s "
                  f"({lines / elapsed:,.0f} lines/s, including process start-up)")
        script = (
            "import time\n"
            "from django.test import Client\n"
            "c = Client(HTTP_HOST='127.0.0.1')\n"
            "t = time.perf_counter(); r = c.get('/api/v1/openbudget/years/2026/summary')\n"
            "cold = time.perf_counter() - t\n"
            "assert r.status_code == 200\n"
            "t = time.perf_counter()\n"
            "for _ in range(50): c.get('/api/v1/openbudget/years/2026/summary')\n"
            "warm = (time.perf_counter() - t) / 50\n"
            "t = time.perf_counter()\n"
            "for _ in range(20): c.get('/en/city-budget/2026/')\n"
            "page = (time.perf_counter() - t) / 20\n"
            "print(f'summary: first {cold * 1000:.0f} ms, cached {warm * 1000:.1f} ms; "
            "year page {page * 1000:.0f} ms')\n"
        )
        subprocess.run([*manage, "shell", "-c", script], check=True, env=env, cwd=ROOT,
                       timeout=600)


if __name__ == "__main__":
    main()
