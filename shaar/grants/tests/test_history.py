"""Past grants imported from the city's records: checked first, then public as decided
calls with their awards."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied

from shaar.grants import actions
from shaar.grants.history import COLUMNS
from shaar.grants.models import ApplicantProfile, Award, Call
from shaar.lib.tabular import RowsRefused, read_file
from shaar.testing import csv_upload

from .factories import GrantsTestCase, make_call, make_profile


class PastGrantTests(GrantsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.row = {"call_code": "youth-2023", "call_title_ru": "Молодёжь 2023", "year": "2023",
                    "organisation": "ОФ «Жашыл шаар»", "registration_number": "12345-3301-ОФ",
                    "project_title": "Сквер во дворе", "district": self.district.name_ru,
                    "requested": "300 000", "awarded": "250000",
                    "agreement_number": "Г-17", "project_start": "01.04.2023",
                    "project_end": "2023-10-31", "completed": "да"}

    def _import(self, rows, by=None) -> int:
        header, parsed, _format = read_file(csv_upload(COLUMNS, rows), "grants.csv")
        return actions.past_grants_import(header=header, rows=list(parsed), by=by or self.admin)

    def test_it_creates_decided_calls_with_their_awards(self) -> None:
        existing = make_profile(self.resident, name="Existing NGO")
        self._import([self.row, {**self.row, "organisation": "Другая группа",
                                 "registration_number": "", "awarded": "50000",
                                 "requested": "", "completed": "нет"},
                      {**self.row, "organisation": existing.legal_name,
                       "registration_number": "", "awarded": "10000"}])
        call = Call.objects.get(code="youth-2023")
        self.assertEqual(call.status, Call.Status.DECIDED)
        self.assertEqual(call.title_en, "Молодёжь 2023")
        self.assertEqual(call.envelope, 310_000)
        awards = {a.application.profile.legal_name: a for a in
                  Award.objects.select_related("application__profile")}
        self.assertEqual(awards["ОФ «Жашыл шаар»"].status, Award.Status.CLOSED)
        self.assertEqual(awards["ОФ «Жашыл шаар»"].application.requested_amount, 300_000)
        self.assertEqual(awards["Другая группа"].status, Award.Status.ACTIVE)
        self.assertEqual(awards[existing.legal_name].application.profile, existing)
        self.assertEqual(ApplicantProfile.objects.count(), 3)

    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        make_call(code="open-call")
        rows = [self.row, {**self.row, "awarded": "много", "district": "Луна",
                                 "registration_number": "999"},
                {**self.row, "call_code": "open-call"}, self.row]
        with self.assertRaises(RowsRefused) as caught:
            self._import(rows)
        self.assertEqual({(e.row, e.column) for e in caught.exception.errors},
                         {(3, "awarded"), (3, "district"), (4, "call_code"),
                          (5, "organisation")})
        self.assertFalse(Call.objects.filter(code="youth-2023").exists())

    def test_it_is_for_grants_managers_only(self) -> None:
        with self.assertRaises(PermissionDenied):
            self._import([self.row], by=self.official)


    def test_it_has_a_management_command_and_a_console_upload(self) -> None:
        import tempfile
        from pathlib import Path

        from django.core.management import CommandError, call_command
        from django.urls import reverse

        from shaar.console.models import ImportJob
        from shaar.console.tests.factories import import_through_console, upload_import

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "grants.csv"
            path.write_bytes(csv_upload(COLUMNS, [{**self.row, "organisation": "Другая группа",
                                          "registration_number": "777"}]))
            with self.assertRaises(CommandError):
                call_command("import_past_grants", str(path), "--by", self.official.email,
                             verbosity=0)
            call_command("import_past_grants", str(path), "--by", self.admin.email,
                         verbosity=0, stdout=io.StringIO())
        self.assertEqual(Award.objects.count(), 1)
        self.client.force_login(self.admin)
        template = self.client.get(reverse("console:import-template", args=["grants"]))
        import_through_console(self, "grants", template.content, "grants.csv")
        self.assertEqual(Award.objects.count(), 2)
        # The same file again is refused row by row, not imported twice.
        upload_import(self, "grants", template.content, "grants.csv")
        self.assertEqual(ImportJob.objects.latest("pk").status, ImportJob.Status.REFUSED)
