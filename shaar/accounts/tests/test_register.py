from __future__ import annotations

import io
from pathlib import Path
from tempfile import TemporaryDirectory

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models

from shaar.accounts import actions
from shaar.accounts.models import RegisterEntry, Verification
from shaar.accounts.register import read_rows
from shaar.lib.tabular import RowsRefused
from shaar.testing import BaseTestCase, make_pin, make_user, refused_command

PIN_A = "21203199000123"
PIN_B = "11507198500456"


def register_csv(*rows: str) -> str:
    return "pin,birth_year,district\n" + "\n".join(rows) + "\n"


class RegisterImportTests(BaseTestCase):
    def _import(self, text: str):
        return actions.register_import(rows=read_rows(io.StringIO(text)), file_name="r.csv",
                                       uploaded_by=self.admin)

    def test_it_stores_no_pin_anywhere_in_the_database(self) -> None:
        self._import(register_csv(f"{PIN_A},1990,pervomaisky", f"{PIN_B},1985,pervomaisky"))
        self.assertEqual(RegisterEntry.objects.count(), 2)
        with connection.cursor() as cursor:
            for model in apps.get_models():
                text_columns = [f.column for f in model._meta.local_fields
                                if isinstance(f, (models.CharField, models.TextField,
                                                  models.JSONField)) and f.column]
                for column in text_columns:
                    table = connection.ops.quote_name(model._meta.db_table)
                    col = connection.ops.quote_name(column)
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {table} WHERE CAST({col} AS TEXT) LIKE %s "  # noqa: S608
                        f"OR CAST({col} AS TEXT) LIKE %s", [f"%{PIN_A}%", f"%{PIN_B}%"])
                    self.assertEqual(cursor.fetchone()[0], 0, f"{table}.{column} holds a PIN")

    def test_it_reports_every_bad_row_and_imports_nothing(self) -> None:
        text = register_csv(f"{PIN_A},1990,pervomaisky", "123,1990,pervomaisky",
                            f"{PIN_B},19x5,pervomaisky", f"{make_pin()},1980,atlantis",
                            f"{PIN_A},1990,pervomaisky")
        with self.assertRaises(RowsRefused) as ctx:
            self._import(text)
        found = {(e.row, e.column) for e in ctx.exception.errors}
        self.assertEqual(found, {(3, "pin"), (4, "birth_year"), (5, "district"), (6, "pin")})
        self.assertEqual(RegisterEntry.objects.count(), 0)

    def test_it_replaces_the_previous_register(self) -> None:
        self._import(register_csv(f"{PIN_A},1990,pervomaisky"))
        self._import(register_csv(f"{PIN_B},1985,pervomaisky"))
        self.assertEqual(RegisterEntry.objects.count(), 1)

    def test_it_refuses_a_file_without_the_columns(self) -> None:
        with self.assertRaises(ValidationError):
            self._import("personal_number,year\n1,2\n")

    def test_the_command_exits_non_zero_with_the_errors(self) -> None:
        with TemporaryDirectory() as tmp:
            bad = Path(tmp) / "bad.csv"
            bad.write_text(register_csv("nope,1990,pervomaisky"))
            err = refused_command(self, "import_register", str(bad), verbosity=0, language="en")
            self.assertIn("Row 2, column “pin”", err)
            err = refused_command(self, "import_register", str(bad), verbosity=0, language="ru")
            self.assertIn("Строка 2, столбец «pin»", err)
            good = Path(tmp) / "good.csv"
            good.write_text(register_csv(f"{PIN_A},1990,pervomaisky"))
            out = io.StringIO()
            call_command("import_register", str(good), stdout=out, verbosity=0)
        self.assertIn("Imported 1", out.getvalue())

    def test_the_admin_upload_needs_a_city_administrator(self) -> None:
        url = "/en/admin/accounts/registerimport/upload/"
        self.client.force_login(self.official)
        self.official.is_staff = True
        self.official.save()
        self.assertEqual(self.client.get(url).status_code, 403)
        self.admin.is_staff = True
        self.admin.save()
        self.client.force_login(self.admin)

        def upload(*rows: str):
            file = io.BytesIO(register_csv(*rows).encode())
            file.name = "register.csv"
            return self.client.post(url, {"file": file})

        response = upload(f"{PIN_A},1990,pervomaisky", "123,1990,pervomaisky",
                          f"{PIN_B},19x5,pervomaisky")
        self.assertContains(response, "2 problems found; nothing was imported.", status_code=400)
        self.assertContains(response, "Row 3, column “pin”", status_code=400)
        self.assertEqual(RegisterEntry.objects.count(), 0)
        response = upload(f"{PIN_A},1990,pervomaisky")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(RegisterEntry.objects.count(), 1)


class RegisterVerificationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.register_import(rows=read_rows(io.StringIO(register_csv(
            f"{PIN_A},1990,pervomaisky"))), file_name="r.csv", uploaded_by=None)

    def test_it_verifies_a_matching_pin_and_birth_year(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.post("/en/me/verify/", {"register-pin": f" {PIN_A} ",
                                                       "register-birth_year": "1990"})
        self.assertRedirects(response, "/en/me/verify/")
        verification = Verification.objects.get(user=self.outsider)
        self.assertEqual(verification.method, "register")
        self.assertEqual(verification.district, self.district)

    def test_it_refuses_a_wrong_birth_year_with_a_clear_message(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.post("/ru/me/verify/", {"register-pin": PIN_A,
                                                       "register-birth_year": "1991"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Verification.objects.filter(user=self.outsider).exists())

    def test_one_pin_cannot_verify_two_accounts(self) -> None:
        actions.verification_by_register(user=self.outsider, pin=PIN_A, birth_year=1990)
        other = make_user()
        with self.assertRaises(ValidationError):
            actions.verification_by_register(user=other, pin=PIN_A, birth_year=1990)

    def test_it_rate_limits_guessing(self) -> None:
        self.client.force_login(self.outsider)
        for _attempt in range(5):
            self.client.post("/en/me/verify/", {"register-pin": make_pin(),
                                                "register-birth_year": "1990"})
        response = self.client.post("/en/me/verify/", {"register-pin": PIN_A,
                                                       "register-birth_year": "1990"})
        self.assertEqual(response.status_code, 429)
