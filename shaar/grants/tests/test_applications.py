from __future__ import annotations

import datetime

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from shaar.grants import actions
from shaar.grants.forms import PayForm, TrancheForm
from shaar.grants.models import Application, Attachment, Membership
from shaar.testing import first, make_resident, make_user

from .factories import GrantsTestCase, at, make_draft_in_district, make_profile, pdf_upload


class ApplicationTestCase(GrantsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.application = make_draft_in_district(self.resident, self.district)
        self.call, self.profile = self.application.call, self.application.profile
        actions.attachment_add(application=self.application, user=self.resident,
                               upload=pdf_upload(), document=self.call.documents.first())


class SubmitTests(ApplicationTestCase):
    def test_it_accepts_a_submission_one_second_before_the_deadline(self) -> None:
        with at(self.call.closes_at - datetime.timedelta(seconds=1)):
            actions.application_submit(application=self.application, user=self.resident)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Application.Status.SUBMITTED)
        self.assertEqual(self.application.submitted_at,
                         self.call.closes_at - datetime.timedelta(seconds=1))

    def test_it_refuses_a_submission_one_second_late(self) -> None:
        with at(self.call.closes_at + datetime.timedelta(seconds=1)), \
                self.assertRaisesMessage(ValidationError, "deadline"):
            actions.application_submit(application=self.application, user=self.resident)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Application.Status.DRAFT)

    def test_it_refuses_a_submission_at_the_deadline_itself(self) -> None:
        with at(self.call.closes_at), self.assertRaises(ValidationError):
            actions.application_submit(application=self.application, user=self.resident)

    def test_it_refuses_late_submission_through_the_page(self) -> None:
        self.client.force_login(self.resident)
        url = reverse("grants:application", args=[self.application.id])
        with at(self.call.closes_at + datetime.timedelta(seconds=1)):
            response = self.client.post(url, {"op": "submit"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "deadline", status_code=400)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Application.Status.DRAFT)

    def test_it_tells_the_representatives_on_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            actions.application_submit(application=self.application, user=self.resident)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.resident.email])

    def test_it_allows_withdrawal_before_the_deadline_only(self) -> None:
        actions.application_submit(application=self.application, user=self.resident)
        with at(self.call.closes_at), self.assertRaises(ValidationError):
            actions.application_withdraw(application=self.application, user=self.resident)
        with at(self.call.closes_at - datetime.timedelta(seconds=1)):
            actions.application_withdraw(application=self.application, user=self.resident)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Application.Status.WITHDRAWN)

    def test_it_refuses_a_second_live_application_from_the_same_organisation(self) -> None:
        with self.assertRaises(ValidationError):
            actions.application_create(call=self.call, profile=self.profile, user=self.resident)
        actions.application_withdraw(application=self.application, user=self.resident)
        again = actions.application_create(call=self.call, profile=self.profile,
                                           user=self.resident)
        self.assertEqual(again.status, Application.Status.DRAFT)


class EligibilityTests(ApplicationTestCase):
    def reasons(self, application=None) -> list[str]:
        from shaar.grants.selectors import eligibility_reasons

        application = application or Application.objects.get(id=self.application.id)
        return eligibility_reasons(application, submitter=self.resident)

    def test_it_finds_a_complete_application_eligible(self) -> None:
        self.assertEqual(self.reasons(), [])

    def test_it_explains_a_request_above_the_maximum(self) -> None:
        Application.objects.filter(id=self.application.id).update(requested_amount=300_001,
                                                                  cofunding_amount=100_000)
        self.assertEqual(self.reasons(), [
            "The request of 300001 som is above the maximum of 300000 som per grant."])

    def test_it_explains_too_little_cofunding(self) -> None:
        # 10 000 / (100 000 + 10 000) = 9.09 % < 10 %
        Application.objects.filter(id=self.application.id).update(cofunding_amount=10_000)
        self.assertEqual(self.reasons(), [
            "Co-funding is 9.09% of the project cost; the call asks for at least 10.00%."])

    def test_it_explains_a_small_informal_group(self) -> None:
        self.profile.registration_number = ""
        self.profile.resident_members = 4
        self.profile.save()
        self.assertEqual(self.reasons(), [
            "An informal group needs at least 5 members living in the city; the profile "
            "lists 4."])

    def test_it_explains_a_group_in_an_ngo_only_call(self) -> None:
        self.call.allow_community_groups = False
        self.call.save()
        self.profile.registration_number = ""
        self.profile.save()
        self.assertIn("only open to registered organisations", self.reasons()[0])

    def test_it_explains_a_district_outside_the_call_and_a_missing_document(self) -> None:
        from shaar.testing import make_district

        other = make_district("sverdlovsky")
        Application.objects.filter(id=self.application.id).update(district=other)
        Attachment.objects.all().delete()
        reasons = self.reasons()
        self.assertEqual(len(reasons), 2)
        self.assertIn("only open to projects in", reasons[0])
        self.assertEqual(reasons[1], "Attach the required document: document 0.")

    def test_it_refuses_submission_with_the_reasons(self) -> None:
        Attachment.objects.all().delete()
        with self.assertRaises(ValidationError) as ctx:
            actions.application_submit(application=self.application, user=self.resident)
        self.assertEqual(ctx.exception.messages, ["Attach the required document: document 0."])

    def test_it_requires_a_verified_representative(self) -> None:
        helper = make_user("helper")
        Membership.objects.create(profile=self.profile, user=helper, is_representative=True)
        from shaar.grants.selectors import eligibility_reasons

        reasons = eligibility_reasons(self.application, submitter=helper)
        self.assertEqual(reasons, ["Verify your account (residency verification) before "
                                   "submitting."])


class UploadTests(ApplicationTestCase):
    def test_it_refuses_a_file_whose_content_does_not_match(self) -> None:
        fake = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00 not a pdf")
        with self.assertRaisesMessage(ValidationError, "does not match"):
            actions.attachment_add(application=self.application, user=self.resident,
                                   upload=fake, document=None)

    def test_it_refuses_unknown_types(self) -> None:
        with self.assertRaisesMessage(ValidationError, "not accepted"):
            actions.attachment_add(application=self.application, user=self.resident,
                                   upload=SimpleUploadedFile("x.exe", b"MZ"), document=None)

    def test_it_refuses_files_that_are_too_big(self) -> None:
        with self.settings(UPLOAD_MAX_MB={**settings.UPLOAD_MAX_MB, "grants": 0}), \
                self.assertRaisesMessage(ValidationError, "larger than"):
            actions.attachment_add(application=self.application, user=self.resident,
                                   upload=pdf_upload(), document=None)

    def test_it_refuses_changes_after_submission(self) -> None:
        actions.application_submit(application=self.application, user=self.resident)
        with self.assertRaises(ValidationError):
            actions.attachment_add(application=self.application, user=self.resident,
                                   upload=pdf_upload(), document=None)
        with self.assertRaises(ValidationError):
            actions.application_update(application=self.application, user=self.resident,
                                       fields={"title": "Changed"})


class ApplicantPermissionTests(ApplicationTestCase):
    def test_it_hides_an_application_from_another_applicant(self) -> None:
        other = make_resident("carol", district=self.district)
        make_profile(other)
        self.client.force_login(other)
        url = reverse("grants:application", args=[self.application.id])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"op": "withdraw"}).status_code, 403)
        attachment = first(self.application.attachments.all())
        self.assertEqual(self.client.get(reverse(
            "grants:attachment", args=[self.application.id, attachment.id])).status_code, 403)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Application.Status.DRAFT)

    def test_it_keeps_attachments_out_of_public_media(self) -> None:
        from django.conf import settings

        attachment = self.application.attachments.get()
        path = attachment.file.path
        self.assertTrue(path.startswith(str(settings.GRANTS_PRIVATE_ROOT)))
        self.assertFalse(path.startswith(str(settings.MEDIA_ROOT)))
        self.client.force_login(self.resident)
        response = self.client.get(reverse("grants:attachment",
                                           args=[self.application.id, attachment.id]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.getvalue().startswith(b"%PDF-"))

    def test_it_refuses_actions_by_a_non_representative(self) -> None:
        with self.assertRaises(ValidationError):
            actions.application_submit(application=self.application, user=self.outsider)

    def test_it_redirects_anonymous_visitors_to_log_in(self) -> None:
        url = reverse("grants:application", args=[self.application.id])
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_it_answers_404_for_a_missing_application(self) -> None:
        self.client.force_login(self.resident)
        self.assertEqual(self.client.get(reverse("grants:application", args=[999999]))
                         .status_code, 404)

    def test_it_shows_the_owner_the_status_and_reasons(self) -> None:
        Attachment.objects.all().delete()
        self.client.force_login(self.resident)
        response = self.client.get(reverse("grants:application", args=[self.application.id]))
        self.assertContains(response, "Attach the required document")
        self.assertContains(response, "application-status")

    def test_it_lets_one_person_act_for_two_organisations(self) -> None:
        second = make_profile(self.resident)
        application = actions.application_create(call=self.call, profile=second,
                                                  user=self.resident)
        self.assertEqual(application.profile, second)
        self.client.force_login(self.resident)
        response = self.client.get(reverse("grants:my"))
        self.assertContains(response, self.profile.legal_name)
        self.assertContains(response, second.legal_name)

    def test_it_saves_a_draft_with_a_budget_table_through_the_page(self) -> None:
        self.client.force_login(self.resident)
        url = reverse("grants:application", args=[self.application.id])
        data = {"op": "save", "title": "Courtyard", "summary": "s", "problem": "p",
                "activities": "a", "timeline": "t", "district": self.district.id,
                "beneficiaries": 100, "beneficiaries_description": "kids",
                "budget-TOTAL_FORMS": "2", "budget-INITIAL_FORMS": "0",
                "budget-MIN_NUM_FORMS": "0", "budget-MAX_NUM_FORMS": "50",
                "budget-0-item": "Benches", "budget-0-requested": "50000",
                "budget-0-cofunding": "5000", "budget-1-item": "Paint",
                "budget-1-requested": "10000", "budget-1-cofunding": "2000"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.application.refresh_from_db()
        self.assertEqual((self.application.requested_amount, self.application.cofunding_amount),
                         (60_000, 7_000))
        self.assertEqual(self.application.budget_lines.count(), 2)

    def test_it_answers_400_to_bad_input_without_writing(self) -> None:
        self.client.force_login(self.resident)
        url = reverse("grants:application", args=[self.application.id])
        response = self.client.post(url, {"op": "save", "title": "", "beneficiaries": "-3",
                                          "budget-TOTAL_FORMS": "1",
                                          "budget-INITIAL_FORMS": "0",
                                          "budget-0-item": "x", "budget-0-requested": "abc"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.application.budget_lines.count(), 1)


class ProfileTests(GrantsTestCase):
    def test_it_creates_a_profile_for_a_verified_user_only(self) -> None:
        with self.assertRaises(ValidationError):
            actions.profile_create(user=self.outsider, name="X", legal_name="X")
        profile = actions.profile_create(user=self.resident, name="Жашыл короо",
                                         legal_name="ОФ Жашыл короо", registration_number="123")
        self.assertEqual(profile.organisation.kind, "ngo")
        self.assertTrue(Membership.objects.filter(profile=profile, user=self.resident).exists())

    def test_it_keeps_other_users_out_of_a_profile(self) -> None:
        profile = make_profile(self.resident)
        self.client.force_login(self.outsider)
        url = reverse("grants:profile", args=[profile.id])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"account": self.outsider.email}).status_code,
                         403)


class TimeTests(SimpleTestCase):
    def test_now_is_aware(self) -> None:
        self.assertTrue(timezone.is_aware(timezone.now()))


class CitySettingsTests(ApplicationTestCase):
    """Another city: money in its own currency, times on its own clock (nothing assumes
    Bishkek)."""

    def setUp(self) -> None:
        super().setUp()
        self.city.currency, self.city.time_zone = "KZT", "Asia/Almaty"
        self.city.name_en = "Almaty"
        self.city.save()
        # 23:30 on 31 January in Almaty (UTC+5); already 1 February in Bishkek (UTC+6).
        self.call.closes_at = datetime.datetime(2030, 1, 31, 18, 30, tzinfo=datetime.UTC)
        self.call.save()

    def test_it_names_the_citys_currency_and_shows_the_deadline_on_its_clock(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.get(reverse("grants:application", args=[self.application.id]))
        self.assertContains(response, "From the grant, KZT")
        self.assertContains(response, "Co-funding, KZT")
        self.assertNotContains(response, "KGS")
        self.assertContains(response, "Deadline: 31.01.2030 23:30:00 (local time in Almaty).")

    def test_the_call_page_gives_the_period_on_the_citys_clock(self) -> None:
        response = self.client.get(reverse("grants:call-detail", args=[self.call.code]))
        self.assertContains(response, "31.01.2030 23:30:00 (local time in Almaty)")

    def test_form_labels_follow_a_currency_changed_after_import(self) -> None:
        self.assertEqual(str(PayForm().fields["paid_amount"].label), "Amount paid, KZT")
        self.city.currency = "UZS"
        self.city.save()
        self.assertEqual(str(TrancheForm().fields["planned_amount"].label), "Amount, UZS")

    def test_it_writes_the_currency_as_the_city_names_it(self) -> None:
        self.city.currency_name_en = "tenge"
        self.city.save()
        self.assertEqual(str(PayForm().fields["paid_amount"].label), "Amount paid, tenge")
        self.client.force_login(self.resident)
        response = self.client.get(reverse("grants:application", args=[self.application.id]))
        self.assertContains(response, "From the grant, tenge")
