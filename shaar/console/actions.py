"""Writes of the console itself: import jobs. Everything else the console changes goes
through the owning app's actions."""

from __future__ import annotations

import logging

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language

from shaar.accounts.models import User

from .imports import KINDS
from .models import ImportJob

log = logging.getLogger(__name__)
PROGRESS_EVERY = 200  # rows between two progress writes


def _kind(kind: str, by: User):
    if kind not in KINDS:
        raise ValidationError("unknown import")
    if not by.has_perm(KINDS[kind].permission):
        raise PermissionDenied
    return KINDS[kind]


def import_check(*, kind: str, data: bytes, file_name: str, options: dict, by: User) -> ImportJob:
    """Check an upload; nothing of the city's data is written. A good file is kept for the
    confirmation step, a refused one is not kept at all."""
    checked = _kind(kind, by).check(data, file_name, options)
    job = ImportJob(kind=kind, file_name=file_name[:255], options=options, created_by=by,
                    errors=checked.errors, preview=checked.preview, total=checked.total,
                    language=get_language() or "en",
                    status=ImportJob.Status.REFUSED if checked.errors else ImportJob.Status.PREVIEW)
    if not checked.errors:
        job.file.save(file_name, ContentFile(data), save=False)
    job.save()
    return job


@transaction.atomic
def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """The uploader confirms the preview; a worker runs the import."""
    _kind(job.kind, by)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != by.pk:
        raise PermissionDenied
    if job.status != ImportJob.Status.PREVIEW:
        raise ValidationError(translation.gettext("This import has already been confirmed."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


def import_run(*, job_id: int) -> None:
    """Run a confirmed import (the Celery task calls this). A filtered update claims the
    job, so a task delivered twice imports once."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    seen = written = 0

    def progress(count: int) -> None:
        nonlocal seen, written
        seen += count
        if seen - written >= PROGRESS_EVERY or seen >= job.total:
            written = seen
            ImportJob.objects.filter(pk=job.pk).update(done=min(seen, job.total))

    status, result = ImportJob.Status.DONE, ""
    with translation.override(job.language), set_actor(job.created_by):
        try:
            with job.file.open("rb") as handle:
                data = handle.read()
            result = KINDS[job.kind].run(data, job.file_name, job.options,
                                         user=job.created_by, progress=progress)
        except Exception as exc:  # reported on the job's page; nothing was written
            log.exception("import %s failed", job.pk)
            status = ImportJob.Status.FAILED
            errors = getattr(exc, "errors", None)
            result = ("; ".join(str(e) for e in errors[:20]) if errors
                      else "; ".join(getattr(exc, "messages", [str(exc)])))
    # The upload is no longer needed (a register file holds personal numbers).
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, result=result, file="", finished_at=timezone.now(),
        done=job.total if status == ImportJob.Status.DONE else seen)
