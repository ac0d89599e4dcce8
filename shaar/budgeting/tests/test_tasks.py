"""The Celery tasks of the civic budget: what each one changes, and that it changes nothing
when there is nothing to do (Celery runs tasks at once in tests)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from shaar.testing import BaseTestCase

from .. import actions
from ..models import Cycle, Phase, PoolResult
from ..tasks import close_due_cycles, count_cycle
from .factories import make_cycle, make_pool, make_project, make_voting_cycle


def voting_cycle(closes_in: timedelta) -> Cycle:
    cycle, *_rest = make_voting_cycle()
    cycle.voting_closes = timezone.now() + closes_in
    cycle.save(update_fields=["voting_closes"])
    return cycle


def phase_of(cycle: Cycle) -> str:
    return Cycle.objects.get(pk=cycle.pk).phase


class CloseDueCyclesTaskTests(BaseTestCase):
    def test_it_does_nothing_when_no_voting_has_reached_its_closing_time(self):
        later = voting_cycle(timedelta(minutes=1))
        no_date = make_cycle(Phase.VOTING)
        make_project(make_pool(no_date))
        # Past its voting date but already counting: not closed a second time.
        counting = make_cycle(Phase.COUNTING, voting_closes=timezone.now() - timedelta(days=1))
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.assertEqual(close_due_cycles.delay().get(), [])
        self.assertEqual(callbacks, [])
        self.assertEqual([phase_of(c) for c in (later, no_date, counting)],
                         [Phase.VOTING, Phase.VOTING, Phase.COUNTING])
        self.assertFalse(PoolResult.objects.exists())

    def test_it_closes_a_cycle_at_its_closing_time_to_the_second(self):
        due = voting_cycle(timedelta(0))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_due_cycles.delay().get(), [due.pk])
        self.assertEqual(phase_of(due), Phase.COUNTING)
        self.assertEqual(PoolResult.objects.filter(pool__cycle=due).count(), 2)

    def test_a_cycle_that_fails_its_checks_stays_open_and_the_others_close(self):
        failing = voting_cycle(timedelta(seconds=-2))
        due = voting_cycle(timedelta(seconds=-1))
        real_advance = actions.cycle_advance

        def advance(*, cycle, by):
            if cycle.pk == failing.pk:
                raise ValidationError("not ready")
            return real_advance(cycle=cycle, by=by)

        with mock.patch.object(actions, "cycle_advance", side_effect=advance), \
                self.assertLogs("shaar.budgeting.tasks", "ERROR") as logs, \
                self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_due_cycles(), [due.pk])
        self.assertIn(f"could not close cycle {failing.pk}", logs.output[0])
        self.assertEqual((phase_of(failing), phase_of(due)), (Phase.VOTING, Phase.COUNTING))
        self.assertFalse(PoolResult.objects.filter(pool__cycle=failing).exists())


class CountCycleTaskTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.cycle, self.city, self.local, *_rest = make_voting_cycle(self.district)

    def close(self) -> None:
        Cycle.objects.filter(pk=self.cycle.pk).update(phase=Phase.COUNTING)

    def test_it_counts_every_pool_and_a_second_run_changes_nothing(self):
        self.close()
        first = count_cycle.delay(self.cycle.pk).get()
        results = PoolResult.objects.filter(pool__cycle=self.cycle)
        self.assertEqual(sorted(first), sorted(results.values_list("pk", flat=True)))
        self.assertEqual({r.pool_id for r in results}, {self.city.pk, self.local.pk})
        outcomes = {r.pk: r.outcome for r in results}
        second = count_cycle.delay(self.cycle.pk).get()
        self.assertEqual(sorted(second), sorted(first))
        self.assertEqual({r.pk: r.outcome for r in results.all()}, outcomes)

    def test_it_refuses_to_count_while_voting_is_open_without_retrying(self):
        with mock.patch.object(actions, "cycle_count", wraps=actions.cycle_count) as counted, \
                self.assertRaisesMessage(ValidationError, "once voting has closed"):
            count_cycle.delay(self.cycle.pk).get()
        self.assertEqual(counted.call_count, 1)
        self.assertFalse(PoolResult.objects.exists())

    def test_it_retries_after_a_database_hiccup(self):
        self.close()
        real_count = actions.cycle_count
        calls = []

        def flaky(*, cycle):
            calls.append(cycle.pk)
            if len(calls) == 1:
                raise OperationalError("connection lost")
            return real_count(cycle=cycle)

        with mock.patch.object(actions, "cycle_count", side_effect=flaky):
            # Not propagating, as a worker: the retry runs again (eagerly here).
            result = count_cycle.apply(args=(self.cycle.pk,), throw=False).get()
        self.assertEqual(calls, [self.cycle.pk, self.cycle.pk])
        self.assertEqual(sorted(result), sorted(
            PoolResult.objects.filter(pool__cycle=self.cycle).values_list("pk", flat=True)))
        self.assertEqual(len(result), 2)

    def test_a_closed_cycle_without_pools_has_nothing_to_count(self):
        empty = make_cycle(Phase.COUNTING)
        self.assertEqual(count_cycle.delay(empty.pk).get(), [])
        self.assertFalse(PoolResult.objects.exists())
