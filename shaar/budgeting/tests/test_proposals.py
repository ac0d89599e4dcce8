from __future__ import annotations

import io

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shaar.accounts.models import Role
from shaar.testing import BaseTestCase, make_department, make_staff

from .. import actions
from ..models import Comment, Phase, Proposal
from .factories import make_cycle, make_pool


def photo_with_gps() -> bytes:
    """A JPEG carrying a GPS position in its EXIF, as phones write them."""
    image = Image.new("RGB", (40, 30), (200, 80, 20))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (42.0, 52.0, 30.0), 3: "E", 4: (74.0, 36.0, 10.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


class ProposalTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = make_cycle(Phase.PROPOSALS)
        self.city_pool = make_pool(self.cycle)
        self.reviewer = make_staff(Role.REVIEWER, "rita")

    def propose(self, **kw) -> Proposal:
        data = {"author": self.resident, "cycle": self.cycle, "pool": self.city_pool,
                "title": "Benches in Oak Park", "description": "Twenty benches.",
                "category": "parks", "estimated_cost": 250_000, **kw}
        return actions.proposal_save(**data)

    def test_it_creates_a_draft_and_submits_it_with_a_notification(self):
        proposal = self.propose()
        self.assertEqual(proposal.status, "draft")
        with self.captureOnCommitCallbacks(execute=True):
            actions.proposal_submit(proposal=proposal, by=self.resident)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, "submitted")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.resident.email])

    def test_it_refuses_proposals_from_unverified_users_and_outside_the_phase(self):
        with self.assertRaisesMessage(ValidationError, "Verify"):
            self.propose(author=self.outsider)
        self.cycle.phase = Phase.REVIEW
        self.cycle.save()
        with self.assertRaisesMessage(ValidationError, "not open"):
            self.propose()

    def test_it_lets_the_author_withdraw(self):
        proposal = self.propose()
        actions.proposal_submit(proposal=proposal, by=self.resident)
        with self.assertRaises(ValidationError):
            actions.proposal_withdraw(proposal=proposal, by=self.outsider)
        actions.proposal_withdraw(proposal=proposal, by=self.resident)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, "withdrawn")

    def test_it_reviews_approves_with_revised_cost_or_rejects_with_a_reason(self):
        proposal = self.propose()
        actions.proposal_submit(proposal=proposal, by=self.resident)
        actions.proposal_assign(proposal=proposal, department=self.department, by=self.admin)
        with self.assertRaisesMessage(ValidationError, "public reason"):
            actions.proposal_review(proposal=proposal, by=self.official, legal_ok=False,
                                    technical_ok=True, competence_ok=True, cost=None,
                                    cost_breakdown="", reason="")
        with self.captureOnCommitCallbacks(execute=True):
            actions.proposal_review(proposal=proposal, by=self.official, legal_ok=True,
                                    technical_ok=True, competence_ok=True, cost=310_000,
                                    cost_breakdown="Benches 250k, installation 60k", reason="")
        proposal.refresh_from_db()
        self.assertEqual((proposal.status, proposal.cost), ("approved", 310_000))
        # Notifications are written in the city's default language (Kyrgyz here).
        self.assertIn("бюллетенге киргизилди", mail.outbox[-1].body)
        actions.proposal_review(proposal=proposal, by=self.official, legal_ok=True,
                                technical_ok=False, competence_ok=True, cost=None,
                                cost_breakdown="", reason="The park is private land.")
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, "rejected")

    def test_it_refuses_a_revised_cost_above_the_whole_budget(self):
        proposal = self.propose()
        actions.proposal_submit(proposal=proposal, by=self.resident)
        with self.assertRaisesMessage(ValidationError, "whole budget"):
            actions.proposal_review(proposal=proposal, by=self.admin, legal_ok=True,
                                    technical_ok=True, competence_ok=True, cost=5_000_000,
                                    cost_breakdown="", reason="")

    def test_it_merges_duplicates_and_tells_both_authors(self):
        first = self.propose()
        second = self.propose(title="More benches in Oak Park", author=make_resident_in(self))
        for p in (first, second):
            assert p.author is not None
            actions.proposal_submit(proposal=p, by=p.author)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.proposal_merge(duplicate=second, into=first, by=self.reviewer, reason="")
        second.refresh_from_db()
        self.assertEqual((second.status, second.merged_into), ("merged", first))
        self.assertEqual({m.to[0] for m in mail.outbox},
                         {p.author.email for p in (first, second) if p.author})

    def test_it_counts_supporters_once_per_user(self):
        proposal = self.propose()
        actions.proposal_submit(proposal=proposal, by=self.resident)
        self.assertTrue(actions.proposal_support(proposal=proposal, user=self.resident))
        proposal.refresh_from_db()
        self.assertEqual(proposal.supporters_count, 1)
        self.assertFalse(actions.proposal_support(proposal=proposal, user=self.resident))
        proposal.refresh_from_db()
        self.assertEqual(proposal.supporters_count, 0)

    def test_it_hides_abusive_content_with_a_public_reason_in_the_audit_log(self):
        from auditlog.models import LogEntry

        proposal = self.propose()
        actions.proposal_submit(proposal=proposal, by=self.resident)
        comment = actions.comment_add(proposal=proposal, author=self.resident, text="Rude")
        with self.assertRaisesMessage(ValidationError, "reason"):
            actions.content_hide(obj=comment, reason=" ", by=self.moderator)
        actions.content_hide(obj=comment, reason="Insults", by=self.moderator)
        comment.refresh_from_db()
        self.assertTrue(comment.hidden)
        self.assertTrue(LogEntry.objects.get_for_object(comment).exists())


def make_resident_in(test):
    from shaar.testing import make_resident

    return make_resident(district=test.district)


class ProposalPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = make_cycle(Phase.PROPOSALS)
        self.pool = make_pool(self.cycle)

    def test_it_creates_and_submits_a_proposal_with_a_photo_from_the_form(self):
        self.client.force_login(self.resident)
        response = self.client.post(reverse("budgeting:propose", args=[self.cycle.slug]), {
            "title": "Lights on Frunze street", "description": "Dark at night.",
            "pool": self.pool.pk, "category": "lighting", "estimated_cost": "900000",
            "latitude": "42.87", "longitude": "74.6", "submit": "1",
            "photos": [SimpleUploadedFile("a.jpg", photo_with_gps(), content_type="image/jpeg")]})
        proposal = Proposal.objects.get()
        self.assertRedirects(response, reverse("budgeting:proposal", args=[proposal.pk]))
        self.assertEqual(proposal.status, "submitted")
        stored = proposal.files.get()
        self.assertEqual(stored.kind, "photo")
        with stored.file.open("rb") as fh:
            self.assertNotIn(0x8825, Image.open(fh).getexif())  # the GPS position is gone
        page = self.client.get(reverse("budgeting:proposal", args=[proposal.pk]))
        self.assertContains(page, "Lights on Frunze street")
        self.assertContains(page, 'id="map-data"')
        # Hidden by a moderator: its photo leaves its public address.
        public_name = stored.file.name
        assert public_name is not None
        with self.captureOnCommitCallbacks(execute=True):
            actions.content_hide(obj=proposal, reason="Advertising", by=self.moderator)
        stored.refresh_from_db()
        self.assertFalse(default_storage.exists(public_name))
        hidden_name = stored.file.name
        assert hidden_name is not None
        self.assertTrue(hidden_name.startswith("withheld/"))
        self.assertTrue(default_storage.exists(hidden_name))
        self.assertNotContains(self.client.get(reverse("budgeting:proposal",
                                                       args=[proposal.pk])), public_name)

    def test_it_answers_a_bad_form_with_400(self):
        self.client.force_login(self.resident)
        response = self.client.post(reverse("budgeting:propose", args=[self.cycle.slug]),
                                    {"title": "", "estimated_cost": "-5", "pool": 999})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Proposal.objects.exists())

    def test_it_refuses_a_non_image_photo(self):
        self.client.force_login(self.resident)
        response = self.client.post(reverse("budgeting:propose", args=[self.cycle.slug]), {
            "title": "T", "description": "D", "pool": self.pool.pk, "category": "parks",
            "estimated_cost": "1000",
            "photos": [SimpleUploadedFile("a.gif", b"not an image")]})
        self.assertEqual(response.status_code, 400)

    def test_it_hides_drafts_from_everyone_but_the_author(self):
        proposal = actions.proposal_save(author=self.resident, cycle=self.cycle, pool=self.pool,
                                         title="Draft", description="D", category="parks",
                                         estimated_cost=10)
        url = reverse("budgeting:proposal", args=[proposal.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.resident)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_shows_the_review_page_to_reviewers_of_the_right_department_only(self):
        proposal = actions.proposal_save(author=self.resident, cycle=self.cycle, pool=self.pool,
                                         title="P", description="D", category="parks",
                                         estimated_cost=10)
        actions.proposal_submit(proposal=proposal, by=self.resident)
        actions.proposal_assign(proposal=proposal, department=self.department, by=self.admin)
        other = make_staff(Role.DEPARTMENT_STAFF, department=make_department())
        url = reverse("budgeting:proposal-review", args=[proposal.pk])
        self.assertEqual(self.client.get(url).status_code, 302)
        for user, status in ((self.outsider, 403), (self.resident, 403), (other, 403),
                             (self.moderator, 403), (self.official, 200), (self.admin, 200)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)
        self.client.force_login(self.official)
        response = self.client.post(url, {"action": "review", "legal_ok": "on",
                                          "technical_ok": "on", "competence_ok": "on",
                                          "cost": "12", "cost_breakdown": "", "reason": ""})
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, "approved")
        # Department staff may not reassign.
        response = self.client.post(url, {"action": "assign", "department": other.pk})
        self.assertEqual(response.status_code, 403)

    def test_it_lets_moderators_hide_comments_and_nobody_else(self):
        proposal = actions.proposal_save(author=self.resident, cycle=self.cycle, pool=self.pool,
                                         title="P", description="D", category="parks",
                                         estimated_cost=10)
        actions.proposal_submit(proposal=proposal, by=self.resident)
        comment = actions.comment_add(proposal=proposal, author=self.resident, text="Spam")
        url = reverse("budgeting:comment-hide", args=[proposal.pk, comment.pk])
        self.client.force_login(self.resident)
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403)
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.post(url, {"reason": "Spam"}).status_code, 302)
        self.assertTrue(Comment.objects.get().hidden)
        page = self.client.get(reverse("budgeting:proposal", args=[proposal.pk]))
        self.assertContains(page, "Hidden by a moderator: Spam")

    def test_a_moderators_page_with_comments_has_each_field_id_once(self):
        from shaar.lib.htmlcheck import html_problems

        proposal = actions.proposal_save(author=self.resident, cycle=self.cycle, pool=self.pool,
                                         title="P", description="D", category="parks",
                                         estimated_cost=10)
        actions.proposal_submit(proposal=proposal, by=self.resident)
        for text in ("First", "Second"):
            actions.comment_add(proposal=proposal, author=self.resident, text=text)
        self.client.force_login(self.moderator)
        page = self.client.get(reverse("budgeting:proposal", args=[proposal.pk]))
        self.assertEqual(html_problems(page.content.decode()), [])
        self.assertContains(page, 'name="reason"', count=3)

    def test_it_lists_public_proposals_in_few_queries(self):
        for i in range(5):
            p = actions.proposal_save(author=self.resident, cycle=self.cycle, pool=self.pool,
                                      title=f"P{i}", description="D", category="parks",
                                      estimated_cost=10)
            actions.proposal_submit(proposal=p, by=self.resident)
        url = reverse("budgeting:proposals", args=[self.cycle.slug])
        self.client.get(url)
        with self.assertNumQueries(3):
            response = self.client.get(url)
        self.assertContains(response, "P4")


class ReviewErrorTests(BaseTestCase):
    """Assigning or merging where the action refuses is a 400 with the reason, never a 500."""

    def setUp(self) -> None:
        super().setUp()
        self.cycle = make_cycle(Phase.PROPOSALS)
        self.pool = make_pool(self.cycle)
        self.proposal = actions.proposal_save(
            author=self.resident, cycle=self.cycle, pool=self.pool, title="P",
            description="D", category="parks", estimated_cost=10)
        actions.proposal_submit(proposal=self.proposal, by=self.resident)
        actions.proposal_assign(proposal=self.proposal, department=self.department,
                                by=self.admin)
        self.url = reverse("budgeting:proposal-review", args=[self.proposal.pk])
        self.client.force_login(self.admin)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_it_answers_400_when_an_assignment_is_refused(self):
        actions.proposal_review(proposal=self.proposal, by=self.admin, legal_ok=True,
                                technical_ok=True, competence_ok=True, cost=12,
                                cost_breakdown="", reason="")
        response = self.client.post(self.url, {"action": "assign",
                                               "department": self.department.pk})
        self.assertContains(response, "Only submitted proposals", status_code=400)

    def test_it_answers_400_to_a_merge_into_an_unknown_or_huge_number(self):
        for into in ("999999", "99999999999999999999"):
            response = self.client.post(self.url, {"action": "merge", "into": into,
                                                   "reason": "same"})
            self.assertEqual(response.status_code, 400, into)
