from __future__ import annotations

import io
from unittest import mock

from django.test import override_settings

from shaar.openbudget.models import BudgetLine, BudgetVersion, FiscalYear
from shaar.testing import BaseTestCase, first, search

from .factories import csv_bytes, line, seed_sample_budget


class PublicPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_sample_budget()

    def test_it_shows_the_latest_year_in_every_language(self) -> None:
        for language, words in (("en", "Of every 100 som"), ("ru", "Из каждых 100 сом"),
                                ("ky", "100 сомдун")):
            response = self.client.get(f"/{language}/city-budget/")
            self.assertEqual(response.status_code, 200, language)
            html = response.content.decode()
            self.assertIn(words, html, language)
            self.assertIn('data-source="chart-spending"', html)
            self.assertIn('id="chart-spending"', html)
            self.assertIn("sample-tag", html)
            self.assertNotIn("<script>", html)  # data only through json_script
            self.assertNotIn(" style=", html)

    def test_the_drill_down_pages_work(self) -> None:
        html = self.client.get("/en/city-budget/2026/").content.decode()
        self.assertIn("/en/city-budget/2026/function/709/", html)
        function = self.client.get("/en/city-budget/2026/function/709/")
        self.assertEqual(function.status_code, 200)
        self.assertContains(function, "School salaries")
        self.assertContains(function, "/en/city-budget/2026/unit/education/")
        unit = self.client.get("/en/city-budget/2026/unit/education/")
        self.assertContains(unit, "Kindergarten salaries")
        key = search(r"/en/city-budget/line/([0-9a-f]+)/", function.content.decode())[1]
        history = self.client.get(f"/en/city-budget/line/{key}/")
        self.assertEqual(history.status_code, 200)
        for year in ("2024", "2025", "2026"):
            self.assertContains(history, f"/en/city-budget/{year}/")

    def test_the_pages_name_the_function_without_the_cofog_acronym(self) -> None:
        plain = {"ky": ("Акча эмнеге жумшалат", "Функциянын коду 7092"),
                 "ru": ("на что идут деньги", "Код функции 7092"),
                 "en": ("what the money is for", "Function code 7092")}
        for language, (intro, code) in plain.items():
            year = self.client.get(f"/{language}/city-budget/2026/").content.decode()
            function = self.client.get(f"/{language}/city-budget/2026/function/709/"
                                        ).content.decode()
            self.assertIn(intro, year, language)
            self.assertIn(code, function, language)
            for acronym in ("COFOG", "КФОГ"):
                self.assertNotIn(acronym, year + function, language)

    def test_it_shows_what_changed_between_versions(self) -> None:
        response = self.client.get("/en/city-budget/2026/changes/")
        self.assertContains(response, "Version 2 compared with version 1")
        self.assertContains(response, "?version=1")
        old = self.client.get("/en/city-budget/2026/data.csv?version=1")
        self.assertEqual(old.status_code, 200)

    def test_bad_years_codes_and_versions_are_404(self) -> None:
        for url in ["/en/city-budget/1999/", "/en/city-budget/2026/function/799/",
                    "/en/city-budget/2026/function/7/", "/en/city-budget/2026/unit/nowhere/",
                    "/en/city-budget/line/0000/", "/en/city-budget/2026/data.csv?version=9",
                    "/en/city-budget/2026/data.csv?version=x", "/en/city-budget/1999/print/",
                    "/api/v1/openbudget/years/1999/summary"]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_pages_accept_only_get(self) -> None:
        self.assertEqual(self.client.post("/en/city-budget/2026/").status_code, 405)

    def test_the_print_glossary_take_part_and_data_pages_render(self) -> None:
        for language in ("ky", "ru", "en"):
            for path in ("2026/print/", "glossary/", "take-part/", "data/"):
                response = self.client.get(f"/{language}/city-budget/{path}")
                self.assertEqual(response.status_code, 200, (language, path))
        printable = self.client.get("/en/city-budget/2026/print/")
        self.assertContains(printable, "openbudget/print.css")
        self.assertContains(printable, "data-print")

    def test_the_years_api_lists_each_year_with_downloads(self) -> None:
        data = self.client.get("/api/v1/openbudget/years/").json()
        self.assertEqual([y["year"] for y in data], [2026, 2025, 2024])
        self.assertEqual(data[0]["version"], 2)
        self.assertTrue(all(y["is_sample"] for y in data))
        for entry in data:
            for key in ("csv_url", "json_url", "fdp_url", "summary_url"):
                self.assertEqual(self.client.get(entry[key]).status_code, 200, entry[key])

    def test_the_year_page_does_a_bounded_number_of_queries(self) -> None:
        self.client.get("/en/city-budget/2026/")  # warm the summary cache
        with self.assertNumQueries(6):
            self.client.get("/en/city-budget/2026/")

    def test_the_home_page_has_a_budget_card(self) -> None:
        self.assertContains(self.client.get("/en/"), "/en/city-budget/2026/")


class EmptySiteTests(BaseTestCase):
    def test_the_index_works_before_any_import(self) -> None:
        self.assertContains(self.client.get("/en/city-budget/"), "has not published")
        self.assertEqual(self.client.get("/api/v1/openbudget/years/").json(), [])


class AdminUploadTests(BaseTestCase):
    url = "/en/admin/openbudget/fiscalyear/upload/"

    def setUp(self) -> None:
        super().setUp()
        from .factories import make_unit

        make_unit("education")

    def upload(self, data: bytes, name: str = "budget.csv", year: str = "2025"):
        upload = io.BytesIO(data)
        upload.name = name
        return self.client.post(self.url, {"year": year, "file": upload})

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)

    def test_staff_without_the_city_admin_role_are_refused(self) -> None:
        self.official.is_staff = True
        self.official.save()
        self.client.force_login(self.official)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.upload(csv_bytes([line()])).status_code, 403)
        self.assertFalse(FiscalYear.objects.exists())

    def test_a_city_admin_sees_every_bad_row_and_nothing_is_imported(self) -> None:
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.upload(csv_bytes([line(), line(economic_code="2", approved="-1"),
                                          line(economic_code="3", cofog="888")]))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "2 problems found", status_code=400)
        self.assertContains(response, "negative amount", status_code=400)
        self.assertContains(response, "<td>3</td><td>approved</td>", status_code=400)
        self.assertContains(response, "<td>4</td><td>cofog</td>", status_code=400)
        self.assertFalse(BudgetLine.objects.exists())

    def test_a_city_admin_imports_a_good_file(self) -> None:
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        response = self.upload(csv_bytes([line()]))
        self.assertEqual(response.status_code, 302)
        version = BudgetVersion.objects.get()
        self.assertEqual(version.imported_by, self.admin)
        self.assertEqual(version.source, "csv")

    def test_a_broken_file_or_bad_year_is_a_400_with_a_message(self) -> None:
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        self.assertEqual(self.upload(b"PK\x03\x04junk", "b.xlsx").status_code, 400)
        self.assertEqual(self.upload(csv_bytes([line()]), year="12").status_code, 400)
        self.assertFalse(FiscalYear.objects.exists())

    @override_settings(LANGUAGE_CODE="ru")
    def test_problems_are_reported_in_the_users_language(self) -> None:
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        self.url = "/ru/admin/openbudget/fiscalyear/upload/"
        response = self.upload(csv_bytes([line(approved="abc")]))
        self.assertContains(response, "не число", status_code=400)




class SectionLinkTests(BaseTestCase):
    """The civic budget and grants are linked only when those sections have pages."""

    def setUp(self) -> None:
        super().setUp()
        seed_sample_budget()

    def test_it_shows_the_figure_without_a_link_when_the_section_has_no_page(self) -> None:
        from shaar.openbudget import views

        with mock.patch.dict(views.SECTION_URLS, {"budgeting": ["budgeting:nothing-here"],
                                                  "grants": ["grants:nothing-here"]}):
            html = self.client.get("/en/city-budget/2026/").content.decode()
        self.assertIn("Civic budget</th>", html)
        self.assertIn("Residents decide directly how", html)

    def test_it_links_the_section_when_its_page_exists(self) -> None:
        from shaar.openbudget import views

        with mock.patch.dict(views.SECTION_URLS, {"budgeting": ["openbudget:take-part"]}):
            html = self.client.get("/en/city-budget/2026/").content.decode()
        self.assertIn('<a href="/en/city-budget/take-part/">Civic budget</a>', html)

    def test_it_does_not_link_an_app_that_is_not_installed(self) -> None:
        vote = '<a class="button" href="/en/budget/">Propose a project or vote</a>'
        self.assertContains(self.client.get("/en/city-budget/take-part/"), vote, html=True)
        # A city that runs without the civic budget: the app is left out of INSTALLED_APPS.
        with self.modify_settings(INSTALLED_APPS={"remove": ["shaar.budgeting"]}):
            page = self.client.get("/en/city-budget/take-part/")
        self.assertNotContains(page, "Propose a project or vote")
        self.assertContains(page, "See open calls")


class AdminPagesTests(BaseTestCase):
    def test_a_city_admin_can_reach_every_budget_admin_page(self) -> None:
        seed_sample_budget()
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)
        index = self.client.get("/en/admin/")
        self.assertContains(index, "/en/admin/openbudget/fiscalyear/")
        changelist = self.client.get("/en/admin/openbudget/fiscalyear/")
        self.assertContains(changelist, "/en/admin/openbudget/fiscalyear/upload/")
        year = FiscalYear.objects.get(year=2026)
        self.assertEqual(
            self.client.get(f"/en/admin/openbudget/fiscalyear/{year.pk}/change/").status_code,
            200)
        for url in ("/en/admin/openbudget/budgetline/", "/en/admin/openbudget/adminunit/",
                    "/en/admin/openbudget/budgetline/?version__fiscal_year__id__exact="
                    f"{year.pk}"):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        line = first(BudgetLine.objects.all())
        # Lines are read-only: a correction is a new import.
        response = self.client.post(f"/en/admin/openbudget/budgetline/{line.pk}/change/",
                                    {"approved": "1"})
        self.assertEqual(response.status_code, 403)
