"""The city runs Shaar itself (issue 25): board members, service levels, routing rules and
the address and district imports, each page guarded, audited and refusing bad input."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shaar.actionplan.models import Attendance, BoardMember, Meeting, city_today
from shaar.actionplan.tests.factories import make_member
from shaar.city.models import Address, City, District
from shaar.feedback.models import RoutingRule
from shaar.feedback.tests.factories import make_category
from shaar.providers.models import ServiceLevel
from shaar.providers.tests.factories import make_level, make_provider
from shaar.testing import make_organisation

from ..models import ImportJob
from .test_views import ConsoleTestCase


class GuardedPages(ConsoleTestCase):
    """Anonymous visitors go to log in; staff without the owning app's permission get 403."""

    def assertGuarded(self, gets: list[str], posts: list[str]) -> None:
        self.client.logout()
        login = reverse("account_login")
        for url in gets + posts:
            response = (self.client.get(url) if url in gets else self.client.post(url, {}))
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(login, response["Location"], url)
        self.client.force_login(self.official)
        for url in gets:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for url in posts:
            self.assertEqual(self.client.post(url, {}).status_code, 403, url)
        self.client.force_login(self.admin)

    def audit_page(self):
        return self.client.get(reverse("console:audit"), {"person": self.admin.email})


class BoardMemberTests(GuardedPages):
    FORM = {"name": "Aida Sultanova", "sector": "non_government", "position": "member",
            "organisation_ky": "Жарандык коом", "organisation_ru": "Гражданское общество",
            "organisation_en": "Civil society", "term_start": "2026-01-01", "term_end": "",
            "email": "", "phone": "", "language": "ky", "account": ""}

    def test_only_plan_managers_open_the_board_pages(self) -> None:
        member = make_member(BoardMember.Sector.GOVERNMENT)
        self.assertGuarded(
            gets=[reverse("console:board"), reverse("console:board-member-new"),
                  reverse("console:board-member", args=[member.pk])],
            posts=[reverse("console:board-member-end", args=[member.pk]),
                   reverse("console:board-member-remove", args=[member.pk])])
        self.assertEqual(self.client.get(reverse("console:board")).status_code, 200)
        for page in ("console:home", "console:plans", "actionplan:board"):
            self.assertContains(self.client.get(reverse(page)), reverse("console:board"))
        self.client.force_login(self.resident)
        self.assertNotContains(self.client.get(reverse("actionplan:board")),
                               reverse("console:board"))

    def test_it_adds_edits_and_ends_a_term_in_the_audit_trail(self) -> None:
        response = self.client.post(reverse("console:board-member-new"),
                                    {**self.FORM, "account": self.outsider.email})
        member = BoardMember.objects.get(name="Aida Sultanova")
        self.assertRedirects(response, reverse("console:board-member", args=[member.pk]))
        self.assertEqual(member.user, self.outsider)
        self.assertContains(self.client.get(reverse("console:board")), "Aida Sultanova")
        response = self.client.post(reverse("console:board-member", args=[member.pk]),
                                    {**self.FORM, "term_end": "2030-12-31",
                                     "position": "co_chair"})
        self.assertEqual(response.status_code, 302)
        member.refresh_from_db()
        self.assertEqual(member.term_end, datetime.date(2030, 12, 31))
        response = self.client.post(reverse("console:board-member-end", args=[member.pk]),
                                    {"on": ""})
        self.assertRedirects(response, reverse("console:board"))
        member.refresh_from_db()
        self.assertEqual(member.term_end, city_today())
        entries = LogEntry.objects.get_for_object(member)
        self.assertEqual(entries.count(), 3)
        self.assertEqual({entry.actor for entry in entries}, {self.admin})
        self.assertContains(self.audit_page(), "Aida Sultanova")

    def test_it_refuses_bad_terms_and_keeps_a_member_with_attendance(self) -> None:
        response = self.client.post(reverse("console:board-member-new"),
                                    {**self.FORM, "term_end": "2025-06-01"})
        self.assertContains(response, "A term cannot end before it starts.", status_code=400)
        response = self.client.post(reverse("console:board-member-new"),
                                    {**self.FORM, "account": "nobody@example.org"})
        self.assertContains(response, "No account has this e-mail or mobile number.",
                            status_code=400)
        self.assertFalse(BoardMember.objects.exists())
        member = make_member(BoardMember.Sector.GOVERNMENT,
                             term_start=datetime.date(2025, 1, 1))
        response = self.client.post(reverse("console:board-member-end", args=[member.pk]),
                                    {"on": "2024-12-31"})
        self.assertContains(response, "A term cannot end before it starts.", status_code=400)
        meeting = Meeting.objects.create(
            title_ky="Жыйын", title_ru="Заседание", title_en="Meeting", location="Hall",
            starts_at=timezone.now() - datetime.timedelta(days=30), agenda_ky="-",
            agenda_ru="-", agenda_en="-")
        Attendance.objects.create(meeting=meeting, member=member)
        response = self.client.post(reverse("console:board-member-remove", args=[member.pk]))
        self.assertContains(response, "end their term instead", status_code=400)
        self.assertTrue(BoardMember.objects.filter(pk=member.pk).exists())
        # One entered by mistake (no attendance) is removed, and the trail says so.
        mistake = make_member(BoardMember.Sector.GOVERNMENT)
        response = self.client.post(reverse("console:board-member-remove", args=[mistake.pk]))
        self.assertRedirects(response, reverse("console:board"))
        self.assertFalse(BoardMember.objects.filter(pk=mistake.pk).exists())
        self.assertEqual(LogEntry.objects.get_for_object(mistake).get(
            action=LogEntry.Action.DELETE).actor, self.admin)


class ServiceLevelTests(GuardedPages):
    def setUp(self) -> None:
        super().setUp()
        self.provider = make_provider("tazalyk", categories=("waste-uncollected",))

    def form(self, **extra) -> dict:
        return {"provider": self.provider.pk, "category_code": "waste-uncollected",
                "acknowledge_hours": "6", "resolve_hours": "24", "valid_from": "",
                "note": "New contract", **extra}

    def test_only_city_administrators_set_service_levels(self) -> None:
        level = make_level(self.provider, "waste-uncollected", 12, 48)
        self.assertGuarded(
            gets=[reverse("console:levels"), reverse("console:level-new")],
            posts=[reverse("console:level-withdraw", args=[level.pk])])
        self.assertContains(self.client.get(reverse("console:home")),
                            reverse("console:levels"))

    def test_it_sets_changes_and_withdraws_levels_in_the_audit_trail(self) -> None:
        old = make_level(self.provider, "waste-uncollected", 12, 48)
        page = self.client.get(reverse("console:level-new"), {"from": old.pk})
        self.assertContains(page, 'value="12.0"')
        response = self.client.post(reverse("console:level-new"), self.form())
        self.assertRedirects(response, reverse("console:levels"))
        level = ServiceLevel.objects.exclude(pk=old.pk).get()
        self.assertEqual(level.acknowledge_hours, Decimal("6.0"))
        self.assertEqual(LogEntry.objects.get_for_object(level).get().actor, self.admin)
        old.refresh_from_db()  # the earlier level stays in the history
        later = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
        self.client.post(reverse("console:level-new"), self.form(valid_from=later))
        planned = ServiceLevel.objects.latest("valid_from")
        self.assertContains(self.client.get(reverse("console:levels")), "planned")
        response = self.client.post(reverse("console:level-withdraw", args=[planned.pk]))
        self.assertRedirects(response, reverse("console:levels"))
        self.assertFalse(ServiceLevel.objects.filter(pk=planned.pk).exists())
        deleted = LogEntry.objects.get_for_object(planned).get(action=LogEntry.Action.DELETE)
        self.assertEqual(deleted.actor, self.admin)
        self.assertContains(self.audit_page(), "tazalyk")

    def test_it_refuses_bad_targets_with_a_message(self) -> None:
        cases = [
            ({"acknowledge_hours": "0"}, "greater than or equal to 0.5"),
            ({"acknowledge_hours": "48", "resolve_hours": "12"},
             "The time to resolve cannot be shorter than the time to acknowledge."),
            ({"acknowledge_hours": "abc"}, "Enter a number"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                response = self.client.post(reverse("console:level-new"), self.form(**extra))
                self.assertContains(response, message, status_code=400)
        other = make_provider("suu", categories=("water-leak",))
        response = self.client.post(reverse("console:level-new"),
                                    self.form(provider=other.pk))
        self.assertContains(response, "This provider does not handle this category.",
                            status_code=400)
        self.assertFalse(ServiceLevel.objects.exists())
        in_force = make_level(self.provider, "waste-uncollected", 12, 48)
        response = self.client.post(reverse("console:level-withdraw", args=[in_force.pk]))
        self.assertContains(response, "already in force", status_code=400)
        self.assertTrue(ServiceLevel.objects.filter(pk=in_force.pk).exists())


class RoutingRuleTests(GuardedPages):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("potholes")
        self.organisation = make_organisation("roads-co")

    def test_only_category_managers_edit_routing(self) -> None:
        rule = RoutingRule.objects.create(category=self.category, department=self.department)
        self.assertGuarded(
            gets=[reverse("console:reference", args=["routing"]),
                  reverse("console:reference-new", args=["routing"]),
                  reverse("console:reference-edit", args=["routing", rule.pk])],
            posts=[reverse("console:reference-remove", args=["routing", rule.pk])])
        self.assertContains(self.client.get(reverse("console:home")),
                            reverse("console:reference", args=["routing"]))

    def test_it_creates_changes_and_removes_a_rule_in_the_audit_trail(self) -> None:
        new = reverse("console:reference-new", args=["routing"])
        response = self.client.post(new, {"category": self.category.pk, "district": "",
                                          "department": self.department.pk})
        self.assertRedirects(response, reverse("console:reference", args=["routing"]))
        rule = RoutingRule.objects.get()
        self.client.post(new, {"category": self.category.pk, "district": self.district.pk,
                               "organisation": self.organisation.pk})
        self.assertEqual(RoutingRule.objects.count(), 2)
        page = self.client.get(reverse("console:reference", args=["routing"]))
        self.assertContains(page, str(self.organisation))
        response = self.client.post(reverse("console:reference-edit", args=["routing", rule.pk]),
                                    {"category": self.category.pk, "district": "",
                                     "organisation": self.organisation.pk})
        self.assertEqual(response.status_code, 302)
        rule.refresh_from_db()
        self.assertEqual((rule.department, rule.organisation), (None, self.organisation))
        remove = reverse("console:reference-remove", args=["routing", rule.pk])
        page = self.client.get(reverse("console:reference-edit", args=["routing", rule.pk]))
        self.assertContains(page, f'action="{remove}"')
        response = self.client.post(remove)
        self.assertRedirects(response, reverse("console:reference", args=["routing"]))
        self.assertEqual(RoutingRule.objects.count(), 1)
        entries = LogEntry.objects.get_for_object(rule)
        self.assertEqual([e.action for e in entries.order_by("pk")],
                         [LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                          LogEntry.Action.DELETE])
        self.assertEqual({entry.actor for entry in entries}, {self.admin})
        self.assertContains(self.audit_page(), "potholes")

    def test_it_refuses_two_targets_no_target_and_a_second_rule(self) -> None:
        new = reverse("console:reference-new", args=["routing"])
        both = {"category": self.category.pk, "department": self.department.pk,
                "organisation": self.organisation.pk}
        for data in (both, {"category": self.category.pk}):
            response = self.client.post(new, data)
            self.assertContains(response, "Choose either a department or an organisation",
                                status_code=400)
        RoutingRule.objects.create(category=self.category, department=self.department)
        response = self.client.post(new, {"category": self.category.pk,
                                          "organisation": self.organisation.pk})
        self.assertContains(response, "This category already has a city-wide rule.",
                            status_code=400)
        RoutingRule.objects.create(category=self.category, district=self.district,
                                   department=self.department)
        response = self.client.post(new, {"category": self.category.pk,
                                          "district": self.district.pk,
                                          "organisation": self.organisation.pk})
        self.assertContains(response, "This category already has a rule for this district.",
                            status_code=400)
        self.assertEqual(RoutingRule.objects.count(), 2)


def _square(code: str, west: float, **properties) -> dict:
    ring = [[west, 40.0], [west + 0.01, 40.0], [west + 0.01, 40.01], [west, 40.01],
            [west, 40.0]]
    return {"type": "Feature", "properties": {"code": code, **properties},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


class CityImportTests(GuardedPages):
    def _upload(self, kind: str, data: bytes, name: str, **extra):
        return self.client.post(reverse("console:import", args=[kind]),
                                {"file": SimpleUploadedFile(name, data), **extra})

    def _confirm(self, job: ImportJob) -> ImportJob:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("console:import-job", args=[job.pk]))
        job.refresh_from_db()
        return job

    def test_only_city_managers_import_addresses_and_districts(self) -> None:
        gets = [reverse(name, args=[kind]) for kind in ("addresses", "districts")
                for name in ("console:import", "console:import-template")]
        self.assertGuarded(gets=gets, posts=[])
        home = self.client.get(reverse("console:home"))
        self.assertContains(home, reverse("console:import", args=["addresses"]))
        self.assertContains(home, reverse("console:import", args=["districts"]))

    def test_its_address_template_starts_from_the_citys_own_data(self) -> None:
        city = City.current()
        empty = self.client.get(reverse("console:import-template", args=["addresses"]))
        self.assertEqual(empty["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f"{city.map_center_lat},{city.map_center_lon}", empty.content.decode())
        districts = self.client.get(reverse("console:import-template", args=["districts"]))
        feature = json.loads(districts.content)["features"][0]
        self.assertEqual(feature["properties"]["code"], self.district.code)

    def test_it_imports_the_address_register_from_its_template(self) -> None:
        Address.objects.create(street_ky="Чүй проспекти", street_ru="проспект Чуй",
                               street_en="Chui Avenue", house_number="120", lat=42.8765,
                               lon=74.6042, search_key=" чуй", house_key="120")
        template = self.client.get(reverse("console:import-template", args=["addresses"]))
        self.assertIn("проспект Чуй,Chui Avenue,120", template.content.decode())
        Address.objects.all().delete()
        self._upload("addresses", template.content, "addresses.csv")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.PREVIEW, job.errors)
        self.assertEqual((job.preview["new"], job.preview["updated"]), (1, 0))
        self.assertContains(self.client.get(reverse("console:import-job", args=[job.pk])),
                            "1 addresses: 1 new, 0 updated")
        self.assertFalse(Address.objects.exists())
        job = self._confirm(job)
        self.assertEqual(job.status, ImportJob.Status.DONE, job.result)
        self.assertEqual(job.percent, 100)
        self.assertEqual(Address.objects.get().street_ru, "проспект Чуй")
        self.assertEqual(LogEntry.objects.get_for_object(job).first().actor, self.admin)
        self.assertContains(self.audit_page(), "addresses.csv")

    def test_it_lists_bad_address_rows_and_writes_nothing(self) -> None:
        data = ("street_ru,house_number,lat,lon\nпроспект Чуй,1,42.87,74.6\n"
                "улица Киевская,,north,74.6\n").encode()
        self._upload("addresses", data, "addresses.csv")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.REFUSED)
        self.assertEqual({(e["row"], e["column"]) for e in job.errors},
                         {(3, "house_number"), (3, "lat")})
        page = self.client.get(reverse("console:import-job", args=[job.pk]))
        self.assertContains(page, "not a number", status_code=400)
        self.assertFalse(Address.objects.exists())

    def test_it_imports_district_boundaries_with_a_preview(self) -> None:
        template = self.client.get(reverse("console:import-template", args=["districts"]))
        self.assertIn("geo+json", template["Content-Type"])
        self.assertIn("districts-template.geojson", template["Content-Disposition"])
        data = _collection(
            _square(self.district.code, 80.0),
            _square("sverdlovsky", 80.02, name_ky="Свердлов району",
                    name_ru="Свердловский район", name_en="Sverdlovsky District"))
        self._upload("districts", data, "districts.geojson", approximate="on")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.PREVIEW, job.errors)
        self.assertEqual((job.preview["new"], job.preview["updated"]),
                         (["sverdlovsky"], [self.district.code]))
        self.assertFalse(District.objects.filter(code="sverdlovsky").exists())
        job = self._confirm(job)
        self.assertEqual(job.status, ImportJob.Status.DONE, job.result)
        district = District.objects.get(code="sverdlovsky")
        self.assertTrue(district.boundary_is_approximate)
        self.assertEqual(LogEntry.objects.get_for_object(district).get().actor, self.admin)

    def test_it_refuses_unnamed_new_districts_and_overlaps(self) -> None:
        data = _collection(_square("oktyabrsky", 80.0),
                           _square(self.district.code, 80.005))
        self._upload("districts", data, "districts.geojson")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportJob.Status.REFUSED)
        self.assertEqual({(e["row"], e["column"]) for e in job.errors},
                         {(1, "name_ky"), (1, "name_ru"), (1, "name_en")})
        named = _square("oktyabrsky", 80.0, name_ky="Октябрь", name_ru="Октябрьский",
                        name_en="Oktyabrsky")
        self._upload("districts", _collection(named, _square(self.district.code, 80.005)),
                     "districts.geojson")
        job = ImportJob.objects.latest("pk")
        self.assertEqual(job.status, ImportJob.Status.REFUSED)
        self.assertIn("overlaps district", job.errors[0]["reason"])
        page = self.client.get(reverse("console:import-job", args=[job.pk]))
        self.assertContains(page, "overlaps district", status_code=400)
        self.assertFalse(District.objects.filter(code="oktyabrsky").exists())
        self._upload("districts", _collection(named, _square(self.district.code, 80.005)),
                     "districts.geojson", allow_overlaps="on")
        self.assertEqual(ImportJob.objects.latest("pk").status, ImportJob.Status.PREVIEW)
