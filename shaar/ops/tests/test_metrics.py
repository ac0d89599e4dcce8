"""/metrics: Prometheus text, for the operator's networks only."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Any

import redis
from celery import shared_task
from django.test import SimpleTestCase, TestCase
from prometheus_client.parser import text_string_to_metric_families

from shaar.lib import metrics
from shaar.testing import make_city


def _samples(body: bytes) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


SCRIPT = """
import sys
from shaar.lib import metrics
if sys.argv[1] == "inc":
    metrics.BALLOTS_CAST.inc()
else:
    sys.stdout.write(metrics.render(broker_url="", queues=[]).decode())
"""


@shared_task(name="shaar.ops.tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


class MetricsViewTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_city()

    def test_it_counts_requests_by_url_name_and_measures_latency(self) -> None:
        before = _samples(self.client.get("/metrics").content)
        key = ("shaar_http_requests_total", (("method", "GET"), ("status", "2xx"),
                                             ("view", "web:home")))
        self.client.get("/ru/")
        self.client.get("/en/")
        after = _samples(self.client.get("/metrics").content)
        self.assertEqual(after[key] - before.get(key, 0), 2)
        count = ("shaar_http_request_duration_seconds_count", (("method", "GET"),
                                                               ("view", "web:home")))
        self.assertGreaterEqual(after[count], 2)

    def test_it_serves_the_prometheus_text_format(self) -> None:
        response = self.client.get("/metrics")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain; version="))
        self.assertIn(b"# TYPE shaar_ballots_cast_total counter", response.content)

    def test_it_hides_metrics_from_other_networks(self) -> None:
        cases: list[dict[str, Any]] = [
            {"REMOTE_ADDR": "203.0.113.7"},
            {"REMOTE_ADDR": "10.1.2.3"},
            # Through nginx: the peer is local, but the client it forwarded is not.
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.1"},
            {"REMOTE_ADDR": "not-an-address"},
        ]
        for extra in cases:
            with self.subTest(extra=extra):
                response = self.client.get("/metrics", **extra)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"shaar_", response.content)

    def test_it_allows_the_networks_the_operator_configures(self) -> None:
        with self.settings(METRICS_ALLOWED_NETWORKS=["10.0.0.0/8", "2001:db8::/32"]):
            self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code,
                             200)
            self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code,
                             200)
            self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code,
                             404)

    def test_it_allows_ipv6_loopback_by_default(self) -> None:
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="::1").status_code, 200)

    def test_it_refuses_other_methods(self) -> None:
        self.assertEqual(self.client.post("/metrics").status_code, 405)

    def test_it_exposes_the_counters_other_apps_increment(self) -> None:
        before = _samples(self.client.get("/metrics").content)
        metrics.BALLOTS_CAST.inc()
        metrics.REPORTS_RECEIVED.inc(2)
        after = _samples(self.client.get("/metrics").content)
        ballots, reports = ("shaar_ballots_cast_total", ()), ("shaar_reports_received_total", ())
        self.assertEqual(after[ballots] - before[ballots], 1)
        self.assertEqual(after[reports] - before[reports], 2)

    def test_it_counts_task_failures_by_task_name(self) -> None:
        key = ("shaar_celery_task_failures_total", (("task", "shaar.ops.tests.always_fails"),))
        before = _samples(self.client.get("/metrics").content).get(key, 0)
        # As a worker runs it: the failure is recorded, not raised into the caller.
        result = always_fails.apply(throw=False)
        self.assertTrue(result.failed())
        self.assertEqual(_samples(self.client.get("/metrics").content)[key] - before, 1)


class BrokerTests(SimpleTestCase):
    def redis_or_skip(self) -> redis.Redis:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1)
        try:
            client.ping()
        except redis.RedisError as exc:
            self.skipTest(f"Redis is not running at 127.0.0.1:6379: {exc}")
        return client

    def test_it_reports_the_celery_queue_length_from_redis(self) -> None:
        client = self.redis_or_skip()
        queue = "shaar-ops-test-queue"
        client.delete(queue)
        client.rpush(queue, "a", "b", "c")
        try:
            body = metrics.render(broker_url="redis://127.0.0.1:6379/15", queues=[queue])
        finally:
            client.delete(queue)
        samples = _samples(body)
        self.assertEqual(samples[("shaar_celery_queue_length", (("queue", queue),))], 3)
        self.assertEqual(samples[("shaar_celery_broker_up", ())], 1)

    def test_it_counts_task_failures_in_redis_for_every_web_machine_to_see(self) -> None:
        client = self.redis_or_skip()
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
        self.assertEqual(samples[(key, (("task", "budgeting.count_results"),))], 2)
        self.assertEqual(samples[(key, (("task", "feedback.notify"),))], 1)

    def test_it_still_counts_a_task_failure_when_redis_is_down(self) -> None:
        before = metrics._local_task_failures.get("x.y", 0)
        metrics.record_task_failure("x.y", broker_url="redis://127.0.0.1:1/0")
        self.assertEqual(metrics._local_task_failures["x.y"], before + 1)

    def test_it_reports_the_broker_down_without_failing(self) -> None:
        samples = _samples(metrics.render(broker_url="redis://127.0.0.1:1/0",
                                          queues=["celery"]))
        self.assertEqual(samples[("shaar_celery_broker_up", ())], 0)

    def test_it_adds_up_every_gunicorn_worker_in_multiprocess_mode(self) -> None:
        folder = self.enterContext(tempfile.TemporaryDirectory())
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
        for _ in range(3):
            subprocess.run([sys.executable, "-c", SCRIPT, "inc"], env=env, check=True)
        out = subprocess.run([sys.executable, "-c", SCRIPT, "render"], env=env, check=True,
                             capture_output=True).stdout
        self.assertEqual(_samples(out)[("shaar_ballots_cast_total", ())], 3)
