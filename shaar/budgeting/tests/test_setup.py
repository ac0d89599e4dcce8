"""Cycle and pool set-up by the city: refused and confirmed changes."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shaar.lib.safechange import ConfirmationRequired
from shaar.testing import BaseTestCase

from .. import actions
from ..models import Cycle, Phase, Pool, Proposal
from .factories import make_cycle, make_pool, make_project, make_voting_cycle


def new_cycle(slug: str = "pb-2027") -> Cycle:
    return Cycle(slug=slug, name_ky="Бюджет 2027", name_ru="Бюджет 2027", name_en="Budget 2027")


class CycleSetupTests(BaseTestCase):
    def test_it_creates_a_cycle_in_the_information_phase_for_city_administrators_only(self):
        for user in (self.resident, self.moderator, self.official, None):
            with self.assertRaises(PermissionDenied):
                actions.cycle_save(cycle=new_cycle(), by=user)
        cycle = new_cycle()
        cycle.phase = Phase.VOTING
        cycle = actions.cycle_save(cycle=cycle, by=self.admin)
        self.assertEqual(cycle.phase, Phase.INFORMATION)
        pool = actions.pool_save(pool=Pool(cycle=cycle, name_ky="Шаар", name_ru="Город",
                                           name_en="City", budget=5_000_000), by=self.admin)
        self.assertTrue(pool.is_citywide)

    def test_it_refuses_ballot_rules_changed_after_voting_opened(self):
        cycle, city, *_rest = make_voting_cycle(self.district)
        city.budget = city.budget + 1
        with self.assertRaisesMessage(ValidationError, "Voting has opened"):
            actions.pool_save(pool=city, by=self.admin, reason="More money", confirmed=True)
        cycle.allow_ballot_change = not cycle.allow_ballot_change
        with self.assertRaisesMessage(ValidationError, "Voting has opened"):
            actions.cycle_save(cycle=cycle, by=self.admin, reason="x", confirmed=True)
        with self.assertRaises(ValidationError):
            actions.pool_save(pool=Pool(cycle=cycle, district=self.district, name_ky="x",
                                        name_ru="x", name_en="x", budget=10), by=self.admin)
        with self.assertRaisesMessage(ValidationError, "can no longer go back"):
            actions.cycle_step_back(cycle=cycle, by=self.admin, reason="x", confirmed=True)

    def test_it_asks_to_confirm_pool_rules_changed_after_proposals_arrived(self):
        cycle = make_cycle(Phase.PROPOSALS)
        pool = make_pool(cycle)
        make_project(pool, status=Proposal.Status.SUBMITTED, cost=None)
        pool.max_projects = 3
        pool.ballot_form = Pool.BallotForm.APPROVAL
        with self.assertRaises(ConfirmationRequired) as raised:
            actions.pool_save(pool=pool, by=self.admin)
        self.assertEqual(raised.exception.effects[0].count, 1)
        pool.refresh_from_db()
        self.assertEqual(pool.ballot_form, Pool.BallotForm.KNAPSACK)
        pool.max_projects, pool.ballot_form = 3, Pool.BallotForm.APPROVAL
        actions.pool_save(pool=pool, by=self.admin, reason="Bylaw amended", confirmed=True)
        pool.refresh_from_db()
        self.assertEqual(pool.ballot_form, Pool.BallotForm.APPROVAL)
        entry = LogEntry.objects.get_for_object(pool).order_by("-timestamp").first()
        self.assertEqual(entry.additional_data["reason"], "Bylaw amended")

    def test_it_asks_to_confirm_closing_voting_earlier(self):
        cycle, city, _local, projects, _lp = make_voting_cycle(self.district)
        actions.ballot_cast(pool=city, voter=actions.voter_for_user(self.resident, city),
                            project_ids=[projects[1].pk])
        cycle.voting_closes = timezone.now() + datetime.timedelta(days=10)
        Cycle.objects.filter(pk=cycle.pk).update(voting_closes=cycle.voting_closes)
        cycle.voting_closes -= datetime.timedelta(days=5)
        with self.assertRaises(ConfirmationRequired) as raised:
            actions.cycle_save(cycle=cycle, by=self.admin)
        self.assertEqual({e.label: e.count for e in raised.exception.effects}["ballots cast"], 1)
        actions.cycle_save(cycle=cycle, by=self.admin, reason="Election day moved",
                           confirmed=True)
        cycle.refresh_from_db()
        self.assertEqual(cycle.phase, Phase.VOTING)

    def test_it_reopens_proposals_only_with_a_confirmed_reason(self):
        cycle = make_cycle(Phase.REVIEW)
        make_project(make_pool(cycle), status=Proposal.Status.SUBMITTED, cost=None)
        with self.assertRaises(ConfirmationRequired):
            actions.cycle_step_back(cycle=cycle, by=self.admin, confirmed=True)
        cycle = actions.cycle_step_back(cycle=cycle, by=self.admin, confirmed=True,
                                        reason="Too few proposals from Oktyabrsky")
        self.assertEqual(cycle.phase, Phase.PROPOSALS)

    def test_it_removes_only_an_empty_pool(self):
        cycle = make_cycle(Phase.PROPOSALS)
        pool = make_pool(cycle)
        make_project(pool, status=Proposal.Status.SUBMITTED, cost=None)
        with self.assertRaises(ValidationError):
            actions.pool_remove(pool=pool, by=self.admin)
        empty = make_pool(cycle, self.district)
        actions.pool_remove(pool=empty, by=self.admin)
        self.assertFalse(Pool.objects.filter(pk=empty.pk).exists())
