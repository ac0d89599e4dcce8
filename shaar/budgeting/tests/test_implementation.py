from __future__ import annotations

from django.core import mail
from django.urls import reverse

from shaar.accounts.models import Role
from shaar.testing import BaseTestCase, make_department, make_staff

from .. import actions
from ..models import Implementation, Phase
from .test_results import PublishedCycleTestCase, published_cycle


class ImplementationTests(PublishedCycleTestCase):
    impl: Implementation

    def setUp(self) -> None:
        super().setUp()
        self.cycle, self.city_pool, *_rest = published_cycle(self, voters=15)
        self.cycle = actions.cycle_advance(cycle=self.cycle, by=self.admin)
        self.assertEqual(self.cycle.phase, Phase.IMPLEMENTATION)
        actions.implementation_start(cycle=self.cycle)
        impl = Implementation.objects.filter(proposal__pool=self.city_pool).first()
        assert impl is not None
        self.impl = impl
        self.impl.department = self.department
        self.impl.save()

    def test_it_creates_an_implementation_for_every_selected_project(self):
        selected = {int(p) for r in (self.city_pool.result, ) for p in r.outcome["selected"]}
        self.assertTrue(selected <= set(Implementation.objects.values_list("proposal_id",
                                                                           flat=True)))
        # Idempotent
        before = Implementation.objects.count()
        actions.implementation_start(cycle=self.cycle)
        self.assertEqual(Implementation.objects.count(), before)

    def test_it_lists_funded_projects_publicly(self):
        response = self.client.get(reverse("budgeting:projects"))
        self.assertContains(response, self.impl.proposal.title)
        detail = self.client.get(reverse("budgeting:project", args=[self.impl.pk]))
        self.assertContains(detail, "Milestones")

    def test_it_notifies_followers_of_updates(self):
        self.client.force_login(self.resident)
        self.client.post(reverse("budgeting:project-follow", args=[self.impl.pk]))
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.implementation_update(
                implementation=self.impl, by=self.official, status="in_progress",
                percent_complete=40, contracted=500_000, spent=100_000,
                contractor="Build LLC", procurement_ref="T-1", text="Works started.")
        self.assertEqual([m.to for m in mail.outbox], [[self.resident.email]])
        self.impl.refresh_from_db()
        self.assertEqual(self.impl.percent_complete, 40)

    def test_it_lets_only_the_responsible_department_or_admins_post_updates(self):
        url = reverse("budgeting:project-update", args=[self.impl.pk])
        other = make_staff(Role.DEPARTMENT_STAFF, department=make_department())
        self.assertEqual(self.client.get(url).status_code, 302)
        for user, status in ((self.outsider, 403), (self.resident, 403), (other, 403),
                             (self.official, 200), (self.admin, 200)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)
        self.client.force_login(self.official)
        response = self.client.post(url, {"status": "done", "percent_complete": "150",
                                          "contracted": "1", "spent": "1", "kind": "after"})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(url, {"status": "done", "percent_complete": "100",
                                          "contracted": "1", "spent": "1", "kind": "after",
                                          "text": "Finished"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.impl.updates.get().kind, "after")


class ApiAndDemoTests(BaseTestCase):
    def test_it_lists_cycles_with_pools_and_projects(self):
        from .factories import make_voting_cycle

        cycle, city, local, _cp, _lp = make_voting_cycle(self.district)
        data = self.client.get("/api/v1/budgeting/cycles").json()
        self.assertEqual(data[0]["slug"], cycle.slug)
        self.assertEqual({p["id"] for p in data[0]["pools"]}, {city.pk, local.pk})
        self.assertEqual(len(data[0]["pools"][0]["projects"]), 3)

    def test_it_lists_cycles_in_few_queries(self):
        from .factories import make_voting_cycle

        for _i in range(3):
            make_voting_cycle()
        self.client.get("/api/v1/budgeting/cycles")
        with self.assertNumQueries(3):
            self.client.get("/api/v1/budgeting/cycles")

    def test_it_seeds_demo_data_idempotently(self):
        from shaar.accounts import demo as accounts_demo
        from shaar.city import demo as city_demo
        from shaar.lib.demo import demo_scale

        from .. import demo
        from ..models import Ballot, Cycle, PoolResult, Proposal

        scale = demo_scale("small")
        city_demo.seed()
        accounts_demo.seed(scale=scale)
        demo.seed(scale=scale)
        demo.seed(scale=scale)
        voting = Cycle.objects.get(slug="civic-budget-2027")
        finished = Cycle.objects.get(slug="civic-budget-2026")
        self.assertEqual(voting.phase, "voting")
        self.assertEqual(finished.phase, "implementation")
        self.assertEqual(finished.pools.count(), 5)
        # Every voter votes city-wide and in their district, online or on paper.
        self.assertEqual(Ballot.objects.filter(pool__cycle=finished).count(), 2 * scale.voters)
        self.assertTrue(Ballot.objects.filter(pool__cycle=finished, channel="paper").exists())
        self.assertTrue(Proposal.objects.filter(cycle=finished, status="rejected")
                        .exclude(review_reason="").exists())
        self.assertTrue(Proposal.objects.filter(cycle=voting, status="merged").exists())
        self.assertEqual(PoolResult.objects.filter(pool__cycle=finished).count(), 5)
        self.assertTrue(Implementation.objects.filter(proposal__cycle=finished).exists())
        home = self.client.get("/en/")
        self.assertContains(home, "Civic budget 2027")
        self.check_published_demo_pools(finished)

    def check_published_demo_pools(self, finished) -> None:
        """Every published demo .pb recounts to the published selection with our CLI and
        with pabutools, each with the tie rule its META states; a tie decides something in
        one pool; no winner has fewer votes than its pool's minimum."""
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        from django.conf import settings

        from .. import opendata
        from .recount import pabutools_selection

        decided = []
        for pool in finished.pools.select_related("result", "cycle", "district"):
            outcome = pool.result.outcome
            text = opendata.pabulib_text(pool)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "pool.pb"
                path.write_text(text, encoding="utf-8")
                done = subprocess.run([sys.executable, "-m", "shaar.counting", str(path),
                                       "--rule", pool.rule], capture_output=True, text=True,
                                      cwd=settings.BASE_DIR, check=True)
            self.assertEqual(sorted(done.stdout.split()), sorted(outcome["selected"]), pool)
            if pool.rule in ("greedy", "mes"):
                self.assertEqual(pabutools_selection(text, pool.rule),
                                 sorted(outcome["selected"]), pool)
            votes = {e["project_id"]: e["votes"] for e in outcome["projects"]}
            minimum = outcome["parameters"]["minimum_votes"]
            self.assertTrue(all(votes[p] >= minimum for p in outcome["selected"]), pool)
            decided += outcome["tie_decided"]
        self.assertTrue(decided, "the demo must include a pool where a tie decides something")
