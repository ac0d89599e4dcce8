"""gunicorn configuration for Shaar: `gunicorn -c deploy/gunicorn.conf.py shaar.wsgi`.

Everything is read from the environment, so the same file serves systemd and containers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: Django requests are short and mostly wait on PostgreSQL. 2×cores+1 is
# gunicorn's own advice; WEB_CONCURRENCY is the conventional override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed (and logged): ballots and reports take
# milliseconds; slow work belongs in Celery. nginx's proxy_read_timeout is set above it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows into an outage; not often: a new
# worker costs over a second of CPU to import Django and the apps, and the other workers'
# requests stall meanwhile. At 10,000 requests a worker was replaced every 80 s of a voting
# deadline (300 ballots/s) and those stalls were the slowest 5 % of ballots.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# Heartbeat files in memory, not on a possibly slow disk.
_SHM = "/dev/shm"  # noqa: S108 (gunicorn's documented choice; only heartbeat files)
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _SHM if Path(_SHM).is_dir() else None)
# Trust X-Forwarded-* only from nginx.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100

# Logs to stdout/stderr (journald or the container runtime collects them). nginx writes the
# access log (with the request id and the upstream time), so gunicorn's own is off unless
# GUNICORN_ACCESS_LOG names a file or "-" (no proxy in front); it carries the request id too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT", "text") == "json":
    access_log_format = (
        '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", '
        '"request_id": "%({x-request-id}o)s", "method": "%(m)s", "path": "%(U)s", '
        '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "user_agent": "%(a)s"}'
    )
else:
    access_log_format = ('%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" '
                         'request_id=%({x-request-id}o)s')

_STALE = re.compile(r"_(\d+)\.db$")


def _clean_metrics_dir(directory: str) -> None:
    """Remove Prometheus files of processes that no longer run (left by a previous run),
    keeping those of live processes (a second gunicorn during a hand-over)."""
    for path in Path(directory).glob("*.db"):
        match = _STALE.search(path.name)
        if not match:
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            pass


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        _clean_metrics_dir(directory)


def _warm_up() -> None:
    """Pay before the first request what it would otherwise pay (about 1 s on two cores, more
    on a busy machine): every view module imported through the URL configuration and each
    language's catalogues loaded. A worker started again by max_requests does the same."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (the property imports every urls and views module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Report a problem")


def post_worker_init(worker) -> None:
    _warm_up()
    # Django and the apps are loaded: move their long-lived objects (about 150,000) out of
    # the garbage collector's sight. A full collection that walks them takes 40-90 ms and
    # stalls every request of the worker; that was the slowest percent of ballots.
    gc.freeze()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
