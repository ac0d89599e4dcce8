"""Signals the feedback app sends, for apps that follow reports without feedback
depending on them (the providers' scorecards)."""

from django.dispatch import Signal

# Sent when an event is added to a report's history (`actions._event`), inside the
# transaction that records it, with `report_id` and `kind` (a `ReportEvent.Kind`).
# Appeals imported in bulk send nothing: the nightly runs count them.
report_event_recorded = Signal()
