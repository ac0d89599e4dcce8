"""/metrics: Prometheus text, for the operator's networks only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import redis
from celery import shared_task
from prometheus_client.parser import text_string_to_metric_families

from shaar.lib import metrics
from shaar.testing import make_city

pytestmark = pytest.mark.django_db


def _samples(body: bytes) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


@pytest.fixture(autouse=True)
def _city():
    make_city()


def test_it_counts_requests_by_url_name_and_measures_latency(client) -> None:
    before = _samples(client.get("/metrics").content)
    key = ("shaar_http_requests_total", (("method", "GET"), ("status", "2xx"),
                                         ("view", "web:home")))
    client.get("/ru/")
    client.get("/en/")
    after = _samples(client.get("/metrics").content)
    assert after[key] - before.get(key, 0) == 2
    count = ("shaar_http_request_duration_seconds_count", (("method", "GET"),
                                                           ("view", "web:home")))
    assert after[count] >= 2


def test_it_serves_the_prometheus_text_format(client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"# TYPE shaar_ballots_cast_total counter" in response.content


@pytest.mark.parametrize("extra", [
    {"REMOTE_ADDR": "203.0.113.7"},
    {"REMOTE_ADDR": "10.1.2.3"},
    # Through nginx: the peer is local, but the client it forwarded is not.
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.1"},
    {"REMOTE_ADDR": "not-an-address"},
])
def test_it_hides_metrics_from_other_networks(client, extra) -> None:
    response = client.get("/metrics", **extra)
    assert response.status_code == 404
    assert b"shaar_" not in response.content


def test_it_allows_the_networks_the_operator_configures(client, settings) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_it_allows_ipv6_loopback_by_default(client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_it_refuses_other_methods(client) -> None:
    assert client.post("/metrics").status_code == 405


def test_it_exposes_the_counters_other_apps_increment(client) -> None:
    before = _samples(client.get("/metrics").content)
    metrics.BALLOTS_CAST.inc()
    metrics.REPORTS_RECEIVED.inc(2)
    after = _samples(client.get("/metrics").content)
    assert after[("shaar_ballots_cast_total", ())] - before[("shaar_ballots_cast_total", ())] == 1
    assert (after[("shaar_reports_received_total", ())]
            - before[("shaar_reports_received_total", ())]) == 2


@shared_task(name="shaar.ops.tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


def test_it_counts_task_failures_by_task_name(client) -> None:
    key = ("shaar_celery_task_failures_total", (("task", "shaar.ops.tests.always_fails"),))
    before = _samples(client.get("/metrics").content).get(key, 0)
    # As a worker runs it: the failure is recorded, not raised into the caller.
    result = always_fails.apply(throw=False)
    assert result.failed()
    assert _samples(client.get("/metrics").content)[key] - before == 1


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not running at 127.0.0.1:6379: {exc}")
    return client


def test_it_reports_the_celery_queue_length_from_redis() -> None:
    client = _redis_or_skip()
    queue = "shaar-ops-test-queue"
    client.delete(queue)
    client.rpush(queue, "a", "b", "c")
    try:
        body = metrics.render(broker_url="redis://127.0.0.1:6379/15", queues=[queue])
    finally:
        client.delete(queue)
    samples = _samples(body)
    assert samples[("shaar_celery_queue_length", (("queue", queue),))] == 3
    assert samples[("shaar_celery_broker_up", ())] == 1


def test_it_counts_task_failures_in_redis_for_every_web_machine_to_see() -> None:
    client = _redis_or_skip()
    broker = "redis://127.0.0.1:6379/15"
    client.delete(metrics.TASK_FAILURES_KEY)
    try:
        metrics.record_task_failure("budgeting.count_results", broker_url=broker)
        metrics.record_task_failure("budgeting.count_results", broker_url=broker)
        metrics.record_task_failure("feedback.notify", broker_url=broker)
        samples = _samples(metrics.render(broker_url=broker, queues=[]))
    finally:
        client.delete(metrics.TASK_FAILURES_KEY)
    key = "shaar_celery_task_failures_total"
    assert samples[(key, (("task", "budgeting.count_results"),))] == 2
    assert samples[(key, (("task", "feedback.notify"),))] == 1


def test_it_still_counts_a_task_failure_when_redis_is_down() -> None:
    before = metrics._local_task_failures.get("x.y", 0)
    metrics.record_task_failure("x.y", broker_url="redis://127.0.0.1:1/0")
    assert metrics._local_task_failures["x.y"] == before + 1


def test_it_reports_the_broker_down_without_failing() -> None:
    samples = _samples(metrics.render(broker_url="redis://127.0.0.1:1/0", queues=["celery"]))
    assert samples[("shaar_celery_broker_up", ())] == 0


SCRIPT = """
import sys
from shaar.lib import metrics
if sys.argv[1] == "inc":
    metrics.BALLOTS_CAST.inc()
else:
    sys.stdout.write(metrics.render(broker_url="", queues=[]).decode())
"""


def test_it_adds_up_every_gunicorn_worker_in_multiprocess_mode(tmp_path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(3):
        subprocess.run([sys.executable, "-c", SCRIPT, "inc"], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", SCRIPT, "render"], env=env, check=True,
                         capture_output=True).stdout
    assert _samples(out)[("shaar_ballots_cast_total", ())] == 3
