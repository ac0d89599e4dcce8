"""A form is shown only when it can succeed: otherwise the page says when it opens."""

from __future__ import annotations

import datetime

from shaar.testing import BaseTestCase

from ..models import Phase, Proposal
from .factories import make_cycle, make_pool, make_project


class ProposalFormWhenOpenTests(BaseTestCase):
    def test_it_shows_the_proposal_form_only_while_proposals_are_open(self):
        self.client.force_login(self.resident)
        cases = [(Phase.PROPOSALS, "proposal-form"),
                 (Phase.INFORMATION, "Proposals open on 1 March 2031."),
                 (Phase.VOTING, "Proposals for this cycle are closed.")]
        for phase, expected in cases:
            cycle = make_cycle(phase, proposals_open=datetime.date(2031, 3, 1))
            make_pool(cycle)
            page = self.client.get(f"/en/budget/{cycle.slug}/propose/").content.decode()
            self.assertIn(expected, page, phase)
            self.assertEqual("proposal-form" in page, phase == Phase.PROPOSALS, phase)

    def test_it_asks_an_unverified_resident_to_verify_before_the_proposal_form(self):
        cycle = make_cycle(Phase.PROPOSALS)
        make_pool(cycle)
        self.client.force_login(self.outsider)
        response = self.client.get(f"/en/budget/{cycle.slug}/propose/")
        self.assertNotContains(response, "proposal-form")
        self.assertContains(response, "/en/me/verify/?next=%2Fen%2Fbudget%2F"
                                      f"{cycle.slug}%2Fpropose%2F")


class ProposalPageFormsTests(BaseTestCase):
    """Support and comment forms only for verified residents, and only where they can
    succeed; anyone else signed in is offered verification."""

    def _page(self, user, status: str = Proposal.Status.APPROVED) -> str:
        cycle = make_cycle(Phase.VOTING)
        proposal = make_project(make_pool(cycle), status=status)
        self.client.force_login(user)
        return self.client.get(f"/en/budget/proposals/{proposal.pk}/").content.decode()

    def test_a_verified_resident_gets_the_support_and_comment_forms(self):
        page = self._page(self.resident)
        self.assertIn("/support/", page)
        self.assertIn("/comment/", page)
        self.assertNotIn("verify-first", page)

    def test_an_unverified_resident_is_offered_verification_instead(self):
        page = self._page(self.outsider)
        self.assertNotIn("/support/", page)
        self.assertNotIn("/comment/", page)
        self.assertIn("verify-first", page)

    def test_a_rejected_proposal_takes_comments_but_no_support(self):
        page = self._page(self.resident, status=Proposal.Status.REJECTED)
        self.assertNotIn("/support/", page)
        self.assertIn("/comment/", page)
