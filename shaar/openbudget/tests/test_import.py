from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import IntegrityError

from shaar.lib.tabular import RowsRefused
from shaar.openbudget import actions
from shaar.openbudget.exports import line_row
from shaar.openbudget.loaders import load_bytes
from shaar.openbudget.models import AdminUnit, BudgetLine, BudgetVersion, FiscalYear
from shaar.testing import EnglishTestCase, refused_command

from .factories import (
    HEADER,
    csv_bytes,
    import_rows,
    line,
    make_unit,
    revenue,
    xlsx_bytes,
)


def import_file(data: bytes, name: str, year: int = 2025) -> BudgetVersion:
    loaded = load_bytes(data, name)
    return actions.budget_import(year=year, header=loaded.header, rows=loaded.rows,
                                 source=loaded.source, source_name=name)


class BadRowTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit("education")

    def assert_rejected(self, rows, expected: list[tuple[int, str, str]]) -> None:
        """Every expected (row, column, words) is reported, and nothing is imported."""
        with self.assertRaises(RowsRefused) as caught:
            import_file(csv_bytes(rows), "budget.csv")
        reported = [(e.row, e.column, e.reason) for e in caught.exception.errors]
        for row, column, words in expected:
            self.assertTrue(any(r == row and c == column and words in reason
                                for r, c, reason in reported),
                            f"row {row} {column} '{words}' not in {reported}")
        self.assertEqual(len(reported), len(expected), reported)
        self.assertFalse(FiscalYear.objects.exists())
        self.assertFalse(BudgetLine.objects.exists())

    def test_it_reports_an_unknown_cofog_code_with_its_row(self) -> None:
        self.assert_rejected([line(), line(cofog="799", economic_code="2")],
                             [(3, "cofog", "unknown COFOG code")])

    def test_it_reports_a_non_numeric_amount(self) -> None:
        self.assert_rejected([line(approved="12abc")], [(2, "approved", "not a number")])

    def test_it_reports_a_negative_amount(self) -> None:
        self.assert_rejected([line(), line(economic_code="2", executed="-5")],
                             [(3, "executed", "negative")])

    def test_it_reports_a_duplicate_line_and_points_to_the_first(self) -> None:
        self.assert_rejected([line(), revenue(), line(name_en="Again")],
                             [(4, "economic_code", "duplicate line")])
        with self.assertRaises(RowsRefused) as caught:
            import_file(csv_bytes([line(), line()]), "b.csv")
        self.assertIn("row 2", caught.exception.errors[0].reason)

    def test_it_reports_a_missing_name(self) -> None:
        self.assert_rejected([line(name_ky=""), line(economic_code="2", name_ru=" ")],
                             [(2, "name_ky", "missing name"), (3, "name_ru", "missing name")])

    def test_it_reports_an_unknown_unit_and_missing_function(self) -> None:
        self.assert_rejected([line(admin_unit="nowhere"), line(economic_code="9", cofog="")],
                             [(2, "admin_unit", "unknown administrative unit"),
                              (3, "cofog", "missing COFOG code")])

    def test_it_reports_every_bad_row_not_just_the_first(self) -> None:
        self.assert_rejected(
            [line(approved="x"), line(economic_code="3", cofog="1234"), line(economic_code="4"),
             line(economic_code="5", approved="1.234")],
            [(2, "approved", "not a number"), (3, "cofog", "unknown COFOG code"),
             (5, "approved", "more than two decimal places")])

    def test_it_reports_missing_and_unknown_columns_on_row_one(self) -> None:
        header = [c for c in HEADER if c != "revised"] + ["aproved"]
        with self.assertRaises(RowsRefused) as caught:
            import_file(csv_bytes([line()], header=header), "b.csv")
        reported = {(e.row, e.column) for e in caught.exception.errors}
        self.assertEqual(reported, {(1, "revised"), (1, "aproved")})

    def test_it_checks_that_quarters_add_up_to_executed(self) -> None:
        self.assert_rejected([line(executed="100", executed_q1="40", executed_q2="50")],
                             [(2, "executed", "add up to 90")])

    def test_the_row_numbers_match_the_spreadsheet_even_after_blank_rows(self) -> None:
        data = csv_bytes([line()]) + b",,,,,,,,,,\n" + csv_bytes(
            [line(economic_code="7", approved="-1")]).split(b"\n", 1)[1]
        with self.assertRaises(RowsRefused) as caught:
            import_file(data, "b.csv")
        self.assertEqual([(e.row, e.column) for e in caught.exception.errors], [(4, "approved")])

    def test_the_command_prints_each_problem_and_exits_non_zero(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "budget.csv"
            path.write_bytes(csv_bytes([line(), line(cofog="999", economic_code="8"),
                                        line(economic_code="9", approved="-3")]))
            err = io.StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command("import_budget", str(path), "--year", "2025", "--language", "en",
                             stderr=err,
                             verbosity=0)
        self.assertIn("2 problem(s)", str(caught.exception))
        self.assertIn("Row 3, column “cofog”", err.getvalue())
        self.assertIn("Row 4, column “approved”", err.getvalue())
        self.assertFalse(BudgetLine.objects.exists())

    def test_the_command_line_exits_with_status_one(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "budget.csv"
            path.write_bytes(csv_bytes([line(approved="-1")]))
            # run_from_argv closes the database connections when it ends, which would
            # close the test's own connection on PostgreSQL.
            with self.assertRaises(SystemExit) as caught, \
                    mock.patch("sys.stderr", io.StringIO()) as stderr, \
                    mock.patch("django.core.management.base.connections.close_all"):
                execute_from_command_line(["manage.py", "import_budget", str(path),
                                           "--year", "2025", "--no-progress"])
        self.assertEqual(caught.exception.code, 1)
        self.assertIn("nothing was imported", stderr.getvalue())
        self.assertFalse(FiscalYear.objects.exists())

    def test_the_command_reports_in_the_language_asked_for(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "budget.csv"
            path.write_bytes(csv_bytes([line(name_ky="")]))
            err = refused_command(self, "import_budget", str(path), "--year", "2025",
                                  "--language", "ru", verbosity=0)
        self.assertIn("Строка 2, столбец «name_ky»: нет названия", err)


class FormatTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit("education")
        make_unit("transport")
        self.rows = [
            revenue(),
            line(),
            line(cofog="09.1", economic_code="2221", name_en="Kindergartens",
                 approved="2500000.75", revised="", executed="0"),
            line(cofog="704", economic_code="3112", admin_unit="transport", name_en="Buses",
                 approved="123456789.10", executed_q1="1.5", executed_q2="2", executed="3.5",
                 participation="civic_budget"),
        ]

    def test_it_gives_the_same_result_from_xlsx_and_csv(self) -> None:
        from_csv = import_file(csv_bytes(self.rows), "budget.csv", year=2024)
        from_xlsx = import_file(xlsx_bytes(self.rows), "budget.xlsx", year=2025)
        self.assertEqual(from_xlsx.source, "xlsx")
        self.assertEqual([line_row(x) for x in from_csv.lines.order_by("row_number")],
                         [line_row(x) for x in from_xlsx.lines.order_by("row_number")])
        kindergarten = from_xlsx.lines.get(economic_code="2221")
        self.assertEqual(kindergarten.cofog, "7091")
        self.assertEqual(kindergarten.approved, Decimal("2500000.75"))
        self.assertIsNone(kindergarten.revised)

    def test_it_reads_semicolons_and_decimal_commas_from_a_russian_excel(self) -> None:
        rows = [line(approved="1 234 567,89", revised="", executed="")]
        data = csv_bytes(rows, delimiter=";").decode().encode("cp1251")
        version = import_file(data, "budget.csv")
        only = version.lines.get()
        self.assertEqual(only.approved, Decimal("1234567.89"))
        self.assertEqual(only.name_ru, "Школы")

    def test_it_refuses_a_file_that_is_not_a_spreadsheet(self) -> None:
        from shaar.lib.tabular import FileFormatError

        with self.assertRaises(FileFormatError):
            load_bytes(b"PK\x03\x04garbage", "budget.xlsx")


class ReimportTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit("education")

    def test_it_replaces_a_year_and_keeps_the_previous_version(self) -> None:
        first = import_rows(2025, [line(approved="100")])
        second = import_rows(2025, [line(approved="200"), line(economic_code="2", approved="1")])
        first.refresh_from_db()
        self.assertFalse(first.is_current)
        self.assertTrue(second.is_current)
        self.assertEqual(second.number, 2)
        self.assertEqual(FiscalYear.objects.get(year=2025).current_version, second)
        self.assertEqual(second.previous, first)
        self.assertEqual(first.lines.get().approved, Decimal("100.00"))
        self.assertEqual(second.lines.count(), 2)

    def test_a_bad_reimport_leaves_the_current_version_untouched(self) -> None:
        first = import_rows(2025, [line(approved="100")])
        with self.assertRaises(RowsRefused):
            import_rows(2025, [line(approved="oops")])
        first.refresh_from_db()
        self.assertTrue(first.is_current)
        self.assertEqual(BudgetVersion.objects.count(), 1)

    def test_a_failure_while_writing_rolls_the_whole_import_back(self) -> None:
        first = import_rows(2025, [line(approved="100")])
        many = [line(economic_code=str(1000 + i)) for i in range(actions.BATCH_SIZE + 10)]
        real_bulk_create = BudgetLine.objects.bulk_create
        calls = []

        def failing_bulk_create(objs, *args, **kwargs):
            calls.append(len(objs))
            if len(calls) == 2:
                raise IntegrityError("disk full")
            return real_bulk_create(objs, *args, **kwargs)

        patch = mock.patch.object(BudgetLine.objects, "bulk_create",
                                  side_effect=failing_bulk_create)
        with patch, \
                self.assertRaises(IntegrityError):
            import_rows(2025, many)
        self.assertEqual(calls, [actions.BATCH_SIZE, 10])
        first.refresh_from_db()
        self.assertTrue(first.is_current)
        self.assertEqual(BudgetVersion.objects.count(), 1)
        self.assertEqual(BudgetLine.objects.count(), 1)

    def test_the_command_imports_with_execution_date_and_population(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "budget.xlsx"
            path.write_bytes(xlsx_bytes([line(), revenue()]))
            out = io.StringIO()
            call_command("import_budget", str(path), "--year", "2025", "--executed-on",
                         "2025-06-30", "--population", "1000", stdout=out, stderr=io.StringIO())
        version = BudgetVersion.objects.get()
        self.assertIn("Imported 2 lines as version 1 of 2025", out.getvalue())
        self.assertEqual(str(version.executed_on), "2025-06-30")
        self.assertEqual(version.fiscal_year.population, 1000)


class TemplateTests(EnglishTestCase):
    def test_the_template_offered_to_staff_imports_cleanly(self) -> None:
        from shaar.city import demo as city_demo

        city_demo.seed()
        template = (Path(__file__).resolve().parent.parent / "static" / "openbudget"
                    / "budget-template.csv")
        version = import_file(template.read_bytes(), template.name, year=2026)
        self.assertEqual(version.line_count, 3)
        self.assertEqual(version.lines.filter(participation="civic_budget").count(), 1)


UNIT_HEADER = [*HEADER, "admin_unit_name_ky", "admin_unit_name_ru", "admin_unit_name_en"]


class AdministrativeUnitTests(EnglishTestCase):
    """A new city's file names units the city does not have yet, or names them."""

    def test_it_creates_units_from_their_names_in_three_languages(self) -> None:
        names = {"admin_unit_name_ky": "Билим берүү башкармалыгы",
                 "admin_unit_name_ru": "Управление образования",
                 "admin_unit_name_en": "Education Department"}
        rows = [line(admin_unit="edu", **names),
                line(admin_unit="", economic_code="2112", **names),
                line(admin_unit="", economic_code="2113", admin_unit_name_ky="",
                     admin_unit_name_ru="Управление здравоохранения", admin_unit_name_en="")]
        for data, name in ((csv_bytes(rows, UNIT_HEADER), "budget.csv"),
                           (xlsx_bytes(rows, UNIT_HEADER), "budget.xlsx")):
            with self.subTest(name):
                version = import_file(data, name)
                units = {line.admin_unit.code: line.admin_unit
                         for line in version.lines.select_related("admin_unit")
                         if line.admin_unit is not None}
                self.assertEqual(len(units), 2)
                self.assertEqual(units["edu"].name_ru, "Управление образования")
                health = next(unit for code, unit in units.items() if code != "edu")
                self.assertEqual(health.name_ru, "Управление здравоохранения")
                self.assertTrue(health.code.startswith("unit-"))

    def test_it_matches_existing_units_by_name_in_any_language(self) -> None:
        make_unit("education", name_ru="Управление образования")
        rows = [line(admin_unit="Управление образования"),
                line(admin_unit="education en", economic_code="2112"),
                line(admin_unit="", economic_code="2113",
                     admin_unit_name_ru="управление образования")]
        version = import_file(csv_bytes(rows, UNIT_HEADER), "budget.csv")
        self.assertEqual({line.admin_unit.code if line.admin_unit else None
                          for line in version.lines.all()}, {"education"})
        self.assertEqual(AdminUnit.objects.count(), 1)

    def test_it_still_reports_an_unknown_code_without_names(self) -> None:
        with self.assertRaises(RowsRefused) as caught:
            import_file(csv_bytes([line(admin_unit="nowhere")], UNIT_HEADER), "budget.csv")
        self.assertEqual([(e.row, e.column) for e in caught.exception.errors],
                         [(2, "admin_unit")])
        self.assertFalse(AdminUnit.objects.exists())
