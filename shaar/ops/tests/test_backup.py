"""Backups that restore: the drill (back up, restore into a fresh database, compare every
table), and the refusals that keep live data safe."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections

from shaar.accounts.models import Role
from shaar.city import demo as city_demo
from shaar.ops import integrity
from shaar.ops.backup import BackupError, backup, restore, temporary_alias
from shaar.testing import make_resident, make_staff, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _skip_without_pg_tools() -> None:
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump/pg_restore missing: install Debian's postgresql-client")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "photos" / "2026").mkdir(parents=True)
    (root / "photos" / "2026" / "pothole.jpg").write_bytes(b"\xff\xd8\xff" + b"x" * 5000)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def some_data() -> None:
    city_demo.seed()
    make_resident("aizada")
    make_user("bakyt", phone="+996555123456")
    make_staff(Role.MODERATOR, "moderator")


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the same kind as the test database; dropped afterwards."""
    db = {**connection.settings_dict}
    if connection.vendor == "postgresql":
        name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield {**db, "NAME": name}
        connections.close_all()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif connection.vendor == "sqlite":
        yield {**db, "NAME": str(tmp_path / "restored.sqlite3"), "OPTIONS": {}, "TEST": {}}
    else:
        pytest.skip(f"no restore drill for {connection.vendor}")


def _table_contents(alias: str) -> dict[str, list[str]]:
    conn = connections[alias]
    contents = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
            contents[table] = sorted(repr(row) for row in cursor.fetchall())
    return contents


def test_it_restores_a_backup_into_a_fresh_database_with_identical_contents(
        some_data, media, tmp_path, fresh_database) -> None:
    _skip_without_pg_tools()
    before = _table_contents("default")
    assert before["accounts_user"] and before["city_district"]

    result = backup(output_dir=tmp_path / "backups")
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"media.tar.gz"}
    counts = manifest["integrity"]["tables.row_counts"]
    assert counts["city_district"] == len(before["city_district"])

    restored_media = tmp_path / "restored-media"
    restore(path=result.path, target_db=fresh_database, media_root=restored_media)

    with temporary_alias(fresh_database) as alias:
        after = _table_contents(alias)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert (restored_media / "photos/2026/pothole.jpg").read_bytes() == (
        media / "photos/2026/pothole.jpg").read_bytes()


def test_it_refuses_to_restore_over_a_database_that_has_tables(some_data, media, tmp_path,
                                                                  fresh_database) -> None:
    _skip_without_pg_tools()
    result = backup(output_dir=tmp_path / "backups", include_media=False)
    restore(path=result.path, target_db=fresh_database, media_root=None, include_media=False)
    with pytest.raises(BackupError, match="not empty"):
        restore(path=result.path, target_db=fresh_database, media_root=None,
                include_media=False)
    # The live (test) database is refused too, and keeps its rows.
    users_before = _table_contents("default")["accounts_user"]
    with pytest.raises(CommandError, match=r"not empty|in-memory"):
        call_command("restore", str(result.path), "--no-media")
    assert _table_contents("default")["accounts_user"] == users_before


def test_it_refuses_a_damaged_backup_before_touching_anything(some_data, media, tmp_path,
                                                              fresh_database) -> None:
    _skip_without_pg_tools()
    result = backup(output_dir=tmp_path / "backups")
    manifest = json.loads((result.path / "manifest.json").read_text())
    damaged = result.path / manifest["database"]["file"]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="checksum mismatch"):
        restore(path=result.path, target_db=fresh_database, media_root=tmp_path / "m")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(result.path), "--verify-only")
    assert not (tmp_path / "m").exists()


def test_it_refuses_a_media_folder_that_is_not_empty(some_data, media, tmp_path,
                                                     fresh_database) -> None:
    _skip_without_pg_tools()
    result = backup(output_dir=tmp_path / "backups")
    with pytest.raises(BackupError, match="media folder"):
        restore(path=result.path, target_db=fresh_database, media_root=media)


def test_it_writes_a_complete_backup_folder_from_the_command(some_data, media, tmp_path,
                                                             capsys) -> None:
    _skip_without_pg_tools()
    call_command("backup", "--output-dir", str(tmp_path / "b"))
    folders = list((tmp_path / "b").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("shaar-")
    call_command("restore", str(folders[0]), "--verify-only")
    assert "every checksum matches" in capsys.readouterr().out


def test_it_expects_the_civic_budget_integrity_checks_once_budgeting_has_models() -> None:
    """The drill must compare ballot counts, the ballots' commitment and published results as
    soon as the civic budget app has tables: it registers them in its ready()."""
    registered = set(integrity.checks())
    for app_module, names in integrity.PENDING_CHECKS.items():
        label = app_module.rsplit(".", 1)[-1]
        if apps.is_installed(app_module) and list(apps.get_app_config(label).get_models()):
            assert set(names) <= registered, f"{app_module} must register {names}"
