"""Prometheus metrics: the counters every app may increment, and the HTTP middleware.

Other apps import the counters and increment them once the write has committed::

    from shaar.lib import metrics
    transaction.on_commit(metrics.BALLOTS_CAST.inc)

Under gunicorn each worker is a process: set `PROMETHEUS_MULTIPROC_DIR` (a writable
directory of this machine's gunicorn, cleaned at start by `deploy/gunicorn.conf.py`) before
the processes start, and `/metrics` adds up every process's values.

Celery workers run on other machines or containers, so their task failures are counted in
Redis (the broker) and read at scrape time, like the queue length: any web machine's
`/metrics` shows the installation's totals.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY

NAMESPACE = "shaar"
logger = logging.getLogger(__name__)

REQUESTS = Counter("http_requests", "HTTP requests answered, by view, method and status class",
                   ["view", "method", "status"], namespace=NAMESPACE)
LATENCY = Histogram("http_request_duration_seconds", "Time to answer an HTTP request",
                    ["view", "method"], namespace=NAMESPACE,
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
BALLOTS_CAST = Counter("ballots_cast", "Ballots accepted (counted after commit)",
                       namespace=NAMESPACE)
REPORTS_RECEIVED = Counter("reports_received", "Citizen reports received (after commit)",
                           namespace=NAMESPACE)

TASK_FAILURES_KEY = "shaar:metrics:celery_task_failures"
# Without a Redis broker (eager tasks in development and tests) failures are counted here.
_local_task_failures: dict[str, int] = {}


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def _is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "unix://"))


def record_task_failure(task_name: str, *, broker_url: str) -> None:
    """Count a failed task where every web machine can read it (Redis), else locally."""
    if _is_redis(broker_url):
        import redis

        try:
            client = redis.Redis.from_url(broker_url, socket_timeout=2,
                                          socket_connect_timeout=2)
            client.hincrby(TASK_FAILURES_KEY, task_name, 1)
            return
        except redis.RedisError:
            logger.warning("could not count the failure of %s in Redis", task_name)
    _local_task_failures[task_name] = _local_task_failures.get(task_name, 0) + 1


class BrokerCollector:
    """Queue lengths and task failures, read from the Redis broker at scrape time."""

    def __init__(self, broker_url: str, queues: list[str]) -> None:
        self.broker_url = broker_url
        self.queues = queues

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(f"{NAMESPACE}_celery_queue_length",
                                  "Messages waiting in the Celery queue (Redis broker only)",
                                  labels=["queue"])
        up = GaugeMetricFamily(f"{NAMESPACE}_celery_broker_up",
                               "1 when the broker answered the queue-length query")
        failures = CounterMetricFamily(f"{NAMESPACE}_celery_task_failures",
                                       "Celery tasks that raised, by task name",
                                       labels=["task"])
        counts = dict(_local_task_failures)
        if _is_redis(self.broker_url):
            import redis

            try:
                client = redis.Redis.from_url(self.broker_url, socket_timeout=1,
                                              socket_connect_timeout=1)
                for queue in self.queues:
                    gauge.add_metric([queue], client.llen(queue))
                for key, value in client.hgetall(TASK_FAILURES_KEY).items():
                    # Bytes: the client is made without decode_responses.
                    name = key.decode() if isinstance(key, bytes) else key
                    counts[name] = counts.get(name, 0) + int(value)
                up.add_metric([], 1)
            except redis.RedisError:
                up.add_metric([], 0)
            yield gauge
            yield up
        for task, count in sorted(counts.items()):
            failures.add_metric([task], count)
        yield failures


def render(*, broker_url: str, queues: list[str]) -> bytes:
    """The text exposition of every metric, summed over processes in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
    else:
        registry = REGISTRY
    queue_registry = CollectorRegistry()
    queue_registry.register(BrokerCollector(broker_url, queues))
    return generate_latest(registry) + generate_latest(queue_registry)


class MetricsMiddleware:
    """Counts requests and measures latency, labelled by URL name (bounded cardinality)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        if view == "metrics":
            return response
        method = request.method if request.method in {
            "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} else "other"
        LATENCY.labels(view, method).observe(time.perf_counter() - start)
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        return response
