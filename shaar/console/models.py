"""An upload waiting to be imported: checked first, previewed, then run by a worker that
reports its progress (the console shows a progress bar)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_file_path(instance: ImportJob, filename: str) -> str:
    # A random name: uploads (the register holds PINs) are never guessable, and are
    # deleted once imported or refused.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{uuid.uuid4().hex}.{suffix[:8]}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("city budget")
        REGISTER = "register", _("residency register")
        APPEALS = "appeals", _("past appeals")
        GRANTS = "grants", _("past grants")
        ADDRESSES = "addresses", _("address register")
        DISTRICTS = "districts", _("district boundaries")

    class Status(models.TextChoices):
        REFUSED = "refused", _("refused: the file has problems")
        PREVIEW = "preview", _("checked, waiting for confirmation")
        QUEUED = "queued", _("waiting to run")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    file = models.FileField(upload_to=import_file_path, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    options = models.JSONField(default=dict, blank=True)
    # Row-level problems as {"row", "column", "reason"}, in the uploader's language.
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
