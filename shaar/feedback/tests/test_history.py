"""Past appeals imported from the city's hotline and e-portal: checked first, then part of
the feedback history and the providers' scorecards, marked as imported."""

from __future__ import annotations

import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

from shaar.city.models import Organisation
from shaar.lib.tabular import RowsRefused, read_file
from shaar.testing import EnglishBaseTestCase, csv_upload, make_organisation

from .. import actions
from ..history import COLUMNS
from ..models import Report, ReportEvent, Status
from .factories import centre, make_category, make_rule


class PastAppealTests(EnglishBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.category = make_category("potholes")
        self.provider = make_organisation("roads", kind=Organisation.Kind.PROVIDER)
        make_rule(self.category, organisation=self.provider)
        lat, lon = centre(self.district)
        self.good = {"date": "2025-03-14 09:30", "channel": "телефон", "category": "POTHOLES RU",
                     "text": "Яма у школы", "lat": str(lat), "lon": str(lon),
                     "status": "resolved", "answer": "Заделана.", "closed_on": "20.03.2025"}

    def _import(self, rows: list[dict]) -> int:
        header, parsed, _format = read_file(csv_upload(COLUMNS, rows), "appeals.csv")
        return actions.appeals_import(header=header, rows=list(parsed), by=self.admin)

    def test_it_imports_appeals_into_the_history_with_their_own_dates(self) -> None:
        count = self._import([self.good, {**self.good, "lat": "", "lon": "",
                                          "district": self.district.name_ru,
                                          "status": "new", "answer": "", "closed_on": "",
                                          "channel": "eportal"}])
        self.assertEqual(count, 2)
        closed = Report.objects.get(status=Status.RESOLVED)
        self.assertTrue(closed.is_imported)
        self.assertEqual(closed.organisation, self.provider)
        self.assertEqual(closed.channel, "phone")
        self.assertEqual(timezone.localtime(closed.created_at).date(), datetime.date(2025, 3, 14))
        self.assertEqual(timezone.localtime(closed.resolved_at).date(), datetime.date(2025, 3, 20))
        self.assertEqual(
            list(closed.events.order_by("created_at").values_list("kind", "to_status")),
            [(ReportEvent.Kind.CREATED, Status.NEW), (ReportEvent.Kind.STATUS, Status.RESOLVED)])
        still_open = Report.objects.get(status=Status.NEW)
        self.assertEqual(still_open.district, self.district)
        self.assertIsNone(still_open.resolved_at)

    def test_it_lists_every_bad_row_and_writes_nothing(self) -> None:
        rows = [self.good,
                {**self.good, "date": "yesterday", "category": "weather"},
                {**self.good, "lat": "", "lon": "", "status": "lost"}]
        with self.assertRaises(RowsRefused) as caught:
            self._import(rows)
        self.assertEqual({(e.row, e.column) for e in caught.exception.errors},
                         {(3, "date"), (3, "category"), (4, "lat"), (4, "status")})
        self.assertFalse(Report.objects.exists())

    def test_it_has_a_management_command(self) -> None:
        path = self.enterContext(self._temporary(csv_upload(COLUMNS, [self.good])))
        call_command("import_appeals", path, verbosity=0, stdout=io.StringIO())
        self.assertEqual(Report.objects.filter(is_imported=True).count(), 1)
        bad = self.enterContext(self._temporary(csv_upload(COLUMNS, [{**self.good, "text": ""}])))
        with self.assertRaises(CommandError):
            call_command("import_appeals", bad, verbosity=0, stderr=io.StringIO())

    @staticmethod
    def _temporary(data: bytes):
        import contextlib
        import tempfile
        from pathlib import Path

        @contextlib.contextmanager
        def file():
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "appeals.csv"
                path.write_bytes(data)
                yield str(path)

        return file()
