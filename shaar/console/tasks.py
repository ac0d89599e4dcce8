from __future__ import annotations

from celery import shared_task

from . import actions


@shared_task(acks_late=True)
def run_import(job_id: int) -> None:
    actions.import_run(job_id=job_id)
