"""Throwaway services for the fault drills: a PostgreSQL cluster and a Redis server of their
own, on free ports in temporary folders, so that stopping or killing them never touches
the machine's shared services; gunicorn and Celery run as real subprocesses.

Everything listens on 127.0.0.1 only and is stopped (and its folder removed) afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process (DEBUG off), for subprocesses."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                          "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "shaar.settings",
        "DEBUG": "false",
        "SECRET_KEY": "fault-drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "VOTER_KEY_SECRET": "fault-drill-only-voter-key-secret-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    })
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, timeout=timeout,
                            capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run_python(code: str, *, env: dict[str, str], timeout: float = 300) -> str:
    """Run `code` in a fresh Django process (django.setup() done) and return its stdout."""
    result = subprocess.run([PYTHON, "-c", "import django; django.setup()\n" + code], cwd=ROOT,
                            env=env, timeout=timeout, capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"subprocess failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- PostgreSQL -------------------------------------------------------------------------------

def _pg_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if not found:
        pytest.skip(f"PostgreSQL server binaries ({tool}) not found: install Debian's "
                    "postgresql package to run the database-restart drill")
    return found[-1]


class ThrowawayPostgres:
    """A cluster in a temporary folder. initdb and postgres refuse to run as root, so as
    root (CI) they run as the `postgres` system user through runuser."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="shaar-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/shaar_faults"
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no `postgres` user for initdb")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str, timeout: float = 120) -> None:
        result = subprocess.run([*self._as, *command], capture_output=True, text=True,
                                timeout=timeout, cwd=self.folder)
        if result.returncode:
            pytest.fail(f"{command[0]} failed: {result.stderr[-2000:]}"
                        f"{self.log.read_text()[-2000:] if self.log.exists() else ''}")

    def init(self) -> None:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-locale")
        self.start()
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", "shaar_faults")

    def start(self) -> None:
        # fsync off: the drill crashes the server process, not the machine, so the
        # kernel keeps every write it was given; it only makes the drill faster.
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c max_connections=50")
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(BaseException):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    cluster = ThrowawayPostgres()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()


# --- Redis -------------------------------------------------------------------------------------

@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """A redis-server of our own (the shared one keeps other helpers' queues)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not found: install Debian's redis-server package to run "
                    "the Celery worker drills")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="shaar-faults-redis-")
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", "--dir", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _accepts(port), timeout=10, what="redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --- gunicorn ----------------------------------------------------------------------------------

@contextlib.contextmanager
def running_gunicorn(env: dict[str, str], log: Path, *, workers: int = 2) -> Iterator[int]:
    """gunicorn on a free port, its errors in `log` (a file, not a pipe: the drills log an
    error per refused request, and a full pipe would block the workers)."""
    port = free_port()
    errors = log.open("w")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "shaar.wsgi", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)

    def healthy() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False

    try:
        wait_until(healthy, timeout=60, what="gunicorn", interval=0.3)
        yield port
    finally:
        stop_process(process)
        errors.close()


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL if it has not exited within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
