"""Hand-computed scorecard figures for one hand-built month of reports.

January 2026 in Bishkek (UTC+6). Potholes: 24 h to acknowledge, 72 h to resolve until
15 January 00:00, then 12 h and 48 h. Street lights have no service level.
"""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shaar.providers import metrics as m
from shaar.providers.metrics import Figure, LevelChange, ReportRecord, ServiceLevelTerms

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)
OLD = ServiceLevelTerms(24, 72)
NEW = ServiceLevelTerms(12, 48)
HISTORY = [LevelChange(datetime(2026, 1, 15, tzinfo=TZ), NEW),
           LevelChange(datetime(2025, 1, 1, tzinfo=TZ), OLD)]
JAN = date(2026, 1, 1)
NOW = datetime(2026, 2, 10, 12, 0, tzinfo=TZ)


def t(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def report(rid: int, received: datetime, *, category: str = "potholes", district: int = 10,
           **kw) -> ReportRecord:
    sla = m.level_in_force(HISTORY, received) if category == "potholes" else None
    return ReportRecord(report_id=rid, organisation_id=1, category=category,
                        district_id=district, received_at=received, sla=sla, **kw)


RECORDS = [
    # Resolved exactly at the 72 h deadline.
    report(1, t(1, 5, 10), acknowledged_at=t(1, 5, 12), resolved_at=(t(1, 8, 10),),
           rating=5, fixed=True),
    # Reopened twice; the final resolution after 144 h is late.
    report(2, t(1, 6, 9), acknowledged_at=t(1, 6, 10),
           resolved_at=(t(1, 7, 9), t(1, 9, 9), t(1, 12, 9)),
           reopened_at=(t(1, 8, 9), t(1, 10, 9)), rating=2, fixed=False),
    # Rejected after 12 h: the rejection is its first response.
    report(3, t(1, 10, 8), rejected_at=t(1, 10, 20)),
    # Received in the last minute of January (17:59 UTC): counts in January, new level.
    report(4, datetime(2026, 1, 31, 17, 59, tzinfo=UTC), acknowledged_at=t(2, 1, 13),
           resolved_at=(t(2, 2, 10),)),
    # 48 h waiting for the resident are not counted: 96 h - 48 h = 48 h, within.
    report(5, t(1, 20, 10), acknowledged_at=t(1, 20, 20),
           paused=((t(1, 21, 10), t(1, 23, 10)),), resolved_at=(t(1, 24, 10),)),
    # Received one hour before the level changed: judged by the old level (within).
    report(6, t(1, 14, 23), acknowledged_at=t(1, 15, 20), resolved_at=(t(1, 17, 23),)),
    # Never answered: late to acknowledge, late to resolve, overdue at month end.
    report(7, t(1, 25, 10)),
    # No service level for street lights.
    report(10, t(1, 3, 10), category="lights", district=11, acknowledged_at=t(1, 3, 11),
           resolved_at=(t(1, 3, 15),), rating=4, fixed=True),
    # Other months: not counted in January.
    report(8, t(2, 1, 0), acknowledged_at=t(2, 1, 1)),
    report(9, datetime(2025, 12, 31, 23, 30, tzinfo=TZ)),
]


@pytest.fixture
def jan() -> dict:
    groups = m.compute_month(RECORDS, month=JAN, tz=TZ, now=NOW)
    return {scope: acc.figures() for scope, acc in groups.items()}


def test_it_computes_every_figure_by_hand(jan) -> None:
    f = jan[(1, "", None)]
    assert f["reports_received"] == Figure(8, 8)
    assert f["acknowledged_within_sla"] == Figure(round(5 / 7, 4), 7)
    assert f["acknowledge_hours_median"] == Figure(10.0, 7)
    assert f["acknowledge_hours_p90"] == Figure(16.21, 7)
    assert f["resolve_hours_median"] == Figure(60.0, 6)
    assert f["resolve_hours_p90"] == Figure(108.0, 6)
    assert f["resolved_within_sla"] == Figure(round(4 / 6, 4), 6)
    assert f["backlog"] == Figure(2, 8)
    assert f["overdue"] == Figure(1, 8)
    assert f["reopen_rate"] == Figure(round(1 / 6, 4), 6)
    assert f["rejected_share"] == Figure(0.125, 8)
    assert f["rating_mean"] == Figure(3.67, 3)
    assert f["confirmed_fixed_share"] == Figure(round(2 / 6, 4), 6)
    assert f["disputed_share"] == Figure(round(1 / 6, 4), 6)
    assert f["survey_score"] == Figure(None, 0)


def test_it_splits_by_category_and_district(jan) -> None:
    assert jan[(1, "lights", None)]["reports_received"] == Figure(1, 1)
    assert jan[(1, "lights", None)]["acknowledged_within_sla"] == Figure(None, 0)
    assert jan[(1, "potholes", None)]["reports_received"] == Figure(7, 7)
    assert jan[(1, "", 10)]["reports_received"] == Figure(7, 7)
    assert jan[(None, "", 11)]["resolve_hours_median"] == Figure(5.0, 1)
    assert set(jan) == {(1, "", None), (1, "potholes", None), (1, "lights", None),
                        (1, "", 10), (1, "", 11), (None, "", 10), (None, "", 11)}


def test_it_counts_a_resolution_exactly_at_the_deadline_as_within() -> None:
    facts = m.report_facts(RECORDS[0], cutoff=t(2, 1), as_of=NOW)
    assert facts.resolve_hours == 72.0
    assert facts.resolve_within is True


def test_it_uses_the_final_resolution_of_a_report_reopened_twice() -> None:
    facts = m.report_facts(RECORDS[1], cutoff=t(2, 1), as_of=NOW)
    assert facts.resolve_hours == 144.0
    assert facts.resolve_within is False
    assert facts.reopened is True
    # While reopened it was open: on 11 January it is in the backlog.
    assert m.is_open(RECORDS[1], t(1, 11)) is True
    assert m.final_resolution(RECORDS[1], t(1, 9, 12)) == t(1, 9, 9)


def test_it_treats_a_rejection_as_a_response_but_not_a_resolution() -> None:
    facts = m.report_facts(RECORDS[2], cutoff=t(2, 1), as_of=NOW)
    assert facts.rejected is True
    assert facts.ack_hours == 12.0
    assert facts.resolve_within is None
    assert facts.open_at_cutoff is False


def test_it_places_the_last_minute_of_a_month_in_that_month_in_bishkek_time() -> None:
    assert m.month_of(datetime(2026, 1, 31, 17, 59, tzinfo=UTC), TZ) == JAN
    assert m.month_of(datetime(2026, 1, 31, 18, 0, tzinfo=UTC), TZ) == date(2026, 2, 1)
    facts = m.report_facts(RECORDS[3], cutoff=t(2, 1), as_of=NOW)
    assert facts.open_at_cutoff is True and facts.overdue_at_cutoff is False
    assert facts.ack_within is False  # 13 h 1 min against the new 12 h
    assert facts.resolve_within is True  # 34 h 1 min against 48 h


def test_it_judges_a_report_by_the_level_in_force_when_received() -> None:
    assert RECORDS[5].sla == OLD
    assert RECORDS[3].sla == NEW
    facts = m.report_facts(RECORDS[5], cutoff=t(2, 1), as_of=NOW)
    assert (facts.ack_hours, facts.ack_within) == (21.0, True)
    assert (facts.resolve_hours, facts.resolve_within) == (72.0, True)
    assert m.level_in_force(HISTORY, t(1, 15)) == NEW
    assert m.level_in_force(HISTORY, datetime(2024, 1, 1, tzinfo=TZ)) is None


def test_it_does_not_count_time_waiting_for_the_resident() -> None:
    facts = m.report_facts(RECORDS[4], cutoff=t(2, 1), as_of=NOW)
    assert facts.resolve_hours == 48.0
    assert facts.resolve_within is True
    assert m.paused_seconds([(t(1, 1), t(1, 3)), (t(1, 2), t(1, 4))], t(1, 1), t(1, 5)) == 3 * 86400
    assert m.paused_seconds([(t(1, 1), None)], t(1, 2), t(1, 3)) == 86400


def test_it_does_not_judge_a_report_before_its_deadline() -> None:
    fresh = report(20, t(1, 31, 20))
    facts = m.report_facts(fresh, cutoff=t(2, 1), as_of=t(2, 1, 2))
    assert facts.ack_within is None and facts.resolve_within is None
    late = m.report_facts(fresh, cutoff=t(2, 1), as_of=t(2, 1, 9))
    assert late.ack_within is False and late.resolve_within is None


def test_it_takes_the_backlog_now_during_the_current_month() -> None:
    now = t(1, 27, 12)
    groups = m.compute_month(RECORDS, month=JAN, tz=TZ, now=now)
    f = groups[(1, "", None)].figures()
    # Report 4 is not yet received; report 7 is open and overdue after 50 h against 48 h.
    assert f["reports_received"] == Figure(7, 7)
    assert f["backlog"] == Figure(1, 7)
    assert f["overdue"] == Figure(1, 7)


def test_it_interpolates_percentiles_like_percentile_cont() -> None:
    assert m.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert m.percentile([10], 0.9) == 10
    assert m.percentile([], 0.5) is None
    assert m.percentile([0, 10], 0.9) == 9.0


def test_it_hides_survey_scores_below_the_minimum_answers() -> None:
    assert m.survey_figure([5] * 9, min_answers=10) == Figure(None, 9)
    assert m.survey_figure([5] * 5 + [1] * 5, min_answers=10) == Figure(50.0, 10)


def test_it_ranks_by_resolved_then_acknowledged(jan) -> None:
    assert m.ranking_score(jan[(1, "", None)]) == round(round(4 / 6, 4) * 1000
                                                        + round(5 / 7, 4), 4)
    assert m.ranking_score(jan[(1, "lights", None)]) is None


def test_it_flags_reports_for_the_drill_down() -> None:
    flags = m.drilldown_flags(RECORDS[6], cutoff=t(2, 1), as_of=NOW)
    assert {"acknowledged_late", "resolved_late", "backlog", "overdue"} <= flags
    assert "disputed" in m.drilldown_flags(RECORDS[1], cutoff=t(2, 1), as_of=NOW)


def test_it_imports_no_django() -> None:
    tree = ast.parse(inspect.getsource(m))
    names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith(("django", "shaar"))]


def test_it_judges_records_by_a_level_history_passed_separately() -> None:
    bare = [ReportRecord(report_id=r.report_id, organisation_id=1, category=r.category,
                         district_id=r.district_id, received_at=r.received_at,
                         acknowledged_at=r.acknowledged_at, resolved_at=r.resolved_at,
                         reopened_at=r.reopened_at, rejected_at=r.rejected_at,
                         paused=r.paused, rating=r.rating, fixed=r.fixed)
            for r in RECORDS]
    groups = m.compute_month(bare, month=JAN, tz=TZ, now=NOW, levels={(1, "potholes"): HISTORY})
    expected = m.compute_month(RECORDS, month=JAN, tz=TZ, now=NOW)
    assert groups[(1, "", None)].figures() == expected[(1, "", None)].figures()


def test_it_computes_the_same_facts_on_the_fast_path() -> None:
    import random

    rng = random.Random(3)
    start = t(1, 1)
    cutoff, as_of = t(2, 1), t(2, 10)
    checked = 0
    for i in range(3000):
        received = start + timedelta(hours=rng.uniform(0, 800))
        ack = received + timedelta(hours=rng.uniform(-1, 60)) if rng.random() < 0.8 else None
        resolved = ((received + timedelta(hours=rng.uniform(0, 900)),)
                    if rng.random() < 0.7 else ())
        rejected = received + timedelta(hours=rng.uniform(0, 900)) \
            if rng.random() < 0.1 else None
        record = ReportRecord(report_id=i, organisation_id=1, category="x", district_id=None,
                              received_at=received, acknowledged_at=ack, resolved_at=resolved,
                              rejected_at=rejected, rating=rng.choice([None, 1, 5]),
                              fixed=rng.choice([None, True, False]))
        sla = rng.choice([None, OLD, NEW, ServiceLevelTerms(1, 2)])
        fast = m.report_facts(record, cutoff=cutoff, as_of=as_of, sla=sla)
        slow = m.general_facts(record, cutoff=cutoff, as_of=as_of, sla=sla)
        assert fast == slow, record
        checked += 1
    assert checked == 3000
