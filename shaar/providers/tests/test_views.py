from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from shaar.accounts.models import Role
from shaar.testing import PASSWORD, BaseTestCase, EnglishBaseTestCase, make_resident, make_staff

from .. import actions, metrics, sources
from ..metrics import ReportRecord
from ..models import Scorecard, ScorecardResponse, ServiceLevel, Subscription, SurveyAnswer
from .factories import make_level, make_provider, make_survey

TZ = ZoneInfo("Asia/Bishkek")  # the test city's (make_city)


def _month(offset: int = 1) -> date:
    month = metrics.month_of(timezone.now(), TZ)
    for _i in range(offset):
        month = metrics.previous_month(month)
    return month




class ProviderPagesTest(EnglishBaseTestCase):
    """Two providers with stored scorecards for last month and the month before."""

    def setUp(self) -> None:
        super().setUp()
        self.month = _month(1)
        self.before = _month(2)
        self.good = make_provider("good-waste", districts=[self.district])
        self.bad = make_provider("bad-waste", districts=[self.district])
        self.small = make_provider("small-waste")
        for p in (self.good, self.bad, self.small):
            make_level(p, "waste-uncollected", 12, 48)
        start = metrics.month_start(self.before, TZ)
        records = []
        rid = 0
        for month_start, good_ok, bad_ok in ((start, 10, 20), (metrics.month_start(
                self.month, TZ), 20, 5)):
            for profile, ok, n in ((self.good, good_ok, 25), (self.bad, bad_ok, 25),
                                   (self.small, 3, 3)):
                for i in range(n):
                    rid += 1
                    at = month_start + timedelta(days=1, hours=i)
                    hours = 10 if i < ok else 100
                    records.append(ReportRecord(
                        report_id=rid, organisation_id=profile.organisation_id,
                        category="waste-uncollected", district_id=self.district.id,
                        received_at=at, acknowledged_at=at + timedelta(hours=1),
                        resolved_at=(at + timedelta(hours=hours),)))
        self.source = sources.ListSource(records)
        sources.set_source_for_tests(self.source)
        self.addCleanup(sources.set_source_for_tests, None)
        for month in (self.before, self.month):
            actions.scorecards_compute(month=month, source=self.source)
        self.staff = make_staff(Role.PROVIDER_STAFF, "pavel", organisation=self.good.organisation)
        self.other_staff = make_staff(Role.PROVIDER_STAFF, "petr",
                                      organisation=self.bad.organisation)

    def test_it_ranks_with_arrows_and_leaves_small_providers_unranked(self) -> None:
        # Three queries; the city row is already cached (read for its time zone when the
        # scorecards were computed in setUp).
        with self.assertNumQueries(3):
            response = self.client.get(reverse("providers:ranking"),
                                       {"month": f"{self.month:%Y-%m}"})
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual([r.profile for r in rows], [self.good, self.bad, self.small])
        self.assertEqual([r.rank for r in rows], [1, 2, None])
        self.assertEqual([r.arrow for r in rows], ["up", "down", ""])
        self.assertContains(response, "25 counted")
        self.assertContains(response, "How the figures are computed")

    @override_settings(PROVIDERS_RANKING_MIN_REPORTS=2)
    def test_it_takes_the_ranking_minimum_from_settings(self) -> None:
        response = self.client.get(reverse("providers:ranking"),
                                   {"month": f"{self.month:%Y-%m}"})
        rows = response.context["rows"]
        self.assertEqual([(r.profile, r.rank) for r in rows],
                         [(self.small, 1), (self.good, 2), (self.bad, 3)])

    def test_it_answers_400_to_a_bad_month(self) -> None:
        for bad in ("2026-13", "soon", "1999-01"):
            response = self.client.get(reverse("providers:ranking"), {"month": bad})
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "YYYY-MM", status_code=400)

    def test_it_shows_a_provider_page_with_trend_table_and_methodology(self) -> None:
        response = self.client.get(reverse("providers:provider", args=["good-waste"]),
                                   {"month": f"{self.month:%Y-%m}"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["trend"]), 12)
        self.assertContains(response, 'id="trend-data"')
        self.assertContains(response, "Resolved in time")
        self.assertNotContains(response, "<script>")
        self.assertEqual(self.client.get(reverse("providers:provider", args=["nope"])
                                         ).status_code, 404)

    def test_it_gives_times_in_the_citys_local_time_without_a_zone_code(self) -> None:
        self.city.time_zone = "Asia/Almaty"
        self.city.save()
        response = self.client.get(reverse("providers:provider", args=["good-waste"]),
                                   {"month": f"{self.month:%Y-%m}"})
        self.assertContains(response, "Times are the city&#x27;s local time.")  # the methodology
        self.assertContains(response, ", city time.")  # when it was computed
        self.assertNotContains(response, "Asia/")

    def test_its_pages_speak_plainly_in_kyrgyz_and_russian(self) -> None:
        """Figure names, samples and times in plain words: no "90th percentile",
        "median", "n=25" or "Asia/Bishkek"."""
        plain = {
            "ky": ["10дон 9у канча саатта чечилди", "Жарымы канча саатта чечилди",
                   "25 эсептелди", "«Эсептелди»", "шаардын жергиликтүү убактысы",
                   "(шаардын убактысы менен)"],
            "ru": ["За сколько часов решены 9 из 10", "За сколько часов решена половина",
                   "учтено: 25", "«Учтено»", "Время указано местное",
                   "(по времени города)"],
        }
        codes = ["процентил", "медиана", "n —", "Asia/", "(n)", "Выборка", "Тандоо", "Hours to"]
        for language, phrases in plain.items():
            with self.subTest(language), translation.override(language):
                html = "".join(
                    self.client.get(url, {"month": f"{self.month:%Y-%m}"}).content.decode()
                    for url in (reverse("providers:ranking"), reverse("providers:districts"),
                                reverse("providers:provider", args=["good-waste"])))
                for phrase in phrases:
                    self.assertIn(phrase, html)
                for code in codes:
                    self.assertNotIn(code, html)
                self.assertNotRegex(html, r"\bn=\d")  # a sample as "n=25"
                # hours with the page's decimal comma, not "100.0"
                self.assertRegex(html, r">100,0\s*<")
                self.assertNotRegex(html, r">\s*\d+\.\d\s*<")
                # the trend chart's months are named, not "2026-07"
                chart = html.split('id="trend-data" type="application/json">')[1].split("<")[0]
                self.assertNotRegex(chart, r'"\d{4}-\d{2}"')

    def test_it_compares_districts(self) -> None:
        response = self.client.get(reverse("providers:districts"),
                                   {"month": f"{self.month:%Y-%m}", "sector": "waste"})
        self.assertEqual(response.status_code, 200)
        row = next(r for r in response.context["data"]["rows"]
                   if r["district"] == self.district)
        self.assertEqual(row["city"].reports_received, 53)  # every provider together
        self.assertEqual(row["providers"][0]["card"].reports_received, 25)

    def test_it_downloads_csv_with_values_and_samples(self) -> None:
        response = self.client.get(reverse("providers:csv", args=["good-waste"]),
                                   {"from": f"{self.before:%Y-%m}", "to": f"{self.month:%Y-%m}"})
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        overall = [r for r in rows if not r["category"] and not r["district"]]
        self.assertEqual([r["reports_received"] for r in overall], ["25", "25"])
        self.assertEqual(overall[1]["resolved_within_sla"], "0.8")
        self.assertEqual(overall[1]["resolved_within_sla_sample"], "25")
        bad = self.client.get(reverse("providers:csv", args=["good-waste"]),
                              {"from": "2026-05", "to": "2026-01"})
        self.assertEqual(bad.status_code, 400)

    def test_it_subscribes_and_unsubscribes(self) -> None:
        url = reverse("providers:subscribe", args=["good-waste"])
        self.assertEqual(self.client.post(url, {"subscribe": "1"}).status_code, 302)
        self.assertFalse(Subscription.objects.exists())  # anonymous: sent to log in
        self.client.force_login(self.resident)
        self.client.post(url, {"subscribe": "1"})
        self.assertTrue(Subscription.objects.filter(user=self.resident).exists())
        self.client.post(url, {"subscribe": "0"})
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(self.client.get(url).status_code, 405)

    # --- staff drill-down: the permission matrix ----------------------------------------
    def _drill(self, org_id: int, flag: str = "resolved_late"):
        return self.client.get(reverse("providers:staff-drilldown",
                                       args=[org_id, f"{self.month:%Y-%m}", flag]))

    def test_it_limits_the_drilldown_to_the_providers_own_staff(self) -> None:
        good = self.good.organisation_id
        self.assertEqual(self._drill(good).status_code, 302)  # anonymous → log in
        for user, expected in ((self.outsider, 403), (self.resident, 403),
                               (self.other_staff, 403), (self.official, 403),
                               (self.staff, 200), (self.admin, 200)):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self._drill(good).status_code, expected)
        self.client.force_login(self.staff)
        self.assertEqual(self._drill(good, "not-a-figure").status_code, 404)
        self.assertEqual(self._drill(999999).status_code, 404)
        self.assertEqual(self.client.get(
            f"/en/providers/staff/99999999999999999999/{self.month:%Y-%m}/").status_code, 404)
        self.assertEqual(self.client.get(reverse(
            "providers:staff-scorecard", args=[good, "2026-99"])).status_code, 404)

    def test_it_lists_the_reports_behind_a_figure(self) -> None:
        self.client.force_login(self.staff)
        response = self._drill(self.good.organisation_id)
        # 5 of the good provider's 25 reports last month took 100 h against 48 h.
        self.assertEqual(len(response.context["items"]), 5)
        response = self._drill(self.good.organisation_id, "reports_received")
        self.assertEqual(len(response.context["items"]), 25)
        self.assertTrue(all(i["record"].organisation_id == self.good.organisation_id
                            for i in response.context["items"]))

    def test_it_lets_only_own_staff_publish_a_response(self) -> None:
        url = reverse("providers:staff-scorecard",
                      args=[self.good.organisation_id, f"{self.month:%Y-%m}"])
        self.client.force_login(self.other_staff)
        self.assertEqual(self.client.post(url, {"text": "Not mine"}).status_code, 403)
        self.client.force_login(self.admin)  # the city sees it but does not speak for it
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"text": "City"}).status_code, 403)
        # A superuser passes every has_perm, yet does not speak for the provider either.
        self.admin.is_superuser = True
        self.admin.save(update_fields=["is_superuser"])
        self.assertEqual(self.client.post(url, {"text": "Root"}).status_code, 403)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(url, {"text": ""}).status_code, 400)
        self.assertEqual(self.client.post(url, {"text": "We added two trucks."}).status_code,
                         302)
        self.assertEqual(ScorecardResponse.objects.get().text, "We added two trucks.")
        page = self.client.get(reverse("providers:provider", args=["good-waste"]),
                               {"month": f"{self.month:%Y-%m}"})
        self.assertContains(page, "We added two trucks.")

    def test_it_lets_only_the_city_set_service_levels(self) -> None:
        url = reverse("providers:service-levels", args=[self.good.organisation_id])
        data = {"category_code": "waste-uncollected", "acknowledge_hours": "6",
                "resolve_hours": "24"}
        for user in (self.staff, self.outsider, self.official):
            self.client.force_login(user)
            self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(url, {**data, "resolve_hours": "2"}).status_code, 400)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(ServiceLevel.objects.filter(provider=self.good).count(), 2)
        history = self.client.get(url).context["history"]
        self.assertEqual([str(level.resolve_hours) for level in history], ["24.0", "48.0"])

    def test_it_shows_staff_home_only_to_staff(self) -> None:
        url = reverse("providers:staff")
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.staff)
        response = self.client.get(url)
        self.assertEqual(list(response.context["profiles"]), [self.good])


class SurveyPagesTest(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.survey = make_survey([self.district])

    def test_it_hides_districts_with_fewer_than_ten_answers(self) -> None:
        other = make_resident("zed").verification.district
        assert other is not None
        self.survey.districts.add(other)
        now = timezone.now()
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(survey=self.survey, respondent_key=f"a{i}", district=self.district,
                          score=4, answered_at=now) for i in range(10)]
            + [SurveyAnswer(survey=self.survey, respondent_key=f"b{i}", district=other,
                            score=1, answered_at=now) for i in range(9)])
        response = self.client.get(reverse("providers:survey", args=[self.survey.pk]))
        rows = {r["district"]: r for r in response.context["results"]["rows"]}
        self.assertEqual((rows[self.district]["shown"], rows[self.district]["mean"]),
                         (True, 4.0))
        self.assertEqual((rows[other]["shown"], rows[other]["mean"]), (False, None))
        self.assertContains(response, "not shown")

    def test_it_never_shows_answers_per_person(self) -> None:
        self.client.force_login(self.resident)
        self.client.post(reverse("providers:survey", args=[self.survey.pk]), {"score": "5"})
        self.assertEqual(SurveyAnswer.objects.count(), 1)
        for user in (self.resident, self.admin, self.moderator):
            self.client.force_login(user)
            page = self.client.get(reverse("providers:survey", args=[self.survey.pk]))
            self.assertNotContains(page, self.resident.username)
            self.assertNotContains(page, self.resident.email)
        # No admin page lists answers either.
        from django.contrib import admin

        from ..models import SurveyAnswer as Model
        self.assertNotIn(Model, admin.site._registry)

    def test_it_answers_once_and_rejects_bad_input(self) -> None:
        url = reverse("providers:survey", args=[self.survey.pk])
        self.assertEqual(self.client.post(url, {"score": "5"}).status_code, 302)  # log in
        self.assertFalse(SurveyAnswer.objects.exists())
        self.client.force_login(self.outsider)  # not verified
        self.assertEqual(self.client.post(url, {"score": "5"}).status_code, 400)
        self.client.force_login(self.resident)
        self.assertEqual(self.client.post(url, {"score": "9"}).status_code, 400)
        self.assertEqual(self.client.post(url, {"score": "4"}).status_code, 302)
        self.assertEqual(self.client.post(url, {"score": "4"}).status_code, 400)
        self.assertEqual(SurveyAnswer.objects.count(), 1)
        self.assertContains(self.client.get(url), "You have answered this survey")


class ApiTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider("tazalyk", districts=[self.district])
        make_level(self.provider, "waste-uncollected", 12, 48)
        self.org = self.provider.organisation
        at = datetime(2026, 1, 5, 10, tzinfo=TZ)
        source = sources.ListSource([ReportRecord(
            report_id=1, organisation_id=self.org.id, category="waste-uncollected",
            district_id=self.district.id, received_at=at, acknowledged_at=at,
            resolved_at=(at + timedelta(hours=5),))])
        actions.scorecards_compute(month=date(2026, 1, 1), source=source)

    def test_it_lists_providers_with_current_levels(self) -> None:
        data = self.client.get("/api/v1/providers/").json()
        self.assertEqual(len(data), 1)
        self.assertEqual(data[0]["id"], self.org.id)
        self.assertEqual(data[0]["service_levels"][0]["resolve_hours"], 48.0)
        self.assertEqual(data[0]["districts"], [self.district.code])

    def test_it_returns_every_figure_with_its_definition(self) -> None:
        response = self.client.get(f"/api/v1/providers/{self.org.id}/scorecards",
                                   {"from": "2025-12", "to": "2026-02"})
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(len(data["definitions"]), len(metrics.FIGURE_KEYS))
        self.assertTrue(all(d["definition"] for d in data["definitions"]))
        (month,) = data["months"]
        self.assertEqual(month["month"], "2026-01")
        self.assertEqual(set(month["figures"]), set(metrics.FIGURE_KEYS))
        self.assertEqual(month["figures"]["resolve_hours_median"], {"value": 5.0, "sample": 1})
        self.assertEqual(month["categories"][0]["category"], "waste-uncollected")
        self.assertEqual(month["districts"][0]["district"], self.district.code)
        self.assertTrue(data["methodology"])

    def test_it_rejects_bad_ranges_and_unknown_providers(self) -> None:
        url = f"/api/v1/providers/{self.org.id}/scorecards"
        for params in ({"from": "2026-1"}, {"from": "2026-03", "to": "2026-01"},
                       {"from": "2000-01", "to": "2026-01"}):
            response = self.client.get(url, params)
            # Not YYYY-MM: 422 (the schema's pattern); a range the view refuses: 400.
            self.assertIn(response.status_code, (400, 422), params)
            self.assertTrue(response.json()["detail"])
        self.assertEqual(self.client.get("/api/v1/providers/999999/scorecards").status_code,
                         404)

    def test_it_serves_csv(self) -> None:
        response = self.client.get(f"/api/v1/providers/{self.org.id}/scorecards.csv",
                                   {"from": "2026-01", "to": "2026-01"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reports_received_sample", response.content.decode())

    def test_it_serves_russian_definitions(self) -> None:
        from ..figures import FIGURES

        response = self.client.get(f"/api/v1/providers/{self.org.id}/scorecards",
                                   HTTP_ACCEPT_LANGUAGE="ru")
        served = {d["key"]: d for d in response.json()["definitions"]}
        with translation.override("ru"):
            russian = {f.key: (str(f.label), str(f.definition)) for f in FIGURES}
        with translation.override("en"):
            english = {f.key: str(f.definition) for f in FIGURES}
        for key, (label, definition) in russian.items():
            self.assertEqual((served[key]["label"], served[key]["definition"]), (label, definition))
            self.assertNotEqual(definition, english[key], key)


class ScorecardPageDoesNotComputeTest(BaseTestCase):
    def test_it_never_reads_reports_in_a_public_page(self) -> None:
        make_provider("p1")

        class Exploding(sources.ListSource):
            def records(self, **kwargs):
                raise AssertionError("a page request read reports")

        sources.set_source_for_tests(Exploding())
        self.addCleanup(sources.set_source_for_tests, None)
        Scorecard.objects.create(month=_month(1), organisation=None, scope_key="x",
                                 computed_at=timezone.now())
        from ..models import ScorecardRun
        ScorecardRun.objects.create(month=_month(1), finished_at=timezone.now())
        for url in (reverse("providers:ranking"), reverse("providers:districts"),
                    reverse("providers:provider", args=["p1"])):
            self.assertEqual(self.client.get(url).status_code, 200)


__all__ = ["PASSWORD"]
