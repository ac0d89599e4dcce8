"""The threat model's claims (docs/ballot-secrecy.md), one test each."""

from __future__ import annotations

import re

from django.urls import reverse

from shaar import counting
from shaar.testing import BaseTestCase

from .. import commitment, opendata
from ..models import Ballot, PaperEntry, Pool, Proposal, VoterMark
from .factories import close_and_publish, make_project, make_voting_cycle
from .recount import pabutools_selection
from .test_results import PublishedCycleTestCase, published_cycle

ID_LIKE = re.compile(r"[0-9a-f]{32}")


class PublicOutputTests(PublishedCycleTestCase):
    """A voter, a vote buyer or anyone reading every published file cannot pair a receipt with
    the contents of the ballot behind it."""

    def setUp(self) -> None:
        super().setUp()
        self.cycle, self.pool, _local, self.projects, _lp = published_cycle(self, voters=28)
        args = [self.cycle.slug, self.pool.pk]
        self.outputs = {name: self.client.get(reverse(f"budgeting:{name}", args=args))
                        .content.decode()
                        for name in ("results", "results-pb", "results-csv", "results-json",
                                     "receipts", "ballots-txt", "receipt")}
        self.outputs["api"] = self.client.get("/api/v1/budgeting/cycles").content.decode()

    def test_no_output_but_the_ballot_list_names_a_receipt_and_none_pairs_them(self):
        for code, _chosen in self.receipts[self.pool.pk]:
            digest = commitment.receipt_hash(code)
            holders = {name for name, text in self.outputs.items() if digest in text}
            self.assertEqual(holders, {"receipts", "ballots-txt"})
            self.assertFalse(any(code in text for text in self.outputs.values()))
        # In the ballot list, receipts are one sorted block, ballots another, sorted by a
        # random id: a line's position says nothing about the other block.
        _ballots, receipts = commitment.parse(self.outputs["ballots-txt"])
        lines = self.outputs["ballots-txt"].splitlines()
        receipt_lines = [line.split()[1] for line in lines if line.startswith("receipt ")]
        self.assertEqual(receipt_lines, sorted(receipts))
        self.assertTrue(all(line.startswith(("ballot ", "receipt ", "shaar", "pool "))
                            for line in lines))
        self.assertFalse(any(" " in line.split(" ", 2)[-1] for line in lines
                             if line.startswith("receipt ")))

    def test_published_ballot_ids_are_random_and_unrelated_to_receipts(self):
        instance = counting.parse_pabulib(self.outputs["results-pb"])
        ids = list(instance.votes.voter_ids)
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(set(ids), {b.pk.hex for b in Ballot.objects.filter(pool=self.pool)})
        digests = {commitment.receipt_hash(code) for code, _c in self.receipts[self.pool.pk]}
        self.assertFalse(any(digest.startswith(i) or i in digest for i in ids
                             for digest in digests))

    def test_a_voter_holding_their_receipt_learns_only_that_it_was_counted(self):
        code, chosen = self.receipts[self.pool.pk][0]
        url = reverse("budgeting:receipt", args=[self.cycle.slug, self.pool.pk])
        page = self.client.get(url, {"code": code}).content.decode()
        self.assertIn('data-status="counted"', page)
        titles = Proposal.objects.filter(pk__in=chosen).values_list("title", flat=True)
        self.assertFalse(any(title in page for title in titles))


class DatabaseTests(BaseTestCase):
    """A database administrator sees who voted and what was voted, never the link."""

    def test_no_table_links_a_voter_to_contents_or_holds_a_fine_time(self):
        ballot_columns = {f.column for f in Ballot._meta.local_fields}
        self.assertFalse(ballot_columns & {"voter_key", "account_id", "user_id", "cast_at",
                                           "created_at", "seq", "district_id"})
        mark_columns = {f.column for f in VoterMark._meta.local_fields}
        self.assertFalse(mark_columns & {"projects", "receipt_hash", "ballot_id"})
        self.assertEqual(VoterMark._meta.get_field("voted_on").get_internal_type(), "DateField")
        entry_columns = {f.column for f in PaperEntry._meta.local_fields}
        self.assertFalse(entry_columns & {"voter_key", "account_id", "pin"})

    def test_ballot_rows_come_in_an_order_unrelated_to_casting(self):
        from shaar.testing import make_resident

        from .. import actions

        _cycle, pool, _local, projects, _lp = make_voting_cycle(self.district)
        for n in range(30):
            voter = actions.voter_for_user(make_resident(district=self.district), pool)
            actions.ballot_cast(pool=pool, voter=voter, project_ids=[projects[n % 3].pk])
        marks = list(VoterMark.objects.filter(pool=pool).order_by("pk")
                     .values_list("voter_key", flat=True))
        by_id = list(Ballot.objects.filter(pool=pool).order_by("pk")
                     .values_list("projects", flat=True))
        cast_order = [[projects[n % 3].pk] for n in range(30)]
        self.assertEqual(len(marks), 30)
        self.assertNotEqual(by_id, cast_order)  # 30 ballots in casting order: odds ~1e-13


class TieAndMinimumTests(BaseTestCase):
    def test_it_funds_nothing_below_the_minimum_and_leaves_it_out_of_the_published_file(self):
        from shaar.testing import make_resident

        from .. import actions

        cycle, pool, _local, _p, _lp = make_voting_cycle(self.district)
        Proposal.objects.filter(pool=pool).delete()
        a, c = make_project(pool, 500_000, "A"), make_project(pool, 400_000, "C")
        unvoted = make_project(pool, 100_000, "D")
        # Without a minimum, greedy would fund all three: the money is there.
        Pool.objects.filter(pk=pool.pk).update(minimum_votes=2)
        pool.refresh_from_db()
        for chosen in ([a.pk], [a.pk, c.pk]):
            voter = actions.voter_for_user(make_resident(district=self.district), pool)
            actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen)
        close_and_publish(self, cycle)
        pool.refresh_from_db()
        outcome = pool.result.outcome
        reasons = {e["project_id"]: e["reason"] for e in outcome["projects"]}
        self.assertEqual((reasons[str(c.pk)], reasons[str(unvoted.pk)]),
                         ("below-minimum", "below-minimum"))
        self.assertEqual(outcome["selected"], [str(a.pk)])
        text = opendata.pabulib_text(pool)
        instance = counting.parse_pabulib(text)
        self.assertEqual({p.id for p in instance.projects}, {str(a.pk)})
        self.assertEqual(instance.num_voters, 2)
        self.assertEqual(instance.meta_value("min_votes"), "2")
        self.assertIn(str(c.pk), instance.meta_value("comment"))
        self.assertEqual(pabutools_selection(text, "greedy"), outcome["selected"])
        page = self.client.get(reverse("budgeting:results", args=[cycle.slug, pool.pk]))
        self.assertContains(page, "fewer than the 2 a project needs")

    def test_it_says_which_projects_a_tie_decided(self):
        from shaar.testing import make_resident

        from .. import actions

        cycle, pool, _local, _p, _lp = make_voting_cycle(self.district)
        Proposal.objects.filter(pool=pool).delete()
        a, b = make_project(pool, 600_000, "Alpha"), make_project(pool, 600_000, "Beta")
        for chosen in ([a.pk], [b.pk]):
            voter = actions.voter_for_user(make_resident(district=self.district), pool)
            actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen)
        close_and_publish(self, cycle)
        pool.refresh_from_db()
        outcome = pool.result.outcome
        self.assertEqual(len(outcome["selected"]), 1)
        self.assertEqual(sorted(outcome["tie_decided"]), sorted([str(a.pk), str(b.pk)]))
        # The drawn order is the one the META publishes, seeded by the commitment.
        instance = counting.parse_pabulib(opendata.pabulib_text(pool))
        order = instance.meta_value("tie_order").split(",")
        self.assertEqual(order, list(counting.tiebreak.drawn_order(
            pool.commitment, [str(a.pk), str(b.pk)])))
        self.assertEqual(outcome["selected"], [order[0]])
        page = self.client.get(reverse("budgeting:results", args=[cycle.slug, pool.pk]))
        self.assertContains(page, 'id="ties-decided"')
        self.assertContains(page, "A tie decided")
        self.assertEqual(pabutools_selection(opendata.pabulib_text(pool), "greedy"),
                         outcome["selected"])
