from __future__ import annotations

import csv
import io
import random
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from shaar import counting
from shaar.city.models import City
from shaar.lib.testing import BaseTestCase, make_resident

from .. import actions, opendata
from ..models import Phase, Pool
from .factories import make_voting_cycle


def published_cycle(test: BaseTestCase, rule: str = "greedy", voters: int = 40, seed: int = 1):
    cycle, city, local, cp, lp = make_voting_cycle(test.district)
    Pool.objects.filter(pk=city.pk).update(rule=rule)
    rng = random.Random(seed)
    for n in range(voters):
        resident = make_resident(district=test.district)
        for pool, projects in ((city, cp), (local, lp)):
            voter = actions.voter_for_user(resident, pool)
            chosen = [projects[0].pk] if rng.random() < 0.45 else [
                p.pk for p in projects[1:] if rng.random() < 0.7] or [projects[2].pk]
            if n % 7 == 0:
                actions.paper_ballot_enter(staff=test.official, pool=pool,
                                           pin=f"1{seed:03d}{n:010d}", project_ids=chosen)
            else:
                actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen)
    with test.captureOnCommitCallbacks(execute=True):
        cycle = actions.cycle_advance(cycle=cycle, by=test.admin)  # counting
    cycle = actions.cycle_advance(cycle=cycle, by=test.admin)  # results
    city.refresh_from_db()
    local.refresh_from_db()
    return cycle, city, local, cp, lp


class ResultsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle, self.city, self.local, self.cp, self.lp = published_cycle(self)

    def test_it_shows_selected_projects_votes_and_explanations_in_three_languages(self):
        url_args = [self.cycle.slug, self.city.pk]
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
        outcome = self.city.result.outcome
        misfit = [e for e in outcome["projects"] if e["reason"] == "does-not-fit"]
        for e in misfit:
            with translation.override("en"):
                text = opendata.explain(e)
            self.assertIn("did not fit", text)
            self.assertIn(f"{e['votes']:,}" if e["votes"] >= 1000 else str(e["votes"]), text)

    def test_it_publishes_a_pabulib_file_that_recounts_to_the_published_selection(self):
        response = self.client.get(reverse("budgeting:results-pb",
                                           args=[self.cycle.slug, self.city.pk]))
        text = response.content.decode()
        instance = counting.parse_pabulib(text)
        self.assertEqual(instance.meta_value("rule"), "greedy")
        self.assertIn("Ties are broken", instance.meta_value("comment"))
        result = counting.count(instance, instance.meta_value("rule"))
        published = self.city.result.outcome["selected"]
        self.assertEqual(list(result.selected), published)
        selected_column = {p.id for p in instance.projects if p.get("selected") == "1"}
        self.assertEqual(selected_column, set(published))
        self.assertEqual(instance.num_voters, self.city.result.ballots)

    def test_it_describes_the_city_from_its_settings(self):
        city = City.current()
        city.name_en, city.country_name_en, city.currency = "Osh", "Kyrgyz Republic", "USD"
        city.save()
        meta = dict(counting.parse_pabulib(opendata.pabulib_text(self.city)).meta)
        self.assertEqual((meta["unit"], meta["country"], meta["currency"], meta["language"]),
                         ("Osh", "Kyrgyz Republic", "USD", city.default_language))

    def test_it_keeps_voter_ids_random_and_free_of_keys(self):
        text = opendata.pabulib_text(self.city)
        instance = counting.parse_pabulib(text)
        from ..models import Ballot

        keys = set(Ballot.objects.values_list("voter_key", flat=True))
        self.assertFalse(keys & set(instance.votes.voter_ids))
        self.assertFalse(any(k in text for k in keys))

    def test_it_offers_results_as_csv_and_json(self):
        args = [self.cycle.slug, self.city.pk]
        rows = list(csv.DictReader(io.StringIO(self.client.get(
            reverse("budgeting:results-csv", args=args)).content.decode())))
        self.assertEqual(len(rows), 3)
        data = self.client.get(reverse("budgeting:results-json", args=args)).json()
        self.assertEqual(data["rule"], "greedy")
        self.assertEqual(len(data["outcome"]["projects"]), 3)

    def test_it_publishes_a_verifiable_receipt_chain(self):
        data = self.client.get(reverse("budgeting:receipts",
                                       args=[self.cycle.slug, self.city.pk])).json()
        self.assertEqual(len(data["ballots"]), self.city.result.ballots)
        self.assertTrue(actions.verify_chain(data["ballots"]))
        self.assertNotIn("voter_key", str(data))

    def test_it_lists_results_and_the_pb_url_in_the_api_once_published(self):
        data = self.client.get("/api/v1/budgeting/cycles").json()
        pool = next(p for c in data for p in c["pools"] if p["id"] == self.city.pk)
        self.assertEqual(pool["results"]["selected"], self.city.result.outcome["selected"])
        self.assertTrue(pool["results"]["pabulib_url"].endswith("ballots.pb"))
        self.assertEqual(len(pool["projects"]), 3)


class PabutoolsRecountTests(BaseTestCase):
    """The published .pb, recounted with pabutools (a test dependency only)."""

    def recount(self, rule: str) -> None:
        election = pytest.importorskip("pabutools.election")
        rules = pytest.importorskip("pabutools.rules")
        _cycle, city, *_rest = published_cycle(self, rule=rule, voters=30, seed=7)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pool.pb"
            path.write_text(opendata.pabulib_text(city), encoding="utf-8")
            instance, profile = election.parse_pabulib(str(path))
        cost_sat = election.Cost_Sat
        if rule == "greedy":
            outcome = rules.greedy_utilitarian_welfare(instance, profile, sat_class=cost_sat)
        else:  # MES with "add 1" completion, then greedy, as the engine's "mes"
            outcome = rules.completion_by_rule_combination(
                instance, profile,
                [rules.exhaustion_by_budget_increase, rules.greedy_utilitarian_welfare],
                [{"rule": rules.method_of_equal_shares, "rule_params": {"sat_class": cost_sat}},
                 {"sat_class": cost_sat}])
        self.assertEqual(sorted(p.name for p in outcome),
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
        actions.pool_count(pool=city)
        self.assertEqual(self.client.get(reverse("budgeting:results", args=[
            cycle.slug, city.pk])).status_code, 404)
        data = self.client.get("/api/v1/budgeting/cycles").json()
        self.assertIsNone(data[0]["pools"][0]["results"])
