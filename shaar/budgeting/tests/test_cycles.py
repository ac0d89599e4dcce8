from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse

from shaar.testing import BaseTestCase

from .. import actions
from ..models import Ballot, Phase, PoolResult, Proposal
from .factories import make_cycle, make_pool, make_project, make_voting_cycle


class CycleAdvanceTests(BaseTestCase):
    def test_it_moves_through_the_phases_in_order(self):
        cycle = make_cycle(Phase.INFORMATION)
        pool = make_pool(cycle)
        cycle = actions.cycle_advance(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.PROPOSALS)
        cycle = actions.cycle_advance(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.REVIEW)
        make_project(pool)
        cycle = actions.cycle_advance(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.VOTING)

    def test_it_refuses_voting_without_an_approved_project_in_each_pool(self):
        cycle = make_cycle(Phase.REVIEW)
        make_project(make_pool(cycle))
        make_pool(cycle, self.district)
        with self.assertRaisesMessage(ValidationError, "at least one approved project"):
            actions.cycle_advance(cycle=cycle, by=self.admin)
        cycle.refresh_from_db()
        self.assertEqual(cycle.phase, Phase.REVIEW)

    def test_it_refuses_voting_while_proposals_wait_for_review(self):
        cycle = make_cycle(Phase.REVIEW)
        pool = make_pool(cycle)
        make_project(pool)
        make_project(pool, status=Proposal.Status.SUBMITTED, cost=None)
        with self.assertRaisesMessage(ValidationError, "waiting for review"):
            actions.cycle_advance(cycle=cycle, by=self.admin)

    def test_it_counts_at_close_and_publishes_only_after_counting(self):
        cycle, city, _local, cp, _lp = make_voting_cycle(self.district)
        actions.ballot_cast(pool=city, voter=actions.voter_for_user(self.resident, city),
                            project_ids=[cp[1].pk])
        with self.captureOnCommitCallbacks(execute=True):
            cycle = actions.cycle_advance(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.COUNTING)
        self.assertEqual(PoolResult.objects.count(), 2)  # the Celery task ran (eager)
        cycle = actions.cycle_advance(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.RESULTS)
        self.assertIsNotNone(cycle.published_at)

    def test_it_refuses_results_before_every_pool_is_counted(self):
        cycle, *_rest = make_voting_cycle(self.district)
        cycle.phase = Phase.COUNTING
        cycle.save()
        with self.assertRaisesMessage(ValidationError, "not been counted"):
            actions.cycle_advance(cycle=cycle, by=self.admin)

    def test_it_freezes_pool_rules_and_budgets_once_voting_opens(self):
        _cycle, city, *_rest = make_voting_cycle(self.district)
        for field, value in (("budget", 2_000_000), ("rule", "mes"),
                             ("ballot_form", "approval"), ("accepts_phone", True)):
            pool = type(city).objects.get(pk=city.pk)
            setattr(pool, field, value)
            with self.assertRaisesMessage(ValidationError, "can no longer change"):
                pool.full_clean()
        pool = type(city).objects.get(pk=city.pk)
        pool.name_en = "Renamed"
        pool.full_clean()  # names are not frozen
        pool.save()
        pool.refresh_from_db()
        self.assertEqual((pool.name_en, pool.budget), ("Renamed", city.budget))

    def test_it_allows_editing_pool_rules_before_voting(self):
        cycle = make_cycle(Phase.REVIEW)
        pool = make_pool(cycle)
        changes = {"budget": 5_000_000, "rule": "mes", "ballot_form": "approval",
                   "accepts_phone": True}
        for field, value in changes.items():
            setattr(pool, field, value)
        pool.full_clean()  # what the forms call: no "can no longer change" here
        pool.save()
        pool.refresh_from_db()
        self.assertEqual({field: getattr(pool, field) for field in changes}, changes)

    def test_it_freezes_project_costs_once_voting_opens(self):
        _cycle, _city, _local, cp, _lp = make_voting_cycle(self.district)
        project = Proposal.objects.get(pk=cp[0].pk)
        project.cost = 1
        with self.assertRaisesMessage(ValidationError, "can no longer change"):
            project.full_clean()
        with self.assertRaisesMessage(ValidationError, "can no longer change"):
            actions.proposal_review(proposal=project, by=self.admin, legal_ok=True,
                                    technical_ok=True, competence_ok=True, cost=1,
                                    cost_breakdown="", reason="")

    def test_it_keeps_projects_on_the_ballot_once_voting_opens(self):
        _cycle, _city, _local, cp, _lp = make_voting_cycle(self.district)
        with self.assertRaisesMessage(ValidationError, "can no longer be hidden"):
            actions.content_hide(obj=cp[0], reason="Abusive", by=self.admin)
        self.assertFalse(Proposal.objects.get(pk=cp[0].pk).hidden)

    def test_it_gives_identical_results_when_counted_again(self):
        cycle, city, _local, cp, _lp = make_voting_cycle(self.district)
        from shaar.testing import make_resident

        for i in range(6):
            resident = make_resident(district=self.district)
            actions.ballot_cast(pool=city, voter=actions.voter_for_user(resident, city),
                                project_ids=[cp[i % 3].pk])
        cycle.phase = Phase.COUNTING
        cycle.save()
        first = next(r for r in actions.cycle_count(cycle=cycle) if r.pool_id == city.pk)
        outcome, digest = first.outcome, first.ballots_digest
        city.refresh_from_db()
        again = actions.pool_count(pool=city)
        self.assertEqual(again.outcome, outcome)
        self.assertEqual(again.ballots_digest, digest)
        self.assertEqual(again.rule, "greedy")
        self.assertTrue(again.engine_version)
        self.assertEqual(again.ballots, Ballot.objects.filter(pool=city).count())


class ManagePageTests(BaseTestCase):
    def test_it_lets_only_city_admins_manage(self):
        cycle = make_cycle(Phase.INFORMATION)
        make_pool(cycle)
        url = reverse("budgeting:cycle-manage", args=[cycle.slug])
        for user in (self.outsider, self.resident, self.official, self.moderator):
            self.client.force_login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 302)
        cycle.refresh_from_db()
        self.assertEqual(cycle.phase, Phase.PROPOSALS)

    def test_it_explains_a_refused_phase_change(self):
        cycle = make_cycle(Phase.REVIEW)
        make_pool(cycle)
        self.client.force_login(self.admin)
        response = self.client.post(reverse("budgeting:cycle-manage", args=[cycle.slug]))
        self.assertContains(response, "approved project", status_code=400)


class CloseDueCyclesTests(BaseTestCase):
    def test_it_closes_voting_at_its_closing_time_and_counts(self):
        from django.utils import timezone

        from ..tasks import close_due_cycles

        due, city, *_rest = make_voting_cycle(self.district)
        due.voting_closes = timezone.now() - timedelta(seconds=1)
        due.save()
        later, *_rest = make_voting_cycle()
        later.voting_closes = timezone.now() + timedelta(days=1)
        later.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_due_cycles(), [due.pk])
        due.refresh_from_db()
        later.refresh_from_db()
        self.assertEqual((due.phase, later.phase), (Phase.COUNTING, Phase.VOTING))
        self.assertTrue(PoolResult.objects.filter(pool=city).exists())
