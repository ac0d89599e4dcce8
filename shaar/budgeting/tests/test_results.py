from __future__ import annotations

import csv
import io
import random

from django.urls import reverse
from django.utils import translation

from shaar import counting
from shaar.city.models import City
from shaar.testing import BaseTestCase, make_resident

from .. import actions, opendata
from ..models import Phase, Pool
from .factories import close_and_publish, make_office_staff, make_voting_cycle, paper_vote
from .recount import pabutools_selection


class PublishedCycleTestCase(BaseTestCase):
    # Set by published_cycle: each pool's receipts, (code, chosen project ids).
    receipts: dict[int, list[tuple[str, list[int]]]]


def published_cycle(test: PublishedCycleTestCase, rule: str = "greedy", voters: int = 40,
                    seed: int = 1):
    """A published cycle: online ballots, and every seventh voter on paper at the office."""
    cycle, city, local, cp, lp = make_voting_cycle(test.district)
    Pool.objects.filter(pk=city.pk).update(rule=rule)
    clerks = (make_office_staff(test.district), make_office_staff(test.district))
    rng = random.Random(seed)
    test.receipts = {city.pk: [], local.pk: []}
    for n in range(voters):
        pin = f"1{seed:03d}{n:010d}"
        resident = make_resident(district=test.district, pin=pin)
        for pool, projects in ((city, cp), (local, lp)):
            chosen = [projects[0].pk] if rng.random() < 0.45 else [
                p.pk for p in projects[1:] if rng.random() < 0.7] or [projects[2].pk]
            if n % 7 == 0:
                paper_vote(pool, test.district, pin, chosen, sheet=n + 1, staff=clerks)
            else:
                voter = actions.voter_for_user(resident, pool)
                test.receipts[pool.pk].append(
                    (actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen).receipt,
                     chosen))
    cycle = close_and_publish(test, cycle)
    city.refresh_from_db()
    local.refresh_from_db()
    return cycle, city, local, cp, lp


class ResultsTests(PublishedCycleTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle, self.city_pool, self.local, self.cp, self.lp = published_cycle(self)

    def test_it_shows_selected_projects_votes_and_explanations_in_three_languages(self):
        url_args = [self.cycle.slug, self.city_pool.pk]
        phrases = {"en": "Not selected", "ru": "Не выбран", "ky": "Тандалган жок"}
        for lang, phrase in phrases.items():
            with translation.override(lang):
                response = self.client.get(reverse("budgeting:results", args=url_args))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, phrase)
            self.assertContains(response, self.cp[0].title)
            self.assertContains(response, 'id="votes-chart"')
            self.assertContains(response, 'id="turnout-channel"')

    def test_it_explains_a_project_that_did_not_fit(self):
        outcome = self.city_pool.result.outcome
        misfit = [e for e in outcome["projects"] if e["reason"] == "does-not-fit"]
        for e in misfit:
            with translation.override("en"):
                text = opendata.explain(e)
            self.assertIn("did not fit", text)
            self.assertIn(f"{e['votes']:,}" if e["votes"] >= 1000 else str(e["votes"]), text)

    def test_it_publishes_a_pabulib_file_that_recounts_to_the_published_selection(self):
        response = self.client.get(reverse("budgeting:results-pb",
                                           args=[self.cycle.slug, self.city_pool.pk]))
        text = response.content.decode()
        instance = counting.parse_pabulib(text)
        self.assertEqual(instance.meta_value("rule"), "greedy")
        self.assertIn("Ties are broken", instance.meta_value("comment"))
        self.assertEqual(instance.meta_value("tie_breaking"), "votes,cost,order")
        self.assertEqual(len(instance.meta_value("tie_order").split(",")), 3)
        self.assertEqual(instance.meta_value("commitment"), self.city_pool.commitment)
        result = counting.count(instance, instance.meta_value("rule"),
                                counting.TieBreak.parse(instance.meta_value("tie_breaking"),
                                                        instance.meta_value("tie_order")))
        published = self.city_pool.result.outcome["selected"]
        self.assertEqual(list(result.selected), published)
        selected_column = {p.id for p in instance.projects if p.get("selected") == "1"}
        self.assertEqual(selected_column, set(published))
        self.assertEqual(instance.num_voters, self.city_pool.result.ballots)

    def test_it_describes_the_city_from_its_settings(self):
        city = City.current()
        city.name_en, city.country_name_en, city.currency = "Osh", "Kyrgyz Republic", "USD"
        city.save()
        meta = dict(counting.parse_pabulib(opendata.pabulib_text(self.city_pool)).meta)
        self.assertEqual((meta["unit"], meta["country"], meta["currency"], meta["language"]),
                         ("Osh", "Kyrgyz Republic", "USD", city.default_language))

    def test_it_keeps_voter_ids_random_and_free_of_keys(self):
        text = opendata.pabulib_text(self.city_pool)
        instance = counting.parse_pabulib(text)
        from ..models import VoterMark

        keys = set(VoterMark.objects.values_list("voter_key", flat=True))
        self.assertFalse(keys & set(instance.votes.voter_ids))
        self.assertFalse(any(k in text for k in keys))
        self.assertEqual(list(instance.votes.voter_ids), sorted(instance.votes.voter_ids))

    def test_it_offers_results_as_csv_and_json(self):
        args = [self.cycle.slug, self.city_pool.pk]
        rows = list(csv.DictReader(io.StringIO(self.client.get(
            reverse("budgeting:results-csv", args=args)).content.decode())))
        self.assertEqual(len(rows), 3)
        data = self.client.get(reverse("budgeting:results-json", args=args)).json()
        self.assertEqual(data["rule"], "greedy")
        self.assertEqual(len(data["outcome"]["projects"]), 3)

    def test_it_says_counted_for_every_receipt_and_publishes_a_verifiable_ballot_set(self):
        from .. import commitment

        args = [self.cycle.slug, self.city_pool.pk]
        text = self.client.get(reverse("budgeting:ballots-txt", args=args)).content.decode()
        receipts = self.client.get(reverse("budgeting:receipts", args=args)).json()
        self.assertEqual(receipts["commitment"], self.city_pool.commitment)
        for code, _chosen in self.receipts[self.city_pool.pk]:
            self.assertEqual(commitment.verify(text, self.city_pool.commitment, code), [])
            self.assertIn(commitment.receipt_hash(code), receipts["receipt_hashes"])
            page = self.client.get(reverse("budgeting:receipt", args=args), {"code": code})
            self.assertContains(page, 'data-status="counted"')

    def test_it_explains_the_rule_and_the_minimum_in_plain_words(self):
        for lang in ("en", "ru", "ky"):
            with translation.override(lang):
                page = self.client.get(reverse("budgeting:results",
                                               args=[self.cycle.slug, self.city_pool.pk]))
            self.assertContains(page, 'id="rule-explained"')
            self.assertNotContains(page, "shaar.counting")
            self.assertNotContains(page, "(greedy")
        self.assertContains(page, "equalshares" if self.city_pool.rule == "mes" else "pabutools")

    def test_it_lists_results_and_the_pb_url_in_the_api_once_published(self):
        data = self.client.get("/api/v1/budgeting/cycles").json()
        pool = next(p for c in data for p in c["pools"] if p["id"] == self.city_pool.pk)
        self.assertEqual(pool["results"]["selected"], self.city_pool.result.outcome["selected"])
        self.assertTrue(pool["results"]["pabulib_url"].endswith("ballots.pb"))
        self.assertEqual(len(pool["projects"]), 3)


class PabutoolsRecountTests(PublishedCycleTestCase):
    """The published .pb, recounted with pabutools (a test dependency only)."""

    def recount(self, rule: str) -> None:
        _cycle, city, *_rest = published_cycle(self, rule=rule, voters=30, seed=7)
        self.assertEqual(pabutools_selection(opendata.pabulib_text(city), rule),
                         sorted(city.result.outcome["selected"]))

    def test_it_recounts_a_greedy_pool_with_pabutools(self):
        self.recount("greedy")

    def test_it_recounts_an_equal_shares_pool_with_pabutools(self):
        self.recount("mes")


class PhaseVisibilityTests(BaseTestCase):
    def test_it_hides_results_while_counting(self):
        cycle, city, *_rest = make_voting_cycle(self.district)
        cycle.phase = Phase.COUNTING
        cycle.save()
        actions.cycle_count(cycle=cycle)
        self.assertEqual(self.client.get(reverse("budgeting:results", args=[
            cycle.slug, city.pk])).status_code, 404)
        data = self.client.get("/api/v1/budgeting/cycles").json()
        self.assertIsNone(data[0]["pools"][0]["results"])
