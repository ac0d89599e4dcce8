"""Helpers for tests that go through the console."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from ..models import ImportJob


def upload_import(test: TestCase, kind: str, data: bytes, name: str, **fields: Any):
    """Upload a file to the console's import of `kind` as the test's signed-in user."""
    return test.client.post(reverse("console:import", args=[kind]),
                            {"file": SimpleUploadedFile(name, data), **fields})


def import_through_console(test: TestCase, kind: str, data: bytes, name: str,
                           **fields: Any) -> ImportJob:
    """Upload, see the preview accept every row, confirm, and see the import done (the
    worker's task runs when the confirmation commits)."""
    upload_import(test, kind, data, name, **fields)
    job = ImportJob.objects.get()
    test.assertEqual(job.status, ImportJob.Status.PREVIEW, job.errors)
    with test.captureOnCommitCallbacks(execute=True):
        test.client.post(reverse("console:import-job", args=[job.pk]))
    job.refresh_from_db()
    test.assertEqual(job.status, ImportJob.Status.DONE, job.result)
    return job
