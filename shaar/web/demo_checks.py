"""Figures one module shows about another module's data must agree.

`disagreements()` lists every figure that does not: scorecards against the reports they
count, counters against the rows they count, the city budget's participation lines against
the civic-budget pools and the grant envelopes, awards against envelopes, and delivered
projects against their milestones and money. `seed_demo --check` and the demo's test run
it; on a real installation it is a useful audit too, as nothing here is demo-specific
except that a civic-budget cycle's year is read from the end of its code
("civic-budget-2026")."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Sum

from shaar.budgeting.models import Ballot, Cycle, Implementation, PoolResult, Proposal
from shaar.city.models import City
from shaar.feedback.models import Report, Supporter
from shaar.grants.models import Award, Call
from shaar.openbudget.models import BudgetLine, FiscalYear, Participation
from shaar.providers.models import Scorecard


def disagreements() -> list[str]:
    return [*_scorecards(), *_report_counters(), *_civic_budget(), *_grants(),
            *_implementation()]


def _month(moment, zone) -> date:
    local = moment.astimezone(zone)
    return date(local.year, local.month, 1)


def _scorecards() -> list[str]:
    """Each provider's monthly scorecard counts exactly the reports routed to it that month
    (public, not merged as duplicates): what its drill-down and the report list show."""
    zone = City.current().zone
    counted: Counter[tuple[date, int | None]] = Counter()
    for organisation_id, created in (Report.objects.filter(
            organisation__isnull=False, is_hidden=False).exclude(status="duplicate")
            .values_list("organisation_id", "created_at").iterator(chunk_size=5000)):
        counted[_month(created, zone), organisation_id] += 1
    problems = []
    cards = Scorecard.objects.filter(organisation__isnull=False, category_code="",
                                     district__isnull=True)
    months = set()
    for card in cards:
        months.add(card.month)
        if card.reports_received != counted.get((card.month, card.organisation_id), 0):
            problems.append(
                f"scorecard {card.month:%Y-%m} organisation {card.organisation_id}: "
                f"{card.reports_received} reports, the reports say "
                f"{counted.get((card.month, card.organisation_id), 0)}")
    for (month, org_id), count in counted.items():
        if month in months and not cards.filter(month=month,
                                                organisation=org_id).exists():
            problems.append(f"no scorecard {month:%Y-%m} for organisation {org_id} "
                            f"with {count} reports")
    return problems


def _report_counters() -> list[str]:
    stored = dict(Supporter.objects.values_list("report").annotate(n=Count("id")).order_by())
    return [f"report {pk}: {shown} 'me too's shown, {stored.get(pk, 0)} stored"
            for pk, shown in Report.objects.filter(supporter_count__gt=0)
            .values_list("pk", "supporter_count")
            if shown != stored.get(pk, 0)] + [
        f"report {pk}: 'me too's stored but none shown"
        for pk in set(stored) - set(Report.objects.filter(supporter_count__gt=0)
                                    .values_list("pk", flat=True))]


def _cycle_year(cycle: Cycle) -> int | None:
    tail = cycle.slug[-4:]
    return int(tail) if tail.isdigit() else None


def _current_lines(year: int):
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    version = fiscal_year.current_version if fiscal_year else None
    return BudgetLine.objects.filter(version=version) if version else None


def _line_total(lines, participation: str):
    total = lines.filter(participation=participation).aggregate(
        approved=Sum("approved"), revised=Sum("revised"))
    return total["revised"] if total["revised"] is not None else total["approved"]


def _civic_budget() -> list[str]:
    problems = []
    for cycle in Cycle.objects.prefetch_related("pools"):
        pools = sum(pool.budget for pool in cycle.pools.all())
        year = _cycle_year(cycle)
        lines = _current_lines(year) if year else None
        if lines is not None:
            line = _line_total(lines, Participation.CIVIC_BUDGET) or 0
            if line != pools:
                problems.append(f"{year}: the city budget's civic-budget line is {line} som, "
                                f"the pools of {cycle.slug} hold {pools} som")
        for pool in cycle.pools.all():
            ballots = Ballot.objects.filter(pool=pool).count()
            result = PoolResult.objects.filter(pool=pool).first()
            if result is not None and result.ballots != ballots:
                problems.append(f"pool {pool.pk}: the result counts {result.ballots} ballots, "
                                f"{ballots} are stored")
    for proposal in Proposal.objects.annotate(stored=Count("supports")):
        if proposal.supporters_count != proposal.stored:
            problems.append(f"proposal {proposal.pk}: {proposal.supporters_count} supporters "
                            f"shown, {proposal.stored} stored")
    return problems


def _grants() -> list[str]:
    problems = []
    envelopes: Counter[int] = Counter()
    for call in Call.objects.all():
        envelopes[call.closes_at.astimezone(City.current().zone).year] += call.envelope
        awarded = Award.objects.filter(application__call=call).aggregate(s=Sum("amount"))["s"]
        if (awarded or 0) > call.envelope:
            problems.append(f"call {call.code}: {awarded} som awarded from an envelope of "
                            f"{call.envelope} som")
    for year, envelope in envelopes.items():
        lines = _current_lines(year)
        if lines is None:
            continue
        line = _line_total(lines, Participation.COMMUNITY_GRANTS) or 0
        if line != envelope:
            problems.append(f"{year}: the city budget's community-grants line is {line} som, "
                            f"the calls hold {envelope} som")
    return problems


def _implementation() -> list[str]:
    problems = []
    for impl in Implementation.objects.select_related("proposal").prefetch_related(
            "milestones"):
        name = f"project {impl.proposal_id}"
        if impl.spent > impl.contracted:
            problems.append(f"{name}: spent {impl.spent} som of a {impl.contracted} contract")
        if impl.status == Implementation.Status.DONE:
            if impl.percent_complete != 100:
                problems.append(f"{name}: completed at {impl.percent_complete}%")
            if any(m.actual is None for m in impl.milestones.all()):
                problems.append(f"{name}: completed with a milestone still open")
        elif impl.percent_complete == 100:
            problems.append(f"{name}: 100% done but {impl.status}")
    return problems
