"""Settings of the Celery worker drills (test_fault_celery_worker.py): production settings,
with every message written to a file (the "gateway"), and a hook that makes the worker hang
at a chosen point so the test can kill it there with SIGKILL (the pool's child process runs
these hooks; the acknowledgement of a late-acknowledged task is sent after them)."""

import os

from celery.signals import task_postrun, worker_process_init

from shaar.settings import *  # noqa: F403

SMS_BACKEND = "shaar.ops.tests.drill_backends.FileSmsBackend"
MAILERS = {"default": {"BACKEND": "shaar.ops.tests.drill_backends.FileEmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = False


@worker_process_init.connect
def _hang_after_the_first_pool_result(**_kwargs) -> None:
    """DRILL_HANG_AFTER_POOL_RESULT: once the first pool's result has committed, hang so
    that the worker is killed half-way through counting a cycle."""
    if not os.environ.get("DRILL_HANG_AFTER_POOL_RESULT"):
        return
    from django.db import transaction
    from django.db.models.signals import post_save

    from shaar.budgeting.models import PoolResult

    from .drill_backends import hang

    def on_result(**_kw) -> None:
        transaction.on_commit(hang)

    post_save.connect(on_result, sender=PoolResult, weak=False)


@task_postrun.connect
def _hang_before_the_acknowledgement(**_kwargs) -> None:
    """DRILL_HANG_BEFORE_ACK_AT=N: once N messages are out, hang after the task has
    finished (its effect committed) but before the broker got the acknowledgement."""
    from .drill_backends import hang, sent_count

    hang_at = int(os.environ.get("DRILL_HANG_BEFORE_ACK_AT", "0"))
    if hang_at and sent_count() == hang_at:
        hang()
