from __future__ import annotations

from django.urls import reverse

from shaar.city import demo as city_demo
from shaar.grants import demo
from shaar.grants.models import Application, Award, Call
from shaar.grants.selectors import call_results
from shaar.lib.testing import first

from .factories import GrantsTestCase


class DemoTests(GrantsTestCase):
    def test_it_seeds_an_open_and_a_decided_call_idempotently(self) -> None:
        city_demo.seed()
        demo.seed()
        demo.seed()
        self.assertEqual(Call.objects.filter(is_sample=True).count(), 2)
        self.assertEqual(Application.objects.count(), 4)
        self.assertEqual(Award.objects.count(), 2)
        finished = Call.objects.get(code="demo-lit-streets-2026")
        rows = call_results(finished)
        # The sample decisions follow the ranking they were scored into.
        self.assertEqual([r.recommended for r in rows], [True, True, False, False])
        self.assertEqual([r.application.status == "awarded" for r in rows],
                         [True, True, False, False])
        response = self.client.get(reverse("grants:call-detail", args=[finished.code]))
        self.assertContains(response, "Sample data")
        award = first(Award.objects.order_by("id"))
        self.assertContains(self.client.get(reverse("grants:award-detail", args=[award.id])),
                            "sample-street-lights")
        self.assertEqual(len(self.client.get("/api/v1/grants/awards").json()), 2)
