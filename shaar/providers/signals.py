"""The one hook into the feedback app: after a report is created, routed, changes status
or is rated, ask for the current month's scorecards to be recomputed (debounced in the
action).

A receiver of feedback's own signal rather than a call inside the feedback actions, so
that the feedback app does not depend on this one; the receiver only calls an action."""

from __future__ import annotations

from shaar.feedback.models import ReportEvent
from shaar.feedback.signals import report_event_recorded

DISPATCH_UID = "providers-recompute-on-feedback"

# The events that change a scorecard: replies, notes, "me too" and the like do not.
COUNTED_KINDS = (ReportEvent.Kind.CREATED, ReportEvent.Kind.ROUTED, ReportEvent.Kind.STATUS,
                 ReportEvent.Kind.REOPENED, ReportEvent.Kind.RATED)


def _on_event(sender, kind: str, **kwargs) -> None:
    if kind not in COUNTED_KINDS:
        return
    from .actions import scorecards_schedule_recompute

    scorecards_schedule_recompute()


def connect_feedback() -> None:
    report_event_recorded.connect(_on_event, dispatch_uid=DISPATCH_UID)
