"""Drill: two app servers behind nginx take a vote; one dies in the middle and comes back.

bench/scaleout.py, small: its own PostgreSQL cluster and Redis (never the machine's shared
ones), two gunicorns and nginx with an upstream of both, as deploy/nginx/shaar.conf does.
Server A is killed with SIGKILL (master and workers, as a machine dies) a third of the way
through and started again at two thirds. The drill checks, and exits 1 otherwise: every
acknowledged ballot is stored exactly once under its receipt, a per-client limit holds
across both servers (its counts are in Redis), and a session signed in before the kill
works on each server alone afterwards. The full-size run and the capacity table are in
deploy/README.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import faultkit

pytestmark = pytest.mark.faults


def test_a_vote_survives_an_app_server_dying_behind_nginx() -> None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx not found: install Debian's nginx-light to run the scale-out drill")
    with faultkit.throwaway_postgres() as cluster, faultkit.throwaway_redis() as redis_url:
        drill = subprocess.run(
            [sys.executable, "bench/scaleout.py", "--seconds", "24", "--clients", "4",
             "--workers", "1", "--threads", "4", "--voters", "600", "--cost-seconds", "0",
             "--database-url", cluster.url, "--redis-url", redis_url],
            cwd=faultkit.ROOT, capture_output=True, text=True, timeout=600)
    print(drill.stdout[-3000:])
    assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
    assert "server A killed (SIGKILL)" in drill.stdout
    assert "server A answers again" in drill.stdout
    assert drill.stdout.rstrip().endswith("drill: PASSED")
