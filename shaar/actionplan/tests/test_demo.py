from __future__ import annotations

from django.test import TestCase

from shaar.accounts import demo as accounts_demo
from shaar.city import demo as city_demo

from .. import demo
from ..models import ActionPlan, BoardMember, Commitment, Milestone, PlanMonitor


class DemoTests(TestCase):
    def test_it_seeds_bishkeks_plan_idempotently(self) -> None:
        city_demo.seed()
        accounts_demo.seed()
        demo.seed()
        counts = [m.objects.count() for m in (ActionPlan, Commitment, Milestone, BoardMember,
                                              PlanMonitor)]
        demo.seed()
        self.assertEqual(counts, [m.objects.count() for m in (
            ActionPlan, Commitment, Milestone, BoardMember, PlanMonitor)])
        first = Commitment.objects.get(code="KGBSK0001")
        self.assertEqual(first.lead_agency.code, "urban-development")
        self.assertEqual(first.title_en, "Increasing citizen participation in short or "
                                         "medium-term urban development planning")
        self.assertFalse(first.is_sample)  # published by the city
        self.assertTrue(first.milestones.filter(is_sample=True).exists())  # invented
        self.assertTrue(all(m.is_sample for m in BoardMember.objects.all()))
