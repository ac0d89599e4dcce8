"""The demo tells one story: every figure one module shows about another's data agrees."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.test import TestCase

from shaar.budgeting import opendata
from shaar.budgeting.models import Ballot, Cycle, Implementation, Pool, Proposal
from shaar.budgeting.tests.recount import pabutools_selection
from shaar.city.models import City
from shaar.feedback.models import Photo, Report, ReportEvent
from shaar.providers.models import Scorecard
from shaar.testing import first, load_demo
from shaar.web.demo_checks import disagreements


class DemoConsistencyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()  # seed_demo at the test settings' small scale

    def test_it_finds_no_figure_that_disagrees(self) -> None:
        self.assertEqual(disagreements(), [])

    def test_it_notices_a_scorecard_that_miscounts(self) -> None:
        card = first(Scorecard.objects.filter(organisation__isnull=False, category_code="",
                                              district__isnull=True, reports_received__gt=0))
        Scorecard.objects.filter(pk=card.pk).update(reports_received=card.reports_received + 5)
        self.assertTrue(any("scorecard" in problem for problem in disagreements()))

    def test_it_notices_a_civic_budget_line_that_differs_from_the_pools(self) -> None:
        pool = first(Cycle.objects.get(slug="civic-budget-2026").pools.all())
        pool.budget += 1_000_000
        pool.save(update_fields=["budget"])
        self.assertTrue(any("civic-budget line" in problem for problem in disagreements()))

    def test_it_covers_eighteen_months_with_scorecards_from_the_reports(self) -> None:
        months = sorted(set(Scorecard.objects.values_list("month", flat=True)))
        self.assertEqual(len(months), 18)
        self.assertFalse(Scorecard.objects.filter(is_sample=False).exists())
        self.assertTrue(Report.objects.filter(reopen_count__gt=0).exists())
        self.assertTrue(Photo.objects.exists())
        self.assertTrue(ReportEvent.objects.filter(kind=ReportEvent.Kind.REPLY).exists())
        self.assertTrue(Report.objects.filter(supporter_count__gt=0).exists())

    def test_open311_lists_the_same_reports_as_the_statistics(self) -> None:
        zone = City.current().zone
        today = datetime.now(zone).date()
        month = (date(today.year, today.month, 1) - timedelta(days=1)).replace(day=1)
        start = datetime(month.year, month.month, 1, tzinfo=zone)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(seconds=1)
        expected = Report.objects.public().filter(created_at__gte=start,
                                                  created_at__lte=end).count()
        response = self.client.get("/open311/v2/requests.json", {
            "start_date": start.isoformat(), "end_date": end.isoformat(), "page_size": "1000"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()), expected)
        self.assertGreater(expected, 0)

    def test_completed_projects_say_so_everywhere(self) -> None:
        done = Implementation.objects.filter(status=Implementation.Status.DONE)
        self.assertTrue(done.exists())
        for impl in done:
            self.assertFalse(impl.milestones.filter(actual__isnull=True).exists())
            self.assertEqual(impl.spent, impl.contracted)
            self.assertTrue(impl.procurement_ref.startswith("SAMPLE-"))
            self.assertNotIn("going on site", first(impl.updates.all()).text)
        self.assertEqual(Proposal.objects.filter(is_sample=False).count(), 0)

    def test_every_published_pool_recounts_to_its_published_selection(self) -> None:
        """Anyone recounting the open data gets the published winners: with our command line
        and with pabutools, each with the tie rule the file states."""
        pools = list(Pool.objects.filter(result__isnull=False).select_related("result"))
        self.assertGreaterEqual(len(pools), 2)
        with tempfile.TemporaryDirectory() as folder:
            for pool in pools:
                text = opendata.pabulib_text(pool)
                path = Path(folder) / f"pool-{pool.pk}.pb"
                path.write_text(text, encoding="utf-8")
                done = subprocess.run(
                    [sys.executable, "-m", "shaar.counting", str(path), "--rule", pool.rule],
                    capture_output=True, text=True, check=True)
                selected = sorted(pool.result.outcome["selected"])
                self.assertEqual(sorted(done.stdout.split()), selected, pool)
                if pool.rule in ("greedy", "mes"):
                    self.assertEqual(pabutools_selection(text, pool.rule), selected, pool)

    def test_a_tie_decides_something_in_the_demo(self) -> None:
        decided = [pool for pool in Pool.objects.filter(result__isnull=False)
                   if pool.result.outcome.get("tie_decided")]
        self.assertTrue(decided)

    def test_no_published_winner_has_fewer_votes_than_its_pools_minimum(self) -> None:
        for pool in Pool.objects.filter(result__isnull=False).select_related("result"):
            contents = list(Ballot.objects.filter(pool=pool).values_list("projects", flat=True))
            needed = pool.minimum_for(len(contents))
            for project_id in pool.result.outcome["selected"]:
                votes = sum(int(project_id) in chosen for chosen in contents)
                self.assertGreaterEqual(votes, needed, (pool, project_id))
