from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shaar.accounts import demo as accounts_demo
from shaar.city import demo as city_demo
from shaar.grants import demo
from shaar.grants.models import Application, Award, Call
from shaar.grants.selectors import call_results

from .factories import GrantsTestCase


class DemoTests(GrantsTestCase):
    def test_it_seeds_an_open_and_a_decided_call_idempotently(self) -> None:
        city_demo.seed()
        accounts_demo.seed()
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
        award = Award.objects.get(reports__status="accepted")
        page = self.client.get(reverse("grants:award-detail", args=[award.id]))
        self.assertContains(page, "New lamps on Ata-Jurt street (sample)")
        self.assertContains(page, award.reports.get().photos.get().image.url)
        self.assertEqual(len(self.client.get("/api/v1/grants/awards").json()), 2)
        # Made through the applicants' own steps: every application carries the required
        # documents, and the decided call's dates are in the past, in their order.
        decided = finished.decided_at
        assert decided is not None
        for application in Application.objects.filter(call=finished):
            submitted = application.submitted_at
            assert submitted is not None
            self.assertEqual(application.attachments.count(), 2)
            self.assertLess(submitted, finished.closes_at)
        self.assertLess(finished.closes_at, decided)
        self.assertLess(decided, timezone.now())
