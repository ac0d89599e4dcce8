from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shaar.accounts.sms.locmem import outbox
from shaar.grants import actions
from shaar.grants.models import Application, Award, Report, Tranche
from shaar.testing import make_resident

from .factories import GrantsTestCase, make_application, make_call, make_profile, png_upload


class AwardTestCase(GrantsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.call = make_call(open_now=False, status="decided")
        self.profile = make_profile(self.resident)
        self.application = make_application(self.call, self.profile, self.resident,
                                            requested=100_000,
                                            status=Application.Status.AWARDED)
        self.award = Award.objects.create(application=self.application, amount=100_000)
        self.line = self.application.budget_lines.get()
        self.today = timezone.localdate()

    def report(self, kind: str = Report.Kind.INTERIM, spent: int = 40_000, **kw) -> Report:
        return actions.report_submit(award=self.award, user=self.resident, kind=kind,
                                     narrative="Benches installed", spending={self.line.id: spent},
                                     **kw)


class TrancheTests(AwardTestCase):
    def test_it_refuses_tranches_beyond_the_award(self) -> None:
        actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                             planned_amount=60_000)
        with self.assertRaisesMessage(ValidationError, "more than the award"):
            actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                                 planned_amount=40_001)
        second = actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                                      planned_amount=40_000)
        self.assertEqual(second.number, 2)

    def test_it_pays_tranches_in_order_once_each(self) -> None:
        first = actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                                     planned_amount=60_000)
        second = actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                                      planned_amount=40_000)
        with self.assertRaisesMessage(ValidationError, "earlier tranches first"):
            actions.tranche_pay(tranche=second, user=self.admin, paid_on=self.today,
                                paid_amount=40_000)
        actions.tranche_pay(tranche=first, user=self.admin, paid_on=self.today,
                            paid_amount=60_000)
        with self.assertRaisesMessage(ValidationError, "already paid"):
            actions.tranche_pay(tranche=first, user=self.admin, paid_on=self.today,
                                paid_amount=60_000)
        with self.assertRaisesMessage(ValidationError, "more than the award"):
            actions.tranche_pay(tranche=second, user=self.admin, paid_on=self.today,
                                paid_amount=40_001)
        with self.assertRaisesMessage(ValidationError, "future"):
            actions.tranche_pay(tranche=second, user=self.admin,
                                paid_on=self.today + datetime.timedelta(days=1),
                                paid_amount=40_000)
        first.refresh_from_db()
        self.assertEqual((first.status, first.paid_amount), (Tranche.Status.PAID, 60_000))

    def test_it_holds_a_tranche_until_a_report_is_accepted(self) -> None:
        tranche = actions.tranche_plan(award=self.award, user=self.admin,
                                       planned_on=self.today, planned_amount=50_000,
                                       requires_accepted_report=True)
        with self.assertRaisesMessage(ValidationError, "after a report has been accepted"):
            actions.tranche_pay(tranche=tranche, user=self.admin, paid_on=self.today,
                                paid_amount=50_000)
        report = self.report()
        actions.report_review(report=report, user=self.admin, accept=True)
        actions.tranche_pay(tranche=tranche, user=self.admin, paid_on=self.today,
                            paid_amount=50_000)


class ReportTests(AwardTestCase):
    def test_it_moves_a_report_from_returned_to_accepted_and_closes_on_final(self) -> None:
        interim = self.report()
        with self.assertRaisesMessage(ValidationError, "already under review"):
            self.report()
        with self.assertRaisesMessage(ValidationError, "Say what needs to change"):
            actions.report_review(report=interim, user=self.admin, accept=False)
        actions.report_review(report=interim, user=self.admin, accept=False,
                              comment="Add receipts")
        with self.assertRaisesMessage(ValidationError, "already been reviewed"):
            actions.report_review(report=interim, user=self.admin, accept=True)
        interim_again = self.report()
        actions.report_review(report=interim_again, user=self.admin, accept=True)
        self.award.refresh_from_db()
        self.assertEqual(self.award.status, Award.Status.ACTIVE)
        final = self.report(Report.Kind.FINAL, spent=95_000,
                            photos=[png_upload()], captions=["New benches"])
        actions.report_review(report=final, user=self.admin, accept=True)
        self.award.refresh_from_db()
        self.assertEqual(self.award.status, Award.Status.CLOSED)
        self.assertIsNotNone(self.award.closed_at)
        self.assertEqual(final.photos.count(), 1)
        with self.assertRaisesMessage(ValidationError, "closed"):
            self.report()
        with self.assertRaisesMessage(ValidationError, "closed"):
            actions.tranche_plan(award=self.award, user=self.admin, planned_on=self.today,
                                 planned_amount=1)

    def test_it_refuses_spending_above_the_grant_and_fake_photos(self) -> None:
        with self.assertRaisesMessage(ValidationError, "more than the grant"):
            self.report(spent=100_001)
        fake = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nnot really")
        with self.assertRaisesMessage(ValidationError, "not a photo"):
            self.report(photos=[fake])
        self.assertFalse(Report.objects.exists())

    def test_it_lets_only_representatives_report(self) -> None:
        other = make_resident("dana", district=self.district)
        with self.assertRaises(ValidationError):
            actions.report_submit(award=self.award, user=other, kind="interim",
                                  narrative="x", spending={})
        self.client.force_login(other)
        self.assertEqual(self.client.get(reverse("grants:report-new", args=[self.award.id]))
                         .status_code, 403)

    def test_it_sends_sms_to_grantees_without_e_mail(self) -> None:
        self.resident.email = ""
        self.resident.phone = "+996700123456"
        self.resident.phone_verified = True
        self.resident.save()
        outbox.clear()
        tranche = actions.tranche_plan(award=self.award, user=self.admin,
                                       planned_on=self.today, planned_amount=10_000)
        with self.captureOnCommitCallbacks(execute=True):
            actions.tranche_pay(tranche=tranche, user=self.admin, paid_on=self.today,
                                paid_amount=10_000)
        self.assertEqual(len(outbox), 1)
        self.assertEqual(outbox[0]["to"], "+996700123456")

    def test_it_tells_city_admins_about_a_new_report(self) -> None:
        from django.core import mail

        with self.captureOnCommitCallbacks(execute=True):
            self.report()
        self.assertEqual([m.to for m in mail.outbox], [[self.admin.email]])


class AwardManagePermissionTests(AwardTestCase):
    def test_it_lets_only_city_admins_manage_awards(self) -> None:
        url = reverse("grants:award-manage", args=[self.award.id])
        for user, status in ((self.resident, 403), (self.outsider, 403),
                             (self.official, 403), (self.admin, 200)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)
        self.client.force_login(self.resident)
        response = self.client.post(url, {"op": "plan", "planned_on": "2026-01-01",
                                          "planned_amount": "1000"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Tranche.objects.exists())

    def test_it_records_a_payment_through_the_page(self) -> None:
        tranche = actions.tranche_plan(award=self.award, user=self.admin,
                                       planned_on=self.today, planned_amount=10_000)
        self.client.force_login(self.admin)
        url = reverse("grants:award-manage", args=[self.award.id])
        response = self.client.post(url, {"op": "pay", "tranche": tranche.id,
                                          "paid_on": self.today.isoformat(),
                                          "paid_amount": "10000"})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(url, {"op": "pay", "tranche": tranche.id,
                                          "paid_on": self.today.isoformat(),
                                          "paid_amount": "10000"})
        self.assertContains(response, "already paid", status_code=400)
        public = self.client.get(reverse("grants:award-detail", args=[self.award.id]))
        self.assertContains(public, "10,000")
