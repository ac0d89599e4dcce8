"""A form is shown only when it can succeed: otherwise the page says when it opens."""

from __future__ import annotations

import datetime

from shaar.lib.testing import BaseTestCase

from ..models import Phase
from .factories import make_cycle, make_pool


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
