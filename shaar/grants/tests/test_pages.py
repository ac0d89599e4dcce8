"""The applicant, committee and grants-manager pages, through the views: what each branch
stores, says and answers, and that a refusal writes nothing."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from shaar.accounts.models import User
from shaar.city.models import Organisation
from shaar.grants import actions
from shaar.grants.models import (
    ApplicantProfile,
    Application,
    Attachment,
    Award,
    Call,
    Membership,
)
from shaar.testing import make_resident, make_user

from .factories import (
    GrantsTestCase,
    at,
    make_application,
    make_call,
    make_draft_in_district,
    make_profile,
    pdf_upload,
    seat,
)

# --- the organisation's profile ------------------------------------------------------------

class ProfilePageTests(GrantsTestCase):
    profile: ApplicantProfile
    member: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.profile = make_profile(cls.resident, name="Green Yard")
        cls.member = make_user("member", phone="+996700123457")

    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("grants:profile", args=[self.profile.id])

    def profile_data(self, **changes: str) -> dict[str, str]:
        data = {"name": "Green Yard", "legal_name": "Green Yard Public Fund",
                "registration_number": "REG-77", "contact_email": "yard@example.org",
                "contact_phone": "0700 123 456", "address": "Chui 1", "resident_members": "12"}
        return {**data, **changes}

    def test_a_representative_updates_the_profile_with_the_phone_normalised(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, self.profile_data(), follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Saved.")
        profile = ApplicantProfile.objects.get(id=self.profile.id)
        self.assertEqual((profile.legal_name, profile.registration_number, profile.contact_email,
                          profile.contact_phone, profile.address, profile.resident_members),
                         ("Green Yard Public Fund", "REG-77", "yard@example.org",
                          "+996700123456", "Chui 1", 12))

    def test_a_new_short_name_replaces_the_organisation_name(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, self.profile_data(name=" Yard Friends "))
        self.assertRedirects(response, self.url)
        organisation = ApplicantProfile.objects.get(id=self.profile.id).organisation
        self.assertEqual((organisation.name_ky, organisation.name_ru, organisation.name_en),
                         ("Yard Friends",) * 3)

    def test_an_unchanged_short_name_keeps_the_translations(self) -> None:
        Organisation.objects.filter(id=self.profile.organisation_id).update(name_ky="Жашыл короо")
        self.client.force_login(self.resident)
        response = self.client.post(self.url, self.profile_data())
        self.assertRedirects(response, self.url)
        organisation = ApplicantProfile.objects.get(id=self.profile.id).organisation
        self.assertEqual((organisation.name_ky, organisation.name_en),
                         ("Жашыл короо", "Green Yard"))

    def test_an_invalid_phone_is_refused_and_nothing_is_stored(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, self.profile_data(contact_phone="12"))
        self.assertContains(response, "Enter a phone number", status_code=400)
        profile = ApplicantProfile.objects.get(id=self.profile.id)
        self.assertEqual((profile.legal_name, profile.contact_phone),
                         (self.profile.legal_name, ""))

    def test_a_representative_adds_a_member_by_phone(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"account": "0700 123 457"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Saved.")
        membership = Membership.objects.get(profile=self.profile, user=self.member)
        self.assertFalse(membership.is_representative)

    def test_a_representative_adds_a_verified_representative_by_email(self) -> None:
        colleague = make_resident("colleague")
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"account": "COLLEAGUE@example.org",
                                               "is_representative": "on"})
        self.assertRedirects(response, self.url)
        self.assertTrue(Membership.objects.get(profile=self.profile,
                                               user=colleague).is_representative)

    def test_an_unknown_account_is_refused_and_nothing_is_written(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"account": "nobody@example.org"})
        self.assertContains(response, "No account has this mobile number or e-mail.",
                            status_code=400)
        self.assertEqual(list(Membership.objects.filter(profile=self.profile)
                              .values_list("user", flat=True)), [self.resident.id])

    def test_an_unverified_account_cannot_become_a_representative(self) -> None:
        self.client.force_login(self.resident)
        response = self.client.post(self.url, {"account": "member@example.org",
                                               "is_representative": "on"})
        self.assertContains(response, "A representative must have a verified account.",
                            status_code=400)
        self.assertFalse(Membership.objects.filter(profile=self.profile,
                                                   user=self.member).exists())

    def test_a_plain_member_or_an_outsider_is_refused(self) -> None:
        Membership.objects.create(profile=self.profile, user=self.member,
                                  is_representative=False)
        for user in (self.member, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            response = self.client.post(self.url, self.profile_data(legal_name="Hijacked"))
            self.assertEqual(response.status_code, 403)
            response = self.client.post(self.url, {"account": "bob@example.org",
                                                   "is_representative": "on"})
            self.assertEqual(response.status_code, 403)
        profile = ApplicantProfile.objects.get(id=self.profile.id)
        self.assertNotEqual(profile.legal_name, "Hijacked")
        self.assertFalse(Membership.objects.filter(profile=self.profile,
                                                   user=self.outsider).exists())

    def test_an_unknown_profile_is_not_found(self) -> None:
        self.client.force_login(self.resident)
        url = reverse("grants:profile", args=[self.profile.id + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_anonymous_visitor_is_sent_to_log_in(self) -> None:
        response = self.client.post(self.url, self.profile_data(legal_name="Anonymous"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertNotEqual(ApplicantProfile.objects.get(id=self.profile.id).legal_name,
                            "Anonymous")


# --- the applicant's application page ------------------------------------------------------

class ApplicationPageTests(GrantsTestCase):
    call: Call
    profile: ApplicantProfile
    application: Application

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.application = make_draft_in_district(cls.resident, cls.district)
        cls.call, cls.profile = cls.application.call, cls.application.profile

    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("grants:application", args=[self.application.id])
        # A file per test: detaching deletes it from storage, which no rollback restores.
        self.attachment = actions.attachment_add(
            application=self.application, user=self.resident, upload=pdf_upload(),
            document=self.call.documents.first())
        self.file_name = self.attachment.file.name or ""
        self.assertTrue(self.file_name)
        self.addCleanup(self.attachment.file.storage.delete, self.file_name)
        self.client.force_login(self.resident)

    def after_deadline(self):
        return at(self.call.closes_at + datetime.timedelta(seconds=1))

    def refreshed(self) -> Application:
        return Application.objects.get(id=self.application.id)

    def test_the_applicant_detaches_a_file_from_a_draft(self) -> None:
        storage, name = self.attachment.file.storage, self.file_name
        self.assertTrue(storage.exists(name))
        response = self.client.post(self.url, {"op": "detach",
                                               "attachment": self.attachment.id})
        self.assertRedirects(response, self.url)
        self.assertFalse(Attachment.objects.filter(id=self.attachment.id).exists())
        self.assertFalse(storage.exists(name))

    def test_another_applications_attachment_is_not_found(self) -> None:
        other_profile = make_profile(self.resident)
        other = make_application(self.call, other_profile, self.resident)
        response = self.client.post(reverse("grants:application", args=[other.id]),
                                    {"op": "detach", "attachment": self.attachment.id})
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Attachment.objects.filter(id=self.attachment.id).exists())
        self.assertEqual(self.client.post(self.url, {"op": "detach", "attachment": "x"})
                         .status_code, 404)

    def test_a_submitted_application_keeps_its_attachments(self) -> None:
        Application.objects.filter(id=self.application.id).update(
            status=Application.Status.SUBMITTED, submitted_at=timezone.now())
        response = self.client.post(self.url, {"op": "detach",
                                               "attachment": self.attachment.id})
        self.assertContains(response, "Attachments can only be removed from a draft.",
                            status_code=400)
        self.assertTrue(Attachment.objects.filter(id=self.attachment.id).exists())
        self.assertTrue(self.attachment.file.storage.exists(self.file_name))

    def test_the_applicant_submits_an_eligible_draft(self) -> None:
        before = timezone.now()
        response = self.client.post(self.url, {"op": "submit"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Your application is submitted.")
        application = self.refreshed()
        self.assertEqual(application.status, Application.Status.SUBMITTED)
        assert application.submitted_at is not None
        self.assertGreaterEqual(application.submitted_at, before)

    def test_an_ineligible_draft_is_refused_with_its_reasons(self) -> None:
        Application.objects.filter(id=self.application.id).update(requested_amount=300_001,
                                                                  cofunding_amount=100_000)
        response = self.client.post(self.url, {"op": "submit"})
        self.assertContains(
            response, "The request of 300001 som is above the maximum of 300000 som per grant.",
            status_code=400)
        application = self.refreshed()
        self.assertEqual((application.status, application.submitted_at),
                         (Application.Status.DRAFT, None))

    def test_the_applicant_withdraws_a_submitted_application(self) -> None:
        actions.application_submit(application=self.application, user=self.resident)
        response = self.client.post(self.url, {"op": "withdraw"}, follow=True)
        self.assertContains(response, "Your application is withdrawn.")
        application = self.refreshed()
        self.assertEqual(application.status, Application.Status.WITHDRAWN)
        self.assertIsNotNone(application.withdrawn_at)

    def test_after_the_deadline_submit_is_refused_and_nothing_changes(self) -> None:
        with self.after_deadline():
            response = self.client.post(self.url, {"op": "submit"})
        self.assertContains(response, "The deadline of this call has passed", status_code=400)
        application = self.refreshed()
        self.assertEqual((application.status, application.submitted_at),
                         (Application.Status.DRAFT, None))

    def test_after_the_deadline_withdraw_is_refused_and_nothing_changes(self) -> None:
        actions.application_submit(application=self.application, user=self.resident)
        with self.after_deadline():
            response = self.client.post(self.url, {"op": "withdraw"})
        self.assertContains(response, "Applications can only be withdrawn before the deadline.",
                            status_code=400)
        application = self.refreshed()
        self.assertEqual((application.status, application.withdrawn_at),
                         (Application.Status.SUBMITTED, None))

    def test_after_the_deadline_detach_is_refused_and_the_file_stays(self) -> None:
        with self.after_deadline():
            response = self.client.post(self.url, {"op": "detach",
                                                   "attachment": self.attachment.id})
        self.assertContains(response, "The deadline of this call has passed", status_code=400)
        self.assertTrue(Attachment.objects.filter(id=self.attachment.id).exists())
        self.assertTrue(self.attachment.file.storage.exists(self.file_name))

    def test_an_unknown_operation_is_refused(self) -> None:
        response = self.client.post(self.url, {"op": "explode"})
        self.assertContains(response, "Unknown operation.", status_code=400)
        self.assertEqual(self.refreshed().status, Application.Status.DRAFT)

    def test_someone_else_cannot_submit_or_withdraw(self) -> None:
        self.client.force_login(self.outsider)
        for op in ("submit", "withdraw", "detach"):
            response = self.client.post(self.url, {"op": op, "attachment": self.attachment.id})
            self.assertEqual(response.status_code, 403)
        self.assertEqual(self.refreshed().status, Application.Status.DRAFT)
        self.assertTrue(Attachment.objects.filter(id=self.attachment.id).exists())


# --- the grants manager's award page -------------------------------------------------------

class AwardManagePageTests(GrantsTestCase):
    award: Award

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call = make_call(open_now=False, status="decided")
        profile = make_profile(cls.resident)
        application = make_application(call, profile, cls.resident,
                                       status=Application.Status.AWARDED)
        cls.award = Award.objects.create(application=application, amount=100_000)

    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("grants:award-manage", args=[self.award.id])

    def agreement(self, **changes: str) -> dict[str, str]:
        return {"op": "agreement", "agreement_number": " AG-2026/7 ",
                "agreement_signed_on": "2026-03-01", "project_start": "2026-04-01",
                "project_end": "2026-10-31", **changes}

    def stored(self) -> tuple:
        award = Award.objects.get(id=self.award.id)
        return (award.agreement_number, award.agreement_signed_on, award.project_start,
                award.project_end)

    def test_the_manager_stores_the_agreement(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.url, self.agreement(), follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Saved.")
        self.assertEqual(self.stored(), ("AG-2026/7", datetime.date(2026, 3, 1),
                                         datetime.date(2026, 4, 1), datetime.date(2026, 10, 31)))

    def test_a_project_ending_before_it_starts_is_refused(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.url, self.agreement(project_end="2026-03-31"))
        self.assertContains(response, "The project cannot end before it starts.",
                            status_code=400)
        self.assertEqual(self.stored(), ("", None, None, None))

    def test_an_invalid_date_is_refused(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.url, self.agreement(project_start="soon"))
        self.assertContains(response, "some values are missing or invalid", status_code=400)
        self.assertEqual(self.stored(), ("", None, None, None))

    def test_a_closed_award_refuses_the_agreement(self) -> None:
        Award.objects.filter(id=self.award.id).update(status=Award.Status.CLOSED)
        self.client.force_login(self.admin)
        response = self.client.post(self.url, self.agreement())
        self.assertContains(response, "This grant is closed.", status_code=400)
        self.assertEqual(self.stored(), ("", None, None, None))

    def test_only_a_grants_manager_reaches_the_page(self) -> None:
        for user in (self.resident, self.official, self.moderator, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            self.assertEqual(self.client.post(self.url, self.agreement()).status_code, 403,
                             user)
        self.assertEqual(self.stored(), ("", None, None, None))
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_an_anonymous_visitor_is_sent_to_log_in(self) -> None:
        response = self.client.post(self.url, self.agreement())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertEqual(self.stored(), ("", None, None, None))


# --- the committee's view of a call --------------------------------------------------------

class CommitteeCallPageTests(GrantsTestCase):
    call: Call
    eva: User
    submitted: Application
    own: Application
    draft: Application
    withdrawn: Application

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.call = make_call(open_now=False)
        cls.eva = make_user("eva")
        seat(cls.call, cls.eva)
        cls.submitted = make_application(cls.call, make_profile(cls.resident), cls.resident,
                                         status=Application.Status.SUBMITTED,
                                         title="Benches for Yard 5")
        cls.own = make_application(cls.call, make_profile(cls.eva), cls.eva,
                                   status=Application.Status.SUBMITTED,
                                   title="Eva's own project")
        cls.draft = make_application(cls.call, make_profile(cls.resident), cls.resident,
                                     title="Never submitted")
        cls.withdrawn = make_application(cls.call, make_profile(cls.resident), cls.resident,
                                         status=Application.Status.WITHDRAWN,
                                         title="Withdrawn idea")

    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("grants:committee-call", args=[self.call.code])

    def test_a_member_sees_the_submitted_applications_after_the_deadline(self) -> None:
        self.client.force_login(self.eva)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([a.id for a, _state in response.context["items"]],
                         [self.submitted.id, self.own.id])
        states = {a.id: state for a, state in response.context["items"]}
        self.assertEqual(states, {self.submitted.id: "declare conflicts first",
                                  self.own.id: "conflict of interest: no access"})
        self.assertContains(response, "Benches for Yard 5")
        self.assertNotContains(response, "Never submitted")
        self.assertNotContains(response, "Withdrawn idea")
        self.assertTrue(response.context["evaluation_open"])

    def test_the_state_follows_the_declaration(self) -> None:
        actions.conflict_declare(application=self.submitted, user=self.eva, has_conflict=False)
        self.client.force_login(self.eva)
        response = self.client.get(self.url)
        states = {a.id: state for a, state in response.context["items"]}
        self.assertEqual(states[self.submitted.id], "to score")

    def test_a_non_member_is_refused(self) -> None:
        for user in (self.outsider, self.resident, self.admin):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertEqual(response.status_code, 403, user)
            self.assertNotContains(response, "Benches for Yard 5", status_code=403)

    def test_an_unpublished_call_is_not_found(self) -> None:
        draft_call = make_call(open_now=False, status="draft")
        seat(draft_call, self.eva)
        self.client.force_login(self.eva)
        url = reverse("grants:committee-call", args=[draft_call.code])
        self.assertEqual(self.client.get(url).status_code, 404)
