"""Every scorecard figure with its name and its definition in plain words.

The same texts are shown in the methodology section of the pages and returned by the API,
so what the city publishes and what it computes cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FigureInfo:
    key: str
    label: Any
    definition: Any
    kind: str  # count, share, hours, rating, score
    better: str = "higher"  # "higher", "lower" or "" (neither)


FIGURES: tuple[FigureInfo, ...] = (
    FigureInfo("reports_received", _("Reports received"),
               _("Reports received in the month, by the city's time zone. Each report counts "
                 "in the month it was received."), "count", ""),
    FigureInfo("acknowledged_within_sla", _("Acknowledged in time"),
               _("Share of reports whose first response (acknowledged, rejected or resolved) "
                 "came within the target hours in force when the report was received. Time "
                 "waiting for the resident is not counted. Reports still inside their "
                 "deadline are not counted yet."), "share"),
    FigureInfo("acknowledge_hours_median", _("Hours in which half got a first response"),
               _("Half of the answered reports got their first response faster than this."),
               "hours", "lower"),
    FigureInfo("acknowledge_hours_p90", _("Hours in which 9 in 10 got a first response"),
               _("Nine in ten answered reports got their first response faster than this."),
               "hours", "lower"),
    FigureInfo("resolve_hours_median", _("Hours in which half were resolved"),
               _("Half of the resolved reports were resolved faster than this, from receipt "
                 "to the last resolution, less time waiting for the resident."),
               "hours", "lower"),
    FigureInfo("resolve_hours_p90", _("Hours in which 9 in 10 were resolved"),
               _("Nine in ten resolved reports were resolved faster than this."),
               "hours", "lower"),
    FigureInfo("resolved_within_sla", _("Resolved in time"),
               _("Share of reports resolved within the target hours in force when they were "
                 "received (exactly at the deadline counts as in time). Open reports past "
                 "their deadline count as late; rejected reports are left out."), "share"),
    FigureInfo("backlog", _("Still open at month end"),
               _("Reports received in the month that were still open at the end of the "
                 "month (or now, for the current month)."), "count", "lower"),
    FigureInfo("overdue", _("Overdue at month end"),
               _("Of those still open, the reports already past their deadline to resolve."),
               "count", "lower"),
    FigureInfo("reopen_rate", _("Reopened"),
               _("Share of resolved reports that were reopened afterwards, because the "
                 "problem was not fixed. A report reopened twice counts once."),
               "share", "lower"),
    FigureInfo("rejected_share", _("Rejected"),
               _("Share of reports the provider rejected (for example, not its "
                 "responsibility)."), "share", ""),
    FigureInfo("rating_mean", _("Resident rating"),
               _("Average of the ratings (1 to 5 stars) residents gave when asked "
                 "“Was it fixed?”; the sample is the number of ratings."), "rating"),
    FigureInfo("confirmed_fixed_share", _("Confirmed fixed"),
               _("“Resolved” is not “fixed”: share of resolved reports whose reporter "
                 "confirmed the problem was fixed."), "share"),
    FigureInfo("disputed_share", _("Disputed by the resident"),
               _("Share of resolved reports whose reporter said the problem was not fixed."),
               "share", "lower"),
    FigureInfo("survey_score", _("Survey score"),
               _("Answers of verified residents to the city's service-quality surveys for "
                 "this sector in the districts served, answered in the month, on a scale "
                 "from 0 (all answered 1 of 5) to 100 (all answered 5 of 5). Not shown "
                 "with fewer than 10 answers."), "score"),
)

FIGURES_BY_KEY = {f.key: f for f in FIGURES}

DRILLDOWN_LABELS = {
    "reports_received": _("All reports received"),
    "acknowledged_late": _("Acknowledged late or not at all"),
    "resolved_late": _("Resolved late or overdue"),
    "backlog": _("Still open at month end"),
    "overdue": _("Overdue at month end"),
    "reopened": _("Reopened"),
    "rejected": _("Rejected"),
    "disputed": _("Disputed by the resident"),
    "confirmed_fixed": _("Confirmed fixed"),
}


def methodology_notes() -> list[str]:
    """General rules, in plain words, shown above the figure definitions: the thresholds
    from the settings."""
    min_reports = settings.PROVIDERS_RANKING_MIN_REPORTS
    min_answers = settings.PROVIDERS_SURVEY_MIN_ANSWERS
    return [
        str(_("Every figure is computed from citizen reports and shown with its sample: "
              "the number of reports (or ratings, or answers) it is based on.")),
        str(_("Times are the city's local time. A report counts in the month it was "
              "received, even if it was resolved later.")),
        str(_("A report is judged by the service level in force when it was received; "
              "when the city changes a service level, earlier reports keep the old one.")),
        str(_("Time while a report waits for an answer from the resident is not counted.")),
        str(_("Providers enter the ranking only with at least %(n)d reports in the month, "
              "so that one quick fix cannot top the table. Providers are ranked by the share "
              "resolved in time, then by the share acknowledged in time.") % {"n": min_reports}),
        str(_("Survey results are shown only for groups of at least %(n)d answers, and never "
              "per person.") % {"n": min_answers}),
        str(_("Scorecards are recomputed every night and shortly after reports change "
              "status; pages show the stored figures and when they were computed.")),
    ]


def format_value(key: str, value: Any) -> str:
    """A figure's value for a table cell ("—" when there is nothing to show)."""
    if value is None:
        return "—"
    kind = FIGURES_BY_KEY[key].kind
    if kind == "share":
        return f"{value * 100:.0f}%"
    if kind in {"hours", "rating", "score"}:
        return number_format(value, 1)  # the page's decimal separator: 4,5 in ky and ru
    return str(value)
