"""Test helpers: typed make_* factories, base test cases (personas, English), helpers for
import commands and CSV files, and for signing a browser in."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.test import Client, TestCase
from django.utils import timezone, translation

from shaar.accounts.models import Role, RoleAssignment, User, Verification, voter_key_for_pin
from shaar.city.models import City, Department, District, Organisation

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"  # noqa: S105


def search(pattern: str | re.Pattern[str], text: str) -> re.Match[str]:
    """`re.search` for a test: the pattern must be found."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found"
    return match


def first[M: Model](queryset: QuerySet[M]) -> M:
    """`queryset.first()` for a test: there must be one."""
    obj = queryset.first()
    assert obj is not None, f"no {queryset.model.__name__}"
    return obj


def last[M: Model](queryset: QuerySet[M]) -> M:
    """`queryset.last()` for a test: there must be one."""
    obj = queryset.last()
    assert obj is not None, f"no {queryset.model.__name__}"
    return obj


def csv_upload(columns: Sequence[str], rows: list[dict[str, str]]) -> bytes:
    """An import file as a person fills in the template: its columns, cells not given blank."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def refused_command(test: TestCase, *args: Any, message: str = "", **options: Any) -> str:
    """Run a management command that must fail, with a CommandError that matches `message`;
    what it wrote on stderr (an import command lists each problem there)."""
    stderr = io.StringIO()
    with test.assertRaisesRegex(CommandError, message):
        call_command(*args, stderr=stderr, **options)
    return stderr.getvalue()


def make_city() -> City:
    city, _created = City.objects.update_or_create(
        id=1, defaults={"name_ky": "Бишкек", "name_ru": "Бишкек", "name_en": "Bishkek",
                        "population": 1_300_000})
    return city


def make_district(code: str | None = None, **fields: Any) -> District:
    code = code or f"district-{next(_counter)}"
    west = 74.0 + next(_counter) * 0.01
    ring = [[west, 42.0], [west + 0.005, 42.0], [west + 0.005, 42.1], [west, 42.1], [west, 42.0]]
    defaults = {"name_ky": f"{code} ky", "name_ru": f"{code} ru", "name_en": f"{code} en",
                "population": 100_000, "boundary": {"type": "Polygon", "coordinates": [ring]}}
    return District.objects.create(code=code, **{**defaults, **fields})


def make_department(code: str | None = None) -> Department:
    code = code or f"dept-{next(_counter)}"
    return Department.objects.create(code=code, name_ky=code, name_ru=code, name_en=code)


def make_organisation(code: str | None = None,
                      kind: str = Organisation.Kind.PROVIDER) -> Organisation:
    code = code or f"org-{next(_counter)}"
    return Organisation.objects.create(code=code, kind=kind, name_ky=code, name_ru=code,
                                       name_en=code)


def make_user(name: str | None = None, *, phone: str | None = None, **fields: Any) -> User:
    name = name or f"user{next(_counter)}"
    user = User.objects.create_user(username=name, email=f"{name}@example.org",
                                    password=PASSWORD, phone=phone, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_pin(n: int | None = None) -> str:
    return f"2{(n if n is not None else next(_counter)):013d}"


def make_resident(name: str | None = None, *, district: District | None = None,
                  pin: str | None = None) -> User:
    """A resident verified in person, with a voter_key from a PIN."""
    user = make_user(name)
    Verification.objects.create(user=user, method=Verification.Method.IN_PERSON,
                                district=district or make_district(),
                                voter_key=voter_key_for_pin(pin or make_pin()),
                                verified_at=timezone.now())
    return user


def give_totp(user: User) -> None:
    """Staff must have two-factor authentication; tests give them a TOTP authenticator."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def current_totp(user: User) -> str:
    """The code the user's authenticator app shows now."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in_browser(context: Any, live_server_url: str, user: User) -> None:
    """Sign `user` in to a Playwright browser context as a finished sign-in leaves it: the
    session cookie of Django's test client (no log-in form, no second factor). It replaces
    the session of whoever was signed in before."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server_url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def sign_in_with_totp(page: Any, site_url: str, user: User, password: str = PASSWORD) -> None:
    """Sign staff in through the forms in a browser, password then the authenticator's code,
    and wait until the home page (`site_url`, e.g. the live server's /en) has settled: its
    service worker and its own requests done before the test asks for the next page."""
    page.goto(f"{site_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.fill("input[name=code]", current_totp(user))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{site_url}/")
    page.wait_for_load_state("networkidle")


def make_staff(role: Role, name: str | None = None, *, department: Department | None = None,
               organisation: Organisation | None = None, district: District | None = None,
               totp: bool = True) -> User:
    user = make_user(name)
    RoleAssignment.objects.create(user=user, role=role, department=department,
                                  organisation=organisation, district=district)
    if totp:
        give_totp(user)
    return user


# --- the demo data, seeded once per test process ------------------------------------------

# Per table the demo changed: its row count before seeding, its columns and its rows after.
type _Snapshot = dict[str, tuple[int, list[str], list[tuple[Any, ...]]]]
_demo_snapshot: _Snapshot | None = None


def _table_rows(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JSON as its text, to be written back as it was read.
            from psycopg.types.string import TextLoader

            for json_type in ("json", "jsonb"):
                cursor.cursor.adapters.register_loader(json_type, TextLoader)
        cursor.execute(f"SELECT * FROM {name} ORDER BY 1")  # noqa: S608 (a table of the schema)
        columns = [column[0] for column in cursor.description]
        return columns, [tuple(row) for row in cursor.fetchall()]


def _seed_and_keep() -> _Snapshot:
    """Run `seed_demo` in a savepoint, keep every table it changed, and roll it back."""
    tables = [t for t in connection.introspection.table_names()
              if t not in ("django_migrations", "sqlite_sequence")]
    before = {table: _table_rows(table)[1] for table in tables}
    with transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        snapshot: _Snapshot = {}
        for table in tables:
            columns, rows = _table_rows(table)
            if rows != before[table]:
                snapshot[table] = (len(before[table]), columns, rows)
        transaction.set_rollback(True)
    return snapshot


def load_demo() -> None:
    """The demo data (`seed_demo`, the test settings' small scale) in the current test's
    transaction. Seeding takes 20-40 s, most of it counting the sample ballots: the first
    call in a process seeds in a savepoint and keeps the rows; later calls copy them in
    (well under a second). Call it first in `setUpTestData`, before the class makes rows of
    its own: the tables the demo fills are replaced whole.
    The demo's photos stay in MEDIA_ROOT after the rollback, so the copied rows find them."""
    global _demo_snapshot
    if _demo_snapshot is None:
        _demo_snapshot = _seed_and_keep()
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (count, _columns, _rows) in _demo_snapshot.items():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            found = cursor.fetchone()[0]
            assert found == count, (f"load_demo() would replace {table}'s {found} rows: "
                                    "call it before the test makes rows of its own")
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        # Foreign keys are checked at commit (Django creates them deferrable), so the
        # order of the tables does not matter.
        for table, (_count, columns, rows) in _demo_snapshot.items():
            if rows:
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(quote(column) for column in columns)
                insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)
        # PostgreSQL: the sequences must pass the copied ids (SQLite's follow by themselves).
        models = [m for m in apps.get_models(include_auto_created=True)
                  if m._meta.db_table in _demo_snapshot]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    cache.delete(City.CACHE_KEY)
    from shaar.lib.memo import clear_all

    clear_all()


class EnglishTestCase(TestCase):
    """Messages and URLs in English whatever ran before, so that assertions read the
    interface text."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))


class BaseTestCase(TestCase):
    """Personas: a verified resident, a moderator, department staff, an outsider.

    Built once per test class (each test sees them fresh: Django rolls back the database
    and copies these attributes for every test)."""

    city: City
    district: District
    department: Department
    resident: User
    moderator: User
    official: User
    admin: User
    outsider: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.city = make_city()
        cls.district = make_district("pervomaisky")
        cls.department = make_department("urban")
        cls.resident = make_resident("alice", district=cls.district)
        cls.moderator = make_staff(Role.MODERATOR, "mona")
        cls.official = make_staff(Role.DEPARTMENT_STAFF, "olga", department=cls.department)
        cls.admin = make_staff(Role.CITY_ADMIN, "adil")
        cls.outsider = make_user("bob")

    def setUp(self) -> None:
        super().setUp()
        # A test may change the city (its country, its language): the next one starts from
        # the row in the database, not from the copy the cache kept.
        cache.delete(City.CACHE_KEY)


class EnglishBaseTestCase(EnglishTestCase, BaseTestCase):
    """The personas, in English."""
