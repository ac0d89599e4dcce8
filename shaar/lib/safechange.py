"""Changes that touch what residents already did need a reason and a confirmation.

An action that moves something backward, shortens a deadline, reopens a closed phase or
changes rules after residents acted calls `require_confirmation` with what the change
affects (how many applications, proposals, contributions…). Without `confirmed=True` and a
reason it raises `ConfirmationRequired`, which carries those counts so that a page can show
a confirmation step; with them, the reason is recorded in the audit trail of the object.
Changes that are never allowed raise a plain ValidationError instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model

MAX_REASON = 1000


@dataclass(frozen=True)
class Effect:
    """One thing a change affects, e.g. ("applications submitted", 12)."""

    label: str
    count: int


class ConfirmationRequired(ValidationError):
    """The change is allowed only with a reason and an explicit confirmation."""

    def __init__(self, message: str, *, effects: list[Effect]) -> None:
        super().__init__(message)
        self.summary = message
        self.effects = effects


def require_confirmation(*, message: str, effects: list[Effect], reason: str,
                         confirmed: bool) -> str:
    """Return the cleaned reason, or raise ConfirmationRequired."""
    reason = (reason or "").strip()[:MAX_REASON]
    if not confirmed or not reason:
        raise ConfirmationRequired(message, effects=effects)
    return reason


def record_reason(obj: Model, reason: str) -> None:
    """Attach the reason to the newest audit-log entry of OBJ (written by the save just
    before, in the same transaction), so the audit trail says why."""
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(obj).order_by("-timestamp", "-pk").first()
    if entry is None:  # the model is not registered with auditlog: a programming error
        raise RuntimeError(f"no audit-log entry for {obj!r} to record the reason on")
    data = dict(entry.additional_data or {})
    data["reason"] = reason
    entry.additional_data = data
    entry.save(update_fields=["additional_data"])


def save_confirmed(obj: Model, reason: str | None) -> None:
    """Validate and save OBJ; when the change needed a confirmation, its REASON goes on the
    audit trail (None: it needed none)."""
    obj.full_clean()
    obj.save()
    if reason is not None:
        record_reason(obj, reason)
