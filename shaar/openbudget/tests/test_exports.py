from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.management import call_command

from shaar.openbudget import actions
from shaar.openbudget.exports import line_row, version_csv, version_fdp_zip, version_json
from shaar.openbudget.loaders import load_bytes, load_path
from shaar.openbudget.models import BudgetVersion
from shaar.testing import EnglishTestCase, make_city

from .factories import import_rows, line, make_unit, revenue, seed_sample_budget


def reimport(data: bytes, name: str, year: int) -> BudgetVersion:
    loaded = load_bytes(data, name)
    return actions.budget_import(year=year, header=loaded.header, rows=loaded.rows,
                                 source=loaded.source, executed_on=loaded.executed_on,
                                 population=loaded.population, extra_units=loaded.extra_units)


def rows_of(version: BudgetVersion) -> list[dict[str, str]]:
    return [line_row(x) for x in version.lines.select_related("admin_unit")
            .order_by("row_number")]


class CsvNeutralisationTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit("education")
        self.version = import_rows(2025, [
            line(name_en="=HYPERLINK(\"http://evil\")", name_ru="+7 school",
                 name_ky="-minus", programme="@SUM(A1)"),
            line(economic_code="2", name_en="Plain name", name_ru="Тест", name_ky="Тест"),
        ])

    def test_it_neutralises_cells_that_start_with_formula_characters(self) -> None:
        rows = list(csv.DictReader(io.StringIO(version_csv(self.version))))
        self.assertEqual(rows[0]["name_en"], "'=HYPERLINK(\"http://evil\")")
        self.assertEqual(rows[0]["name_ru"], "'+7 school")
        self.assertEqual(rows[0]["name_ky"], "'-minus")
        self.assertEqual(rows[0]["programme"], "'@SUM(A1)")
        self.assertEqual(rows[1]["name_en"], "Plain name")
        for row in rows:
            for value in row.values():
                self.assertFalse(value.startswith(("=", "+", "-", "@")), value)

    def test_the_public_download_is_neutralised_too(self) -> None:
        response = self.client.get("/en/city-budget/2025/data.csv")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", text)
        self.assertNotIn(",=HYPERLINK", text)
        self.assertIn("attachment", response["Content-Disposition"])

    def test_a_neutralised_export_imports_back_to_the_original_text(self) -> None:
        again = reimport(version_csv(self.version).encode(), "again.csv", 2026)
        self.assertEqual(rows_of(again), rows_of(self.version))


class FiscalDataPackageTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit("education", name_en="Education Department")
        make_unit("transport")
        self.version = import_rows(2025, [
            revenue(),
            line(name_en="=evil", approved="1234567.89", revised="1200000.01",
                 executed="700000.5", planned_q1="300000", executed_q1="700000.5"),
            line(cofog="7045", economic_code="3112", admin_unit="transport", revised="",
                 executed="", programme="Safe City", participation="civic_budget"),
        ], executed_on=datetime.date(2025, 9, 30), population=1_234_567)

    def test_the_package_declares_fdp_column_types(self) -> None:
        with zipfile.ZipFile(io.BytesIO(version_fdp_zip(self.version))) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
            self.assertIn("budget.csv", archive.namelist())
        self.assertEqual(descriptor["profile"], "fiscal-data-package")
        fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
        self.assertEqual(fields["cofog"]["columnType"], "functional-classification:cofog:code")
        self.assertEqual(fields["approved"]["columnType"], "value")
        self.assertEqual(fields["revised"]["phase"], "adjusted")
        self.assertEqual(fields["executed"]["type"], "number")
        self.assertEqual(fields["admin_unit"]["columnType"],
                         "administrative-classification:generic:code")
        self.assertEqual(descriptor["model"]["measures"]["approved"]["currency"], "KGS")
        self.assertEqual(descriptor["fiscalPeriod"]["start"], "2025-01-01")

    def test_it_declares_the_citys_country_and_currency(self) -> None:
        city = make_city()
        city.country_code, city.currency = "KZ", "KZT"
        city.save()
        with zipfile.ZipFile(io.BytesIO(version_fdp_zip(self.version))) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
        self.assertEqual((descriptor["countryCode"], descriptor["currency"]), ("KZ", "KZT"))
        self.assertEqual(descriptor["model"]["measures"]["approved"]["currency"], "KZT")
        fields = descriptor["resources"][0]["schema"]["fields"]
        self.assertEqual({f["currency"] for f in fields if "currency" in f}, {"KZT"})
        self.assertEqual(version_json(self.version)["currency"], "KZT")

    def test_it_round_trips_export_then_import_exactly(self) -> None:
        data = version_fdp_zip(self.version)
        again = reimport(data, "fdp.zip", 2025)
        self.assertEqual(again.source, "fdp")
        self.assertEqual(again.number, 2)
        self.assertEqual(rows_of(again), rows_of(self.version))
        self.assertEqual(again.executed_on, datetime.date(2025, 9, 30))
        self.assertEqual(again.fiscal_year.population, 1_234_567)
        # Exported again, the package is the same apart from its version and date.
        with zipfile.ZipFile(io.BytesIO(version_fdp_zip(again))) as a, \
                zipfile.ZipFile(io.BytesIO(data)) as b:
            self.assertEqual(a.read("budget.csv"), b.read("budget.csv"))

    def test_it_round_trips_the_sample_budget_through_the_command(self) -> None:
        seed_sample_budget()
        original = BudgetVersion.objects.get(fiscal_year__year=2026, is_current=True)
        with tempfile.TemporaryDirectory() as tmp:
            package = Path(tmp) / "package"
            package.mkdir()
            archive = Path(tmp) / "budget.zip"
            call_command("export_budget", "2026", "--format", "fdp", "--output", str(archive),
                         stdout=io.StringIO())
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(package)
            loaded = load_path(package / "datapackage.json")
            self.assertEqual(loaded.fiscal_year, 2026)
            call_command("import_budget", str(package / "datapackage.json"), "--year", "2026",
                         "--sample", stdout=io.StringIO(), stderr=io.StringIO())
        again = BudgetVersion.objects.get(fiscal_year__year=2026, is_current=True)
        self.assertEqual(again.number, original.number + 1)
        self.assertEqual(rows_of(again), rows_of(original))
        self.assertEqual(again.executed_on, original.executed_on)

    def test_it_refuses_a_package_for_another_year(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "budget.zip"
            archive.write_bytes(version_fdp_zip(self.version))
            from django.core.management import CommandError

            with self.assertRaises(CommandError):
                call_command("import_budget", str(archive), "--year", "2024",
                             stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(BudgetVersion.objects.count(), 1)

    def test_the_json_download_has_decimal_strings(self) -> None:
        response = self.client.get("/ru/city-budget/2025/data.json")
        data = response.json()
        self.assertEqual(data["fiscal_year"], 2025)
        self.assertEqual(data["lines"][1]["approved"], "1234567.89")
        self.assertEqual(Decimal(data["lines"][1]["executed"]), Decimal("700000.50"))


class ForeignPackageTests(EnglishTestCase):
    """A package made by another tool: columns are found by their FDP column type."""

    def test_it_reads_columns_by_fdp_column_type(self) -> None:
        make_unit("education")
        descriptor = {
            "profile": "fiscal-data-package", "name": "other-tool",
            "fiscalPeriod": {"start": "2025-01-01", "end": "2025-12-31"},
            "resources": [{"name": "spending", "path": "data/spending.csv", "schema": {
                "fields": [
                    {"name": "Direction", "type": "string", "columnType": "direction"},
                    {"name": "Function", "type": "string",
                     "columnType": "functional-classification:cofog:code"},
                    {"name": "Econ", "type": "string",
                     "columnType": "economic-classification:generic:code"},
                    {"name": "Agency", "type": "string",
                     "columnType": "administrative-classification:generic:code"},
                    {"name": "name_ky", "type": "string"},
                    {"name": "name_ru", "type": "string"},
                    {"name": "Budget", "type": "number", "columnType": "value",
                     "phase": "approved"},
                    {"name": "Adjusted", "type": "number", "columnType": "value",
                     "phase": "adjusted"},
                    {"name": "Actual", "type": "number", "columnType": "value",
                     "phase": "executed"},
                    {"name": "Notes", "type": "string"},
                ]}}],
        }
        rows = ("Direction,Function,Econ,Agency,name_ky,name_ru,Budget,Adjusted,Actual,Notes\r\n"
                "expenditure,09.2,2111,education,Мектеп,Школа,100.5,110,90,ignored\r\n")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("pkg/datapackage.json", json.dumps(descriptor))
            archive.writestr("pkg/data/spending.csv", rows)
        version = reimport(buffer.getvalue(), "other.zip", 2025)
        only = version.lines.get()
        self.assertEqual(only.cofog, "7092")
        self.assertEqual(only.approved, Decimal("100.50"))
        self.assertEqual(only.revised, Decimal("110.00"))
        self.assertEqual(only.executed, Decimal("90.00"))
        assert only.admin_unit is not None
        self.assertEqual(only.admin_unit.code, "education")

    def test_it_refuses_a_package_whose_data_path_escapes(self) -> None:
        from shaar.lib.tabular import FileFormatError

        descriptor = {"resources": [{"path": "../../etc/passwd"}]}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("datapackage.json", json.dumps(descriptor))
        with self.assertRaises(FileFormatError):
            load_bytes(buffer.getvalue(), "evil.zip")

    def test_it_refuses_a_package_that_unpacks_too_large(self) -> None:
        from shaar.lib.tabular import FileFormatError
        from shaar.openbudget import exports

        make_unit("education")
        data = version_fdp_zip(import_rows(2025, [line()]))
        with mock.patch.object(exports, "MAX_UNPACKED_BYTES", 100), \
                self.assertRaises(FileFormatError):
            load_bytes(data, "big.zip")
