"""Backups that restore: the drill (back up, restore into a fresh database, compare every
table), and the refusals that keep live data safe."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import unittest
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import SimpleTestCase, TransactionTestCase

from shaar.accounts.models import Role
from shaar.city import demo as city_demo
from shaar.ops import integrity
from shaar.ops.backup import BackupError, backup, restore, temporary_alias
from shaar.testing import make_resident, make_staff, make_user


def skip_without_pg_tools(test: unittest.TestCase) -> None:
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        test.skipTest("pg_dump/pg_restore missing: install Debian's postgresql-client")


@contextmanager
def fresh_database(folder: Path) -> Iterator[dict[str, Any]]:
    """A new, empty database of the same kind as the test database; dropped afterwards."""
    db = {**connection.settings_dict}
    if connection.vendor == "postgresql":
        name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {**db, "NAME": name}
        finally:
            connections.close_all()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif connection.vendor == "sqlite":
        yield {**db, "NAME": str(folder / "restored.sqlite3"), "OPTIONS": {}, "TEST": {}}
    else:
        raise unittest.SkipTest(f"no restore drill for {connection.vendor}")


def _table_contents(alias: str) -> dict[str, list[str]]:
    conn = connections[alias]
    contents = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
            contents[table] = sorted(repr(row) for row in cursor.fetchall())
    return contents


class BackupTests(TransactionTestCase):
    """pg_dump (or SQLite's backup) reads the database from outside the test's connection:
    the rows must be committed."""

    def setUp(self) -> None:
        super().setUp()
        skip_without_pg_tools(self)
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.media = self.tmp / "media"
        (self.media / "photos" / "2026").mkdir(parents=True)
        (self.media / "photos" / "2026" / "pothole.jpg").write_bytes(
            b"\xff\xd8\xff" + b"x" * 5000)
        self.enterContext(self.settings(MEDIA_ROOT=self.media))
        city_demo.seed()
        make_resident("aizada")
        make_user("bakyt", phone="+996555123456")
        make_staff(Role.MODERATOR, "moderator")

    def test_it_restores_a_backup_into_a_fresh_database_with_identical_contents(self) -> None:
        target = self.enterContext(fresh_database(self.tmp))
        before = _table_contents("default")
        self.assertTrue(before["accounts_user"])
        self.assertTrue(before["city_district"])

        result = backup(output_dir=self.tmp / "backups")
        manifest = json.loads((result.path / "manifest.json").read_text())
        self.assertGreaterEqual(set(manifest["files"]), {"media.tar.gz"})
        counts = manifest["integrity"]["tables.row_counts"]
        self.assertEqual(counts["city_district"], len(before["city_district"]))

        restored_media = self.tmp / "restored-media"
        restore(path=result.path, target_db=target, media_root=restored_media)

        with temporary_alias(target) as alias:
            after = _table_contents(alias)
        self.assertEqual(after.keys(), before.keys())
        for table in before:
            self.assertEqual(after[table], before[table], table)
        self.assertEqual((restored_media / "photos/2026/pothole.jpg").read_bytes(),
                         (self.media / "photos/2026/pothole.jpg").read_bytes())

    def test_it_refuses_to_restore_over_a_database_that_has_tables(self) -> None:
        target = self.enterContext(fresh_database(self.tmp))
        result = backup(output_dir=self.tmp / "backups", include_media=False)
        restore(path=result.path, target_db=target, media_root=None, include_media=False)
        with self.assertRaisesRegex(BackupError, "not empty"):
            restore(path=result.path, target_db=target, media_root=None, include_media=False)
        # The live (test) database is refused too, and keeps its rows.
        users_before = _table_contents("default")["accounts_user"]
        with self.assertRaisesRegex(CommandError, r"not empty|in-memory"):
            call_command("restore", str(result.path), "--no-media")
        self.assertEqual(_table_contents("default")["accounts_user"], users_before)

    def test_it_refuses_a_damaged_backup_before_touching_anything(self) -> None:
        target = self.enterContext(fresh_database(self.tmp))
        result = backup(output_dir=self.tmp / "backups")
        manifest = json.loads((result.path / "manifest.json").read_text())
        damaged = result.path / manifest["database"]["file"]
        data = bytearray(damaged.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))

        with self.assertRaisesRegex(BackupError, "checksum mismatch"):
            restore(path=result.path, target_db=target, media_root=self.tmp / "m")
        with self.assertRaisesRegex(CommandError, "damaged"):
            call_command("restore", str(result.path), "--verify-only")
        self.assertFalse((self.tmp / "m").exists())

    def test_it_refuses_a_media_folder_that_is_not_empty(self) -> None:
        target = self.enterContext(fresh_database(self.tmp))
        result = backup(output_dir=self.tmp / "backups")
        with self.assertRaisesRegex(BackupError, "media folder"):
            restore(path=result.path, target_db=target, media_root=self.media)

    def test_it_writes_a_complete_backup_folder_from_the_command(self) -> None:
        call_command("backup", "--output-dir", str(self.tmp / "b"), stdout=io.StringIO())
        folders = list((self.tmp / "b").iterdir())
        self.assertEqual(len(folders), 1)
        self.assertTrue(folders[0].name.startswith("shaar-"))
        stdout = io.StringIO()
        call_command("restore", str(folders[0]), "--verify-only", stdout=stdout)
        self.assertIn("every checksum matches", stdout.getvalue())


class IntegrityChecksTests(SimpleTestCase):
    def test_it_expects_the_civic_budget_integrity_checks_once_budgeting_has_models(
            self) -> None:
        """The drill must compare ballot counts, the ballots' commitment and published
        results as soon as the civic budget app has tables: it registers them in its
        ready()."""
        registered = set(integrity.checks())
        for app_module, names in integrity.PENDING_CHECKS.items():
            label = app_module.rsplit(".", 1)[-1]
            if apps.is_installed(app_module) and list(apps.get_app_config(label).get_models()):
                self.assertLessEqual(set(names), registered, f"{app_module} must register {names}")
