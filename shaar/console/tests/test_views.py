"""The console's pages: access, and each change going through the apps' actions."""

from __future__ import annotations

import datetime

from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone, translation

from shaar.accounts.models import RegisterEntry, Role, RoleAssignment
from shaar.budgeting.models import Cycle, Phase, Pool
from shaar.budgeting.tests.factories import make_cycle, make_pool
from shaar.grants.models import Call
from shaar.openbudget.models import AdminUnit, BudgetLine
from shaar.testing import EnglishBaseTestCase, make_pin, make_user

from ..models import ImportJob
from .factories import import_through_console, upload_import

BUDGET_CSV = (
    "direction,cofog,economic_code,admin_unit,admin_unit_name_ky,admin_unit_name_ru,"
    "admin_unit_name_en,programme,name_ky,name_ru,name_en,approved,revised,executed\n"
    "expenditure,7092,2111,schools,Мектептер башкармалыгы,Управление школ,Schools Office,,"
    "Мектептер,Школы,Schools,1000.00,,\n"
    "revenue,,11111100,,,,,,Салык,Налог,Tax,5000.00,,\n").encode()


class ConsoleTestCase(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.admin)


class AccessTests(ConsoleTestCase):
    def test_it_opens_only_for_staff_and_each_section_for_its_role(self) -> None:
        home = reverse("console:home")
        self.client.force_login(self.resident)
        self.assertEqual(self.client.get(home).status_code, 403)
        for name in ("console:cycles", "console:calls", "console:roles", "console:audit",
                     "console:plans"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)
        self.client.force_login(self.official)
        self.assertEqual(self.client.get(home).status_code, 200)
        self.assertEqual(self.client.get(reverse("console:roles")).status_code, 403)
        self.assertEqual(self.client.post(reverse("console:import", args=["budget"]),
                                          {}).status_code, 403)
        self.client.force_login(self.admin)
        for name in ("console:home", "console:cycles", "console:calls", "console:roles",
                     "console:audit", "console:plans", "console:cycle-new", "console:call-new"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
        self.assertEqual(self.client.get(reverse("console:import", args=["nothing"])).status_code,
                         404)

    def test_it_links_the_console_in_the_menu_for_staff_only(self) -> None:
        link = f'href="{reverse("console:home")}"'
        self.assertContains(self.client.get(reverse("web:home")), link)
        self.client.force_login(self.resident)
        self.assertNotContains(self.client.get(reverse("web:home")), link)

    def test_it_sends_a_city_administrator_without_two_factor_to_set_it_up(self) -> None:
        Authenticator.objects.filter(user=self.admin).delete()
        response = self.client.get(reverse("console:home"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/2fa/", response["Location"])


class CycleTests(ConsoleTestCase):
    def test_it_creates_a_cycle_with_two_pools_and_opens_proposals(self) -> None:
        response = self.client.post(reverse("console:cycle-new"), {
            "slug": "pb-2027", "name_ky": "Бюджет 2027", "name_ru": "Бюджет 2027",
            "name_en": "Budget 2027", "is_public": "on"})
        self.assertRedirects(response, reverse("console:cycle", args=["pb-2027"]))
        for district in ("", self.district.pk):
            response = self.client.post(reverse("console:pool-new", args=["pb-2027"]), {
                "district": district, "name_ky": "Пул", "name_ru": "Пул", "name_en": "Pool",
                "budget": "1000000", "ballot_form": "knapsack", "max_projects": "5",
                "rule": "greedy", "accepts_register": "on", "accepts_in_person": "on"})
            self.assertEqual(response.status_code, 302)
        self.assertEqual(Pool.objects.filter(cycle__slug="pb-2027").count(), 2)
        response = self.client.post(reverse("console:cycle-phase", args=["pb-2027"]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Cycle.objects.get(slug="pb-2027").phase, Phase.PROPOSALS)

    def test_it_shows_what_going_back_affects_and_goes_back_only_when_confirmed(self) -> None:
        cycle = make_cycle(Phase.REVIEW)
        make_pool(cycle)
        url = reverse("console:cycle-phase", args=[cycle.slug])
        response = self.client.post(url, {"direction": "back"})
        self.assertContains(response, 'data-testid="confirm-effects"', status_code=400)
        self.assertContains(response, "proposals submitted", status_code=400)
        cycle.refresh_from_db()
        self.assertEqual(cycle.phase, Phase.REVIEW)
        self.client.post(url, {"direction": "back", "confirm": "on",
                               "reason": "Two districts asked for more time"})
        cycle.refresh_from_db()
        self.assertEqual(cycle.phase, Phase.PROPOSALS)
        entry = LogEntry.objects.get_for_object(cycle).order_by("-timestamp").first()
        self.assertEqual(entry.additional_data["reason"], "Two districts asked for more time")
        self.assertEqual(entry.actor, self.admin)

    def test_it_refuses_pool_rules_changed_after_voting_opened(self) -> None:
        cycle = make_cycle(Phase.VOTING)
        pool = make_pool(cycle)
        response = self.client.post(reverse("console:pool", args=[cycle.slug, pool.pk]), {
            "name_ky": "x", "name_ru": "x", "name_en": "x", "budget": "5", "ballot_form":
            "knapsack", "max_projects": "5", "rule": "greedy", "accepts_register": "on",
            "confirm": "on", "reason": "more"})
        self.assertContains(response, "Voting has opened", status_code=400)
        pool.refresh_from_db()
        self.assertEqual(pool.budget, 1_000_000)


class RoleTests(ConsoleTestCase):
    def test_it_assigns_lists_and_removes_a_role(self) -> None:
        newcomer = make_user("rita")
        response = self.client.post(reverse("console:roles"), {
            "account": "rita@example.org", "role": Role.REVIEWER})
        self.assertRedirects(response, reverse("console:roles"))
        assignment = RoleAssignment.objects.get(user=newcomer)
        self.assertContains(self.client.get(reverse("console:roles") + "?role=reviewer"),
                            "rita@example.org")
        self.assertEqual(LogEntry.objects.get_for_object(assignment).get().actor, self.admin)
        response = self.client.post(reverse("console:roles"), {
            "account": "rita@example.org", "role": Role.DEPARTMENT_STAFF})
        self.assertContains(response, "Choose the department", status_code=400)
        self.client.post(reverse("console:role-remove", args=[assignment.pk]))
        self.assertFalse(RoleAssignment.objects.filter(user=newcomer).exists())

    def test_it_keeps_the_last_city_administrator(self) -> None:
        seat = RoleAssignment.objects.get(role=Role.CITY_ADMIN)
        self.client.post(reverse("console:role-remove", args=[seat.pk]))
        self.assertTrue(RoleAssignment.objects.filter(pk=seat.pk).exists())


class ImportTests(ConsoleTestCase):
    def test_it_offers_a_template_that_imports_cleanly(self) -> None:
        response = self.client.get(reverse("console:import-template", args=["budget"]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        response = upload_import(self, "budget", response.content, "template.csv", year=2027)
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.PREVIEW, job.errors)

    def test_it_previews_then_imports_a_budget_with_new_units(self) -> None:
        response = upload_import(self, "budget", BUDGET_CSV, "budget.csv", year=2027)
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("console:import-job", args=[job.pk]))
        page = self.client.get(reverse("console:import-job", args=[job.pk]))
        self.assertContains(page, "Schools Office")
        self.assertFalse(BudgetLine.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("console:import-job", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE, job.result)
        self.assertEqual(job.percent, 100)
        self.assertFalse(job.file)
        self.assertEqual(AdminUnit.objects.get(code="schools").name_ru, "Управление школ")
        self.assertEqual(BudgetLine.objects.count(), 2)
        self.assertEqual(LogEntry.objects.get_for_object(
            AdminUnit.objects.get(code="schools")).get().actor, self.admin)
        page = self.client.get(reverse("console:import-job", args=[job.pk]),
                               headers={"HX-Request": "true"})
        self.assertContains(page, 'value="100"')
        self.assertNotContains(page, "<html")

    def test_a_running_import_polls_its_progress(self) -> None:
        upload_import(self, "budget", BUDGET_CSV, "budget.csv", year=2027)
        job = ImportJob.objects.get()
        with self.captureOnCommitCallbacks(execute=False):  # the worker has not started
            self.client.post(reverse("console:import-job", args=[job.pk]))
        page = self.client.get(reverse("console:import-job", args=[job.pk]))
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, "vendor/htmx/htmx.min.js")  # what does the polling

    def test_it_lists_every_bad_row_in_the_users_language_and_writes_nothing(self) -> None:
        bad = BUDGET_CSV.replace(b"1000.00", b"lots").replace(b"7092", b"9999")
        with translation.override("ru"):
            upload_import(self, "budget", bad, "budget.csv", year=2027)
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.REFUSED)
        self.assertEqual({(e["row"], e["column"]) for e in job.errors},
                         {(2, "cofog"), (2, "approved")})
        self.assertFalse(job.file)
        self.assertFalse(AdminUnit.objects.exists())
        page = self.client.get(reverse("console:import-job", args=[job.pk]))
        self.assertEqual(page.status_code, 400)

    def test_it_refuses_a_file_over_the_import_limit_and_keeps_nothing(self) -> None:
        with self.settings(UPLOAD_MAX_MB={**settings.UPLOAD_MAX_MB, "imports": 1}):
            response = upload_import(self, "budget", BUDGET_CSV + b" " * 1024 * 1024,
                                     "budget.csv", year=2027)
        self.assertContains(response, "The file is larger than 1 MB.", status_code=400)
        self.assertFalse(ImportJob.objects.exists())

    def test_it_imports_past_appeals_from_its_own_template(self) -> None:
        from shaar.feedback.models import Report
        from shaar.feedback.tests.factories import make_category

        make_category("potholes")
        template = self.client.get(reverse("console:import-template", args=["appeals"]))
        import_through_console(self, "appeals", template.content, "appeals.csv")
        report = Report.objects.get()
        self.assertTrue(report.is_imported)
        self.assertEqual(report.district, self.district)

    def test_it_imports_the_residency_register(self) -> None:
        data = (f"pin,birth_year,district\n{make_pin()},1980,{self.district.name_ru}\n"
                f"{make_pin()},1990,{self.district.code}\n").encode()
        upload_import(self, "register", data, "register.csv")
        job = ImportJob.objects.get()
        self.assertEqual(job.preview["rows"], 2)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("console:import-job", args=[job.pk]))
        self.assertEqual(RegisterEntry.objects.count(), 2)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        # Another staff member cannot open someone else's upload.
        self.client.force_login(self.official)
        self.assertEqual(self.client.get(reverse("console:import-job", args=[job.pk])).status_code,
                         403)


class CallTests(ConsoleTestCase):
    def test_it_creates_a_call_with_criteria_and_a_committee_and_publishes_it(self) -> None:
        now = timezone.localtime()
        response = self.client.post(reverse("console:call-new"), {
            "code": "youth-2027", "title_ky": "Жаштар", "title_ru": "Молодёжь",
            "title_en": "Youth", "description_ky": "d", "description_ru": "d",
            "description_en": "d", "envelope": "2000000", "max_per_grant": "200000",
            "allow_ngos": "on", "min_group_residents": "5",
            "opens_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "cofunding_min_percent": "10", "scale_max": "10", "spread_threshold": "3"})
        self.assertRedirects(response, reverse("console:call", args=["youth-2027"]))
        self.client.post(reverse("console:criterion-add", args=["youth-2027"]), {
            "name_ky": "Пайда", "name_ru": "Польза", "name_en": "Benefit", "weight": "2",
            "order": "1"})
        chair = make_user("chair")
        self.client.post(reverse("console:seat-add", args=["youth-2027"]), {
            "account": chair.email, "role": "chair", "side": "city"})
        self.client.post(reverse("console:call-publish", args=["youth-2027"]))
        call = Call.objects.get(code="youth-2027")
        self.assertEqual(call.status, Call.Status.PUBLISHED)
        self.assertEqual(call.committee.get().user, chair)
        page = self.client.get(reverse("console:call", args=["youth-2027"]))
        self.assertContains(page, reverse("grants:call-detail", args=["youth-2027"]))


class AuditTests(ConsoleTestCase):
    def test_it_filters_the_trail_by_person_object_and_date(self) -> None:
        make_cycle(Phase.INFORMATION, slug="mine")
        self.client.post(reverse("console:roles"), {"account": self.outsider.email,
                                                    "role": Role.REVIEWER})
        url = reverse("console:audit")
        page = self.client.get(url, {"person": self.admin.email})
        self.assertContains(page, "reviewer")
        self.assertNotContains(page, "Cycle 1")  # made by a factory: no actor
        page = self.client.get(url, {"person": "nobody@example.org"})
        self.assertContains(page, "No changes match")
        today = timezone.localdate()
        page = self.client.get(url, {"date_from": str(today + datetime.timedelta(days=1))})
        self.assertContains(page, "No changes match")
        page = self.client.get(url, {"date_from": str(today), "date_to": str(today)})
        self.assertContains(page, "reviewer")


    def test_the_trail_reads_in_the_page_language_without_codes(self) -> None:
        self.client.post(reverse("console:roles"), {"account": self.outsider.email,
                                                    "role": Role.REVIEWER})
        entry = LogEntry.objects.get_for_model(RoleAssignment).latest("timestamp")
        for language, created in (("ky", "түзүлдү"), ("ru", "создано")):
            with self.subTest(language), translation.override(language):
                page = self.client.get(reverse("console:audit"), {"person": self.admin.email})
                row = next(r for r in page.context["page"] if r.pk == entry.pk)
                self.assertEqual(str(row.readable_action), created)
                changes = {label: new for label, _old, new in row.readable_changes}
                # the field's name and the choice's label, not "role" and "reviewer"
                self.assertEqual(changes["Роль"], "эксперт")
                self.assertEqual(changes["Роль"], str(Role.REVIEWER.label))
                html = page.content.decode()
                self.assertIn(f"<td>{created}</td>", html)
                for code in ("<td>create</td>", "<code>", "→ None", "None →", "created_at",
                             "→ reviewer"):
                    self.assertNotIn(code, html)


class CriterionFormTests(SimpleTestCase):
    def test_the_criterion_order_is_named_in_the_page_language(self) -> None:
        from ..forms import CriterionForm

        for language, order in (("ky", "Тартиби"), ("ru", "Порядок")):
            with self.subTest(language), translation.override(language):
                html = str(CriterionForm())
                self.assertIn(f">{order}:</label>", html)
                self.assertNotIn(">Order:</label>", html)


    def test_the_reference_forms_e_mail_label_is_russian_in_russian(self) -> None:
        from ..reference import REFERENCES

        with translation.override("ru"):
            html = str(REFERENCES["departments"].form())
        self.assertIn(">Электронная почта:</label>", html)
        self.assertNotIn("E-mail:", html)


class ReferenceTests(ConsoleTestCase):
    def test_it_edits_the_citys_reference_data_through_the_apps_actions(self) -> None:
        from shaar.city.models import City, Department
        from shaar.feedback.models import Category, Question

        for kind in ("districts", "departments", "organisations", "categories"):
            self.assertEqual(self.client.get(reverse("console:reference", args=[kind]))
                             .status_code, 200, kind)
        response = self.client.post(reverse("console:reference-new", args=["departments"]), {
            "code": "water", "name_ky": "Суу", "name_ru": "Вода", "name_en": "Water"})
        self.assertRedirects(response, reverse("console:reference", args=["departments"]))
        department = Department.objects.get(code="water")
        self.assertEqual(LogEntry.objects.get_for_object(department).get().actor, self.admin)
        response = self.client.post(reverse("console:city"), {
            **{f: getattr(City.current(), f) for f in (
                "name_ky", "name_ru", "name_en", "default_language", "currency",
                "country_code", "country_name_en", "population", "time_zone", "map_center_lat",
                "map_center_lon", "map_zoom", "emergency_phone")}, "hotline_phone": "1313"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(City.current().hotline_phone, "1313")
        self.client.post(reverse("console:reference-new", args=["categories"]), {
            "code": "trees", "group": Category._meta.get_field("group").default,
            "name_ky": "Дарактар", "name_ru": "Деревья", "name_en": "Trees", "is_active": "on",
            "order": "5", "target_hours_acknowledge": "24", "target_hours_resolve": "240"})
        category = Category.objects.get(code="trees")
        url = reverse("console:question-new", args=[category.pk])
        response = self.client.post(url, {"code": "kind", "datatype": "singlevaluelist",
                                          "label_ky": "Түрү", "label_ru": "Вид",
                                          "label_en": "Kind", "order": "1",
                                          "choices_text": "fallen; Кулаган; Упало"})
        self.assertContains(response, "three languages", status_code=400)
        self.client.post(url, {"code": "kind", "datatype": "singlevaluelist", "label_ky": "Түрү",
                               "label_ru": "Вид", "label_en": "Kind", "order": "1",
                               "choices_text": "fallen; Кулаган; Упало; Fallen"})
        self.assertEqual(Question.objects.get(category=category).values[0]["name_en"], "Fallen")
        self.client.force_login(self.official)
        self.assertEqual(self.client.get(reverse("console:city")).status_code, 403)
        self.assertEqual(self.client.get(reverse("console:reference", args=["departments"]))
                         .status_code, 403)
