from __future__ import annotations

import datetime
import io
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from shaar.accounts.models import Role
from shaar.testing import (
    EnglishBaseTestCase,
    give_totp,
    make_department,
    make_staff,
    make_user,
)

from .. import actions
from ..models import ActionPlan, Contribution, Evidence, ProgressUpdate
from .factories import make_commitment, make_member, make_milestone, make_plan

S = ActionPlan.Status




def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG")
    return out.getvalue()


class PublicPagesTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.IMPLEMENTATION)
        self.commitment = make_commitment(self.plan, self.department, value_technology=True)
        self.milestone = make_milestone(self.commitment, end=datetime.date(2020, 1, 1))

    def test_it_shows_a_plan_in_implementation_with_its_commitments_and_milestones(self) -> None:
        # Who may open these pages is the URL matrix's business; here, what they show.
        plan_url = reverse("actionplan:plan", args=[self.plan.code])
        commitment_url = reverse("actionplan:commitment", args=[self.commitment.code])
        home = self.client.get(reverse("actionplan:home"))
        self.assertContains(home, f'href="{plan_url}"')
        self.assertContains(home, self.plan.title_en)
        for name in ("actionplan:plan", "actionplan:plan-print"):
            page = self.client.get(reverse(name, args=[self.plan.code]))
            self.assertContains(page, self.plan.title_en)
            self.assertContains(page, self.commitment.title_en)
        self.assertContains(self.client.get(plan_url), f'href="{commitment_url}"')
        page = self.client.get(commitment_url)
        self.assertContains(page, self.commitment.title_en)
        self.assertContains(page, self.milestone.deliverable_en)
        self.assertContains(self.client.get(reverse("actionplan:dashboard")),
                            self.commitment.code)

    def test_it_flags_overdue_milestones_publicly(self) -> None:
        response = self.client.get(reverse("actionplan:commitment",
                                           args=[self.commitment.code]))
        self.assertContains(response, 'data-testid="overdue"')
        response = self.client.get(reverse("actionplan:dashboard"))
        self.assertContains(response, 'data-testid="overdue-milestone"', count=1)

    def test_it_filters_the_dashboard_by_value_and_agency(self) -> None:
        other = make_commitment(self.plan, make_department("finance"), value_technology=False,
                                value_transparency=True)
        url = reverse("actionplan:dashboard")
        response = self.client.get(url, {"value": "technology"})
        self.assertContains(response, self.commitment.code)
        self.assertNotContains(response, other.code)
        response = self.client.get(url, {"agency": other.lead_agency_id})
        self.assertContains(response, other.code)
        self.assertNotContains(response, self.commitment.code)
        response = self.client.get(url, {"value": "technology"}, headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="results"')

    def test_it_answers_400_to_a_bad_dashboard_filter(self) -> None:
        response = self.client.get(reverse("actionplan:dashboard"), {"agency": "abc"})
        self.assertEqual(response.status_code, 400)

    def test_it_keeps_the_dashboard_queries_bounded(self) -> None:
        for _ in range(5):
            make_milestone(make_commitment(self.plan, self.department))
        self.client.get(reverse("actionplan:dashboard"))  # warm the city cache
        with self.assertNumQueries(6):
            self.client.get(reverse("actionplan:dashboard"))

    def test_it_hides_plans_being_drafted_from_the_public(self) -> None:
        draft = make_plan(status=S.DRAFTING)
        commitment = make_commitment(draft, self.department)
        self.assertEqual(self.client.get(reverse("actionplan:plan", args=[draft.code]))
                         .status_code, 404)
        self.assertEqual(self.client.get(reverse("actionplan:commitment",
                                                 args=[commitment.code])).status_code, 404)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("actionplan:plan", args=[draft.code]))
                         .status_code, 200)

    def test_it_means_one_thing_by_public_plans(self) -> None:
        draft = make_plan(status=S.DRAFTING)
        self.assertNotIn(draft, ActionPlan.objects.public())
        self.assertNotIn(draft, ActionPlan.objects.visible_to(AnonymousUser()))
        self.assertIn(draft, ActionPlan.objects.visible_to(self.admin))

    def test_it_exports_csv_and_json(self) -> None:
        response = self.client.get(reverse("actionplan:plan-csv", args=[self.plan.code]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        lines = response.content.decode("utf-8-sig").splitlines()
        self.assertTrue(lines[0].startswith("plan,commitment_id"))
        self.assertIn(self.commitment.code, lines[1])
        self.assertIn("True", lines[1])  # overdue column
        response = self.client.get(reverse("actionplan:plan-json", args=[self.plan.code]))
        data = json.loads(response.content)
        self.assertEqual(data["commitments"][0]["id"], self.commitment.code)
        self.assertEqual(data["commitments"][0]["title"]["ru"], self.commitment.title_ru)
        self.assertTrue(data["commitments"][0]["milestones"][0]["overdue"])

    def test_it_prints_the_plan_in_each_language(self) -> None:
        for code, title in (("ky", self.plan.title_ky), ("ru", self.plan.title_ru),
                            ("en", self.plan.title_en)):
            response = self.client.get(f"/{code}/ogp/plans/{self.plan.code}/print/")
            self.assertContains(response, title)
            self.assertContains(response, f'lang="{code}"')

    def test_it_warns_only_city_administrators_when_the_section_is_stale(self) -> None:
        ActionPlan.objects.update(last_updated=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        url = reverse("actionplan:home")
        self.assertNotContains(self.client.get(url), 'data-testid="stale-warning"')
        self.client.force_login(self.official)
        self.assertNotContains(self.client.get(url), 'data-testid="stale-warning"')
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(url), 'data-testid="stale-warning"')
        ActionPlan.objects.update(last_updated=datetime.datetime.now(datetime.UTC))
        self.assertNotContains(self.client.get(url), 'data-testid="stale-warning"')

    def test_it_shows_the_board_seat_balance(self) -> None:
        make_member("government")
        make_member("non_government")
        make_member("non_government")
        response = self.client.get(reverse("actionplan:board"))
        self.assertContains(response, "Government: 1 · Non-government: 2 (67% of seats)")
        self.assertContains(response, 'data-testid="balance-ok"')

    def test_it_answers_404_to_unknown_objects(self) -> None:
        self.client.force_login(self.admin)
        for url in ["/en/ogp/plans/nope/", "/en/ogp/commitments/ZZZZZ9999/",
                    "/en/ogp/contributions/999/respond/", "/en/ogp/board/meetings/999/",
                    f"/en/ogp/commitments/{self.commitment.code}/assessment/other/"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)


class PermissionMatrixTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.CONSULTATION)
        self.commitment = make_commitment(self.plan, self.department)
        self.milestone = make_milestone(self.commitment)
        self.comment = actions.contribution_submit(plan=self.plan, author=self.resident,
                                                   commitment=self.commitment,
                                                   text="Please add district data.")
        self.monitor = make_user("monica")
        give_totp(self.monitor)  # a trusted seat: two-factor, like staff
        actions.monitor_appoint(plan=self.plan, user=self.monitor, by=self.admin)
        self.other_staff = make_staff(Role.DEPARTMENT_STAFF, "dina",
                                      department=make_department("finance"))

    def _status(self, user, url, method="get", data=None) -> int:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return getattr(self.client, method)(url, data or {}).status_code

    def test_it_protects_responding_to_contributions(self) -> None:
        url = reverse("actionplan:respond", args=[self.comment.id])
        self.assertEqual(self._status(None, url), 302)
        for user in (self.resident, self.official, self.monitor, self.moderator):
            self.assertEqual(self._status(user, url), 403)
        self.assertEqual(self._status(self.admin, url), 200)
        self.assertEqual(self._status(self.admin, url, "post", {"response": "accepted"}), 400)
        self.assertEqual(self._status(self.admin, url, "post", {
            "response": "accepted", "response_text": "We agree and will add it."}), 302)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.response, "accepted")

    def test_it_protects_the_plan_status(self) -> None:
        url = reverse("actionplan:plan-transition", args=[self.plan.code])
        for user in (self.resident, self.official, self.monitor):
            self.assertEqual(self._status(user, url, "post", {"to_status": "adopted"}), 403)
        self.assertEqual(self._status(self.admin, url), 405)
        response_status = self._status(self.admin, url, "post", {"to_status": "adopted"})
        self.assertEqual(response_status, 400)  # the comment has no response yet
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.CONSULTATION)

    def test_it_defaults_the_move_forward_and_asks_to_confirm_a_move_back(self) -> None:
        self.client.force_login(self.admin)
        page = self.client.get(reverse("actionplan:plan", args=[self.plan.code]))
        choices = page.context["transition_form"].fields["to_status"].choices
        self.assertEqual([value for value, _label in choices], [S.ADOPTED, S.DRAFTING])
        self.assertContains(page, '<option value="adopted" selected>')
        url = reverse("actionplan:plan-transition", args=[self.plan.code])
        response = self.client.post(url, {"to_status": "drafting"})
        self.assertContains(response, 'data-testid="confirm-effects"', status_code=400)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.CONSULTATION)
        response = self.client.post(url, {"to_status": "drafting", "confirm": "on",
                                          "note": "The draft needs another round."})
        self.assertEqual(response.status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, S.DRAFTING)

    def test_it_protects_progress_reports(self) -> None:
        ActionPlan.objects.filter(id=self.plan.id).update(status=S.IMPLEMENTATION)
        url = reverse("actionplan:progress", args=[self.milestone.id])
        self.assertEqual(self._status(None, url), 302)
        for user in (self.resident, self.admin, self.other_staff, self.monitor):
            self.assertEqual(self._status(user, url), 403)
        self.assertEqual(self._status(self.official, url), 200)
        self.assertEqual(self._status(self.official, "/en/ogp/milestones/999/progress/"), 404)

    def test_it_protects_the_independent_assessment_page(self) -> None:
        url = reverse("actionplan:assessment-edit", args=[self.commitment.code, "independent"])
        for user in (self.resident, self.admin, self.official):
            self.assertEqual(self._status(user, url), 403)
        self.assertEqual(self._status(self.monitor, url), 200)
        self.assertEqual(self._status(self.monitor, url, "post", {
            "potential": "substantial", "opened_government": "marginal",
            "opened_government_note": "Some change."}), 302)
        self.assertEqual(self._status(self.monitor, url, "post", {"potential": "huge"}), 400)
        page = self.client.get(reverse("actionplan:commitment", args=[self.commitment.code]))
        self.assertContains(page, "Some change.")

    def test_it_protects_board_management(self) -> None:
        for name in ("actionplan:meeting-new",):
            url = reverse(name)
            for user in (self.resident, self.official, self.monitor):
                self.assertEqual(self._status(user, url), 403)
            self.assertEqual(self._status(self.admin, url), 200)

    def test_it_lets_signed_in_people_comment_only_during_consultation(self) -> None:
        url = reverse("actionplan:contribute", args=[self.plan.code])
        data = {"commitment": self.commitment.code, "text": "Another useful comment."}
        self.assertEqual(self._status(None, url, "post", data), 302)
        self.assertEqual(Contribution.objects.count(), 1)
        self.assertEqual(self._status(self.outsider, url, "post", data), 302)
        self.assertEqual(Contribution.objects.count(), 2)
        self.assertEqual(self._status(self.outsider, url, "post", {"text": "short"}), 400)
        ActionPlan.objects.filter(id=self.plan.id).update(status=S.DRAFTING)
        # A plan back in drafting is hidden from the public altogether.
        self.assertEqual(self._status(self.outsider, url, "post", data), 404)
        self.assertEqual(Contribution.objects.count(), 2)


class ProgressUploadTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.IMPLEMENTATION)
        self.milestone = make_milestone(make_commitment(self.plan, self.department))
        self.url = reverse("actionplan:progress", args=[self.milestone.id])
        self.client.force_login(self.official)

    def _post(self, *files, links=""):
        return self.client.post(self.url, {"text": "Public hearing held in Leninsky.",
                                           "status": "ongoing", "completion": "limited",
                                           "links": links, "files": list(files)})

    def test_it_accepts_photos_and_documents_as_evidence(self) -> None:
        response = self._post(SimpleUploadedFile("hearing.jpg", _jpeg(), "image/jpeg"),
                              SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "a/pdf"),
                              links="https://meria.kg/news/1")
        self.assertEqual(response.status_code, 302)
        kinds = sorted(Evidence.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, ["document", "link", "photo"])
        photo = Evidence.objects.get(kind="photo")
        self.assertTrue(str(photo.file.name).endswith(".jpg"))

    def test_it_refuses_a_fake_photo_and_writes_nothing(self) -> None:
        response = self._post(SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg"))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_it_refuses_a_file_whose_content_does_not_match_its_name(self) -> None:
        response = self._post(SimpleUploadedFile("report.pdf", b"MZ\x90\x00", "a/pdf"))
        self.assertEqual(response.status_code, 400)
        response = self._post(SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "a/x"))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_it_refuses_a_file_over_the_size_limit(self) -> None:
        with self.settings(UPLOAD_MAX_MB={**settings.UPLOAD_MAX_MB, "actionplan": 0}):
            response = self._post(SimpleUploadedFile("a.pdf", b"%PDF-1.4", "a/pdf"))
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_a_bad_link(self) -> None:
        response = self._post(links="javascript:alert(1)")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ProgressUpdate.objects.exists())


class ApiTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.ADOPTED)
        self.commitment = make_commitment(self.plan, self.department)
        make_milestone(self.commitment)
        self.draft = make_plan(status=S.DRAFTING)
        self.draft_commitment = make_commitment(self.draft, self.department)

    def test_it_lists_public_plans(self) -> None:
        data = self.client.get("/api/v1/actionplan/plans").json()
        self.assertEqual([p["code"] for p in data], [self.plan.code])
        self.assertEqual(data[0]["commitments"], [self.commitment.code])

    def test_it_returns_one_commitment_in_every_language(self) -> None:
        response = self.client.get(f"/api/v1/actionplan/commitments/{self.commitment.code}")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["id"], self.commitment.code)
        self.assertEqual(set(data["title"]), {"ky", "ru", "en"})
        self.assertEqual(data["ogp_values"], ["participation"])
        self.assertEqual(len(data["milestones"]), 1)

    def test_it_gives_the_budget_in_the_citys_currency(self) -> None:
        self.city.currency = "KZT"
        self.city.save()
        data = self.client.get(f"/api/v1/actionplan/commitments/{self.commitment.code}").json()
        self.assertEqual(data["budget_currency"], "KZT")

    def test_it_answers_404_for_unknown_or_draft_commitments(self) -> None:
        for code in ("NOPE", self.draft_commitment.code):
            response = self.client.get(f"/api/v1/actionplan/commitments/{code}")
            self.assertEqual(response.status_code, 404)


class BoardManagementTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_member("non_government", email="ngo@example.org", language="en")
        self.client.force_login(self.admin)

    def _agenda(self, starts_at: str) -> dict:
        return {"starts_at": starts_at, "location": "City Hall, room 1",
                "title_ky": "Жыйын", "title_ru": "Заседание", "title_en": "Quarterly meeting",
                "agenda_ky": "Отчет", "agenda_ru": "Отчёт", "agenda_en": "Progress report"}

    def test_it_publishes_a_meeting_and_notifies_the_board(self) -> None:
        from django.core import mail
        from django.utils import timezone

        from ..models import Meeting

        when = (timezone.localtime() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("actionplan:meeting-new"), self._agenda(when))
        self.assertEqual(response.status_code, 302)
        meeting = Meeting.objects.get()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(f"/ogp/board/meetings/{meeting.id}/", mail.outbox[0].body)
        with translation.override("en"):
            url = reverse("actionplan:meeting", args=[meeting.id])
        self.assertContains(self.client.get(url), "14 days before the meeting")

    def test_it_refuses_a_meeting_without_notice(self) -> None:
        from django.utils import timezone

        from ..models import Meeting

        when = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        with translation.override("en"):
            url = reverse("actionplan:meeting-new")
        response = self.client.post(url, self._agenda(when))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "at least 7 days", status_code=400)
        self.assertFalse(Meeting.objects.exists())

    def test_it_shares_a_document_and_records_minutes(self) -> None:
        from django.core import mail
        from django.utils import timezone

        from ..models import Attendance, Meeting

        meeting = Meeting.objects.create(
            title_ky="a", title_ru="b", title_en="Meeting", location="x", agenda_ky="a",
            agenda_ru="b", agenda_en="c", starts_at=timezone.now() - datetime.timedelta(hours=2))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("actionplan:meeting-document-new", args=[meeting.id]),
                {"title_ky": "Долбоор", "title_ru": "Проект", "title_en": "Draft",
                 "file": SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft", "a/pdf")})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        member = meeting.documents.get()
        self.assertTrue(str(member.file.name).endswith(".pdf"))
        present = make_member("government")
        response = self.client.post(reverse("actionplan:meeting-minutes", args=[meeting.id]),
                                    {"minutes_en": "Agreed to publish the data.",
                                     "present": [present.id]})
        self.assertEqual(response.status_code, 302)
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, Meeting.Status.HELD)
        self.assertEqual(dict(Attendance.objects.values_list("member_id", "present"))[present.id],
                         True)
        self.assertEqual(Attendance.objects.filter(present=False).count(), 1)

    def test_it_refuses_board_management_to_others(self) -> None:
        from django.utils import timezone

        from ..models import Meeting

        meeting = Meeting.objects.create(
            title_ky="a", title_ru="b", title_en="Meeting", location="x", agenda_ky="a",
            agenda_ru="b", agenda_en="c", starts_at=timezone.now())
        for user in (self.resident, self.official):
            self.client.force_login(user)
            for name in ("actionplan:meeting-document-new", "actionplan:meeting-minutes"):
                url = reverse(name, args=[meeting.id])
                self.assertEqual(self.client.get(url).status_code, 403, (user, name))
                self.assertEqual(self.client.post(url, {}).status_code, 403, (user, name))


class StaleReminderTests(EnglishBaseTestCase):
    def test_it_emails_city_administrators_only_when_the_section_is_stale(self) -> None:
        from django.core import mail

        from ..tasks import warn_stale_section

        make_plan()
        self.assertEqual(warn_stale_section(), 0)
        ActionPlan.objects.update(last_updated=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        self.assertEqual(warn_stale_section(), 1)
        self.assertEqual(mail.outbox[0].to, [self.admin.email])


class HomeCardTests(EnglishBaseTestCase):
    def test_it_shows_an_open_consultation_on_the_site_home(self) -> None:
        plan = make_plan(status=S.CONSULTATION, title_en="Consultation plan")
        response = self.client.get("/en/")
        self.assertContains(response, "Consultation plan")
        self.assertContains(response, reverse("actionplan:plan", args=[plan.code]))


class ContentEditingTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.DRAFTING)
        self.url = reverse("actionplan:commitment-new", args=[self.plan.code])

    def _data(self, **overrides) -> dict:
        data = {"code": "KGBSK0042", "order": 1, "title_ky": "Ачык маалымат",
                "title_ru": "Открытые данные", "title_en": "Open data",
                "value_transparency": "on", "lead_agency": self.department.id,
                "start_date": "2026-02-01", "end_date": "2026-11-30", "sdgs": "16",
                "budget": "150000"}
        return {**data, **overrides}

    def test_it_lets_city_administrators_write_commitments_and_milestones(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, self._data())
        self.assertEqual(response.status_code, 302)
        commitment = self.plan.commitments.get()
        self.assertEqual((commitment.code, commitment.budget), ("KGBSK0042", 150000))
        url = reverse("actionplan:milestone-new", args=[commitment.code])
        response = self.client.post(url, {
            "order": 1, "deliverable_ky": "Портал", "deliverable_ru": "Портал",
            "deliverable_en": "Portal launched", "start_date": "2026-03-01",
            "end_date": "2026-06-30", "responsible": self.department.id})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(commitment.milestones.get().deliverable_en, "Portal launched")

    def test_it_rejects_bad_commitments_with_messages(self) -> None:
        self.client.force_login(self.admin)
        for bad in ({"code": "kg1"}, {"sdgs": "18"}, {"value_transparency": ""},
                    {"end_date": "2028-01-31"}, {"budget": "-5"}):
            response = self.client.post(self.url, self._data(**bad))
            self.assertEqual(response.status_code, 400, bad)
        self.assertFalse(self.plan.commitments.exists())

    def test_it_refuses_content_editing_to_everyone_else(self) -> None:
        for user in (self.official, self.resident, self.moderator):
            self.client.force_login(user)
            # A plan being drafted is not visible to them at all.
            self.assertEqual(self.client.get(self.url).status_code, 404)
        ActionPlan.objects.filter(id=self.plan.id).update(status=S.CONSULTATION)
        for user in (self.official, self.resident, self.moderator):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url, self._data()).status_code, 403)
        self.assertFalse(self.plan.commitments.exists())


class ModerationTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plan = make_plan(status=S.CONSULTATION)
        self.commitment = make_commitment(self.plan, self.department)
        self.rude = actions.contribution_submit(plan=self.plan, author=self.outsider,
                                                commitment=self.commitment,
                                                text="Call me at +996 555 000 111 now!!")
        self.url = reverse("actionplan:hide", args=[self.rude.id])

    def test_it_lets_moderators_hide_a_contribution_with_a_public_reason(self) -> None:
        for user in (self.resident, self.official):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url, {"reason": "Personal data"})
                             .status_code, 403)
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.post(self.url, {"reason": ""}).status_code, 400)
        self.assertEqual(self.client.post(self.url, {"reason": "Personal data"}).status_code,
                         302)
        page = self.client.get(reverse("actionplan:commitment", args=[self.commitment.code]))
        self.assertNotContains(page, "+996 555 000 111")
        self.assertContains(page, "Hidden by a moderator: Personal data")
        data = json.loads(self.client.get(reverse("actionplan:plan-json",
                                                  args=[self.plan.code])).content)
        self.assertEqual(data["contributions"][0]["text"], "")
        self.assertEqual(data["contributions"][0]["hidden_reason"], "Personal data")

    def test_it_does_not_hold_up_adoption_with_a_hidden_contribution(self) -> None:
        actions.contribution_hide(contribution=self.rude, by=self.moderator,
                                  reason="Personal data")
        plan = actions.plan_transition(plan=self.plan, to_status=S.ADOPTED, by=self.admin)
        self.assertEqual(plan.status, S.ADOPTED)


class DocumentsAndDecisionsTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        from django.utils import timezone

        from ..models import Meeting

        self.plan = make_plan(status=S.IMPLEMENTATION)
        self.commitment = make_commitment(self.plan, self.department)
        self.meeting = Meeting.objects.create(
            plan=self.plan, title_ky="a", title_ru="b", title_en="Meeting", location="x",
            agenda_ky="a", agenda_ru="b", agenda_en="c",
            starts_at=timezone.now() - datetime.timedelta(hours=1))

    def test_it_publishes_plan_documents_with_upload_checks(self) -> None:
        url = reverse("actionplan:plan-document-new", args=[self.plan.code])
        titles = {"title_ky": "План", "title_ru": "План", "title_en": "Adopted plan"}
        self.client.force_login(self.official)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.admin)
        response = self.client.post(url, {**titles, "file": SimpleUploadedFile(
            "plan.pdf", b"<html>not a pdf", "a/pdf")})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(url, titles)  # neither file nor link
        self.assertEqual(response.status_code, 400)
        response = self.client.post(url, {**titles, "file": SimpleUploadedFile(
            "plan.pdf", b"%PDF-1.7 plan", "a/pdf")})
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(reverse("actionplan:plan", args=[self.plan.code])),
                            "Adopted plan")

    def test_it_records_decisions_linked_to_commitments_in_their_history(self) -> None:
        url = reverse("actionplan:decision-new", args=[self.meeting.id])
        data = {"text_ky": "Чечим", "text_ru": "Решение", "text_en": "Publish the data",
                "commitments": [self.commitment.id]}
        self.client.force_login(self.official)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.admin)
        other = make_commitment(make_plan(), self.department)
        self.assertEqual(self.client.post(url, {**data, "commitments": [other.id]})
                         .status_code, 400)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        page = self.client.get(reverse("actionplan:commitment", args=[self.commitment.code]))
        self.assertContains(page, "Board decision: Publish the data")

    def test_it_keeps_the_commitment_page_queries_bounded(self) -> None:
        for _ in range(4):
            make_milestone(self.commitment)
        url = reverse("actionplan:commitment", args=[self.commitment.code])
        self.client.get(url)
        with self.assertNumQueries(13):
            self.client.get(url)


class PlanSetupTests(EnglishBaseTestCase):
    def test_it_lets_city_administrators_create_a_plan_in_drafting(self) -> None:
        url = reverse("actionplan:plan-new")
        data = {"code": "bishkek-2027", "title_ky": "План 2027", "title_ru": "План 2027",
                "title_en": "Plan 2027", "start_date": "2027-01-01", "end_date": "2028-12-31"}
        for user in (self.official, self.moderator, self.resident):
            self.client.force_login(user)
            self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(url, {**data, "end_date": "2026-01-01"})
                         .status_code, 400)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        plan = ActionPlan.objects.get(code="bishkek-2027")
        self.assertEqual(plan.status, S.DRAFTING)

    def test_it_appoints_the_independent_monitor_by_account(self) -> None:
        plan = make_plan(status=S.IMPLEMENTATION)
        commitment = make_commitment(plan, self.department)
        monitor = make_user("irm")
        url = reverse("actionplan:monitor-new", args=[plan.code])
        self.client.force_login(self.official)
        self.assertEqual(self.client.post(url, {"account": monitor.email}).status_code, 403)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(url, {"account": "nobody@example.org"}).status_code,
                         400)
        self.assertEqual(self.client.post(url, {"account": monitor.email.upper(),
                                                "organisation": "IRM"}).status_code, 302)
        give_totp(monitor)
        self.client.force_login(monitor)
        edit = reverse("actionplan:assessment-edit", args=[commitment.code, "independent"])
        self.assertEqual(self.client.get(edit).status_code, 200)
