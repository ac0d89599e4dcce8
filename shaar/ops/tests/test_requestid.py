"""Request ids on responses and in every log line; JSON logs on demand."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.test import SimpleTestCase, TestCase

from shaar.lib.requestid import RequestIdFilter, request_id_var
from shaar.testing import make_city


class RequestIdTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_city()

    def test_it_echoes_a_safe_incoming_request_id(self) -> None:
        response = self.client.get("/ru/", HTTP_X_REQUEST_ID="5f0c3a9e-nginx-id-42")
        self.assertEqual(response["X-Request-ID"], "5f0c3a9e-nginx-id-42")

    def test_it_generates_an_id_when_none_or_an_unsafe_one_comes_in(self) -> None:
        for incoming in [None, "short", "bad id with spaces", "x" * 300,
                         "<script>alert(1)</script>"]:
            with self.subTest(incoming=incoming):
                extra: dict[str, Any] = {"HTTP_X_REQUEST_ID": incoming} if incoming else {}
                response = self.client.get("/ru/", **extra)
                self.assertEqual(len(response["X-Request-ID"]), 32)
                self.assertNotEqual(response["X-Request-ID"], incoming)

    def test_it_puts_the_request_id_into_log_records_written_during_the_request(self) -> None:
        logger = logging.getLogger("django.request")
        request_id = RequestIdFilter()
        logger.addFilter(request_id)
        self.addCleanup(logger.removeFilter, request_id)
        with self.assertLogs("django.request", level=logging.WARNING) as logs:
            response = self.client.get("/ru/no-such-page/", HTTP_X_REQUEST_ID="req-abcdef123456")
        self.assertEqual(response.status_code, 404)
        records = [r for r in logs.records if r.name == "django.request"]
        self.assertTrue(records)
        self.assertTrue(all(getattr(r, "request_id", None) == "req-abcdef123456" for r in records))
        self.assertEqual(request_id_var.get(), "-")


class LogFormatTests(SimpleTestCase):
    def test_it_formats_json_log_lines_with_the_request_id(self) -> None:
        stream = io.StringIO()
        config = {
            "version": 1,
            "filters": settings.LOGGING["filters"],
            "formatters": settings.LOGGING["formatters"],
            "handlers": {"s": {"class": "logging.StreamHandler", "stream": stream,
                               "filters": ["request_id"], "formatter": "json"}},
            "loggers": {"shaar.ops.tests.json": {"handlers": ["s"], "level": "INFO",
                                                 "propagate": False}},
        }
        logging.config.dictConfig({**config, "disable_existing_loggers": False})
        token = request_id_var.set("req-0123456789")
        try:
            logging.getLogger("shaar.ops.tests.json").info("ballot accepted for %s", "pool-1")
        finally:
            request_id_var.reset(token)
        line = json.loads(stream.getvalue().strip())
        self.assertEqual(line["request_id"], "req-0123456789")
        self.assertEqual(line["message"], "ballot accepted for pool-1")
        self.assertEqual(line["level"], "INFO")
        self.assertEqual(line["logger"], "shaar.ops.tests.json")

    def test_it_switches_the_console_to_json_with_log_format(self) -> None:
        code = ("from django.conf import settings; import django; django.setup(); "
                "print(settings.LOGGING['handlers']['console']['formatter'])")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shaar.settings", "DEBUG": "true",
               "LOG_FORMAT": "json"}
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        self.assertEqual(out, "json")
        env["LOG_FORMAT"] = "xml"
        failed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                text=True)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("LOG_FORMAT", failed.stderr)

    def test_it_carries_the_request_id_into_celery_tasks(self) -> None:
        from types import SimpleNamespace

        from shaar.ops import signals

        headers: dict = {}
        token = request_id_var.set("req-enqueued-0001")
        try:
            signals._before_publish(headers=headers)
        finally:
            request_id_var.reset(token)
        self.assertEqual(headers, {signals.HEADER: "req-enqueued-0001"})

        # In the worker the custom header arrives on the task's request.
        task = SimpleNamespace(request=SimpleNamespace(**headers))
        signals._on_prerun(task=task)
        self.assertEqual(request_id_var.get(), "req-enqueued-0001")
        signals._on_postrun(task=task)
        self.assertEqual(request_id_var.get(), "-")
