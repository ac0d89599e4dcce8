"""The one hook into the feedback app: after a report changes status or is rated, ask
for the current month's scorecards to be recomputed (debounced in the action).

A receiver rather than a call inside the feedback actions, so that the feedback app does
not depend on this one; the receiver only calls an action."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_save

DISPATCH_UID = "providers-recompute-on-feedback"


def _on_event(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        return
    kind = getattr(instance, "kind", "status")
    if kind not in ("status", "reopened", "created", "routed"):
        return
    from .actions import scorecards_schedule_recompute

    scorecards_schedule_recompute()


def _on_rating(sender, instance, created: bool, **kwargs) -> None:
    if created:
        from .actions import scorecards_schedule_recompute

        scorecards_schedule_recompute()


def connect_feedback() -> None:
    try:
        event = apps.get_model("feedback", "ReportEvent")
        rating = apps.get_model("feedback", "Rating")
    except LookupError:  # the feedback app has no such models (yet): nightly runs only
        return
    post_save.connect(_on_event, sender=event, dispatch_uid=f"{DISPATCH_UID}-event")
    post_save.connect(_on_rating, sender=rating, dispatch_uid=f"{DISPATCH_UID}-rating")
