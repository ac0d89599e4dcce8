"""Text a resident writes keeps the interface language it was written in; a page in another
language marks the element holding it with `lang` (WCAG 3.1.2, language of parts)."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from shaar.actionplan.models import Contribution
from shaar.testing import BaseTestCase, search

from .. import actions
from ..models import Comment, Phase
from .factories import make_cycle, make_pool


class WrittenLanguageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = make_cycle(Phase.PROPOSALS)
        self.pool = make_pool(self.cycle)
        with translation.override("ky"):
            self.proposal = actions.proposal_save(
                author=self.resident, cycle=self.cycle, pool=self.pool, title="Жаңы сейилбак",
                description="Бак-дарак отургузуу", category="parks", estimated_cost=10)
        actions.proposal_submit(proposal=self.proposal, by=self.resident)

    def page(self, language: str) -> str:
        with translation.override(language):
            url = reverse("budgeting:proposal", args=[self.proposal.pk])
        return self.client.get(url).content.decode()

    def test_a_comment_keeps_the_language_of_the_page_it_was_written_on(self):
        self.client.force_login(self.resident)
        with translation.override("ru"):
            url = reverse("budgeting:comment-add", args=[self.proposal.pk])
        self.client.post(url, {"text": "Хорошая идея, поддерживаю."})
        self.assertEqual(Comment.objects.get().language, "ru")
        self.assertEqual(self.proposal.language, "ky")
        kyrgyz = self.page("ky")
        self.assertRegex(kyrgyz, r'<span lang="ru">Хорошая идея, поддерживаю.</span>')
        self.assertNotIn(' lang="ky">', kyrgyz.split("<main", 1)[1])
        russian = self.page("ru")
        self.assertIn('<h1 lang="ky">Жаңы сейилбак</h1>', russian)
        self.assertIn('<p lang="ky">Бак-дарак отургузуу</p>', russian)
        self.assertNotIn('lang="ru">Хорошая', russian)

    def test_the_filter_marks_only_a_known_other_language(self):
        template = Template("{% load written %}<p{{ obj|text_lang }}>")
        comment = Comment(language="en")
        with translation.override("ky"):
            self.assertEqual(template.render(Context({"obj": comment})), '<p lang="en">')
            for language in ("ky", "", "xx"):
                comment.language = language
                self.assertEqual(template.render(Context({"obj": comment})), "<p>")
            self.assertEqual(template.render(Context({"obj": None})), "<p>")

    def test_a_contribution_carries_it_too(self):
        from shaar.actionplan import actions as plan_actions
        from shaar.actionplan.tests.factories import make_plan

        plan = make_plan()
        with translation.override("en"):
            contribution = plan_actions.contribution_submit(
                plan=plan, author=self.resident, title="Open data", text="Please publish it.")
        self.assertEqual(Contribution.objects.get(pk=contribution.pk).language, "en")
        with translation.override("ky"):
            url = reverse("actionplan:plan", args=[plan.code])
        page = self.client.get(url).content.decode()
        self.assertTrue(search(r'<p lang="en"><strong>Open data</strong>', page))

    def test_a_report_is_marked_on_a_page_in_another_language(self):
        from shaar.feedback.tests.factories import make_category, make_report

        with translation.override("ru"):
            report = make_report(make_category(), self.district,
                                 description="Глубокая яма на дороге")
        self.assertEqual(report.language, "ru")
        self.assertIn('<p lang="ru">Глубокая яма на дороге</p>',
                      self.client.get(f"/ky/feedback/{report.pk}/").content.decode())
        self.assertIn("<p>Глубокая яма на дороге</p>",
                      self.client.get(f"/ru/feedback/{report.pk}/").content.decode())
