"""Backups that restore: the database, the media files and a checksum manifest.

A backup is a directory `shaar-YYYYMMDDTHHMMSSZ/` holding
  - `database.pgdump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3`
    (SQLite, copied with the sqlite3 online backup API);
  - `media.tar.gz`, the media folder (local file storage only: object storage keeps its
    own versions and replicas);
  - `manifest.json`: SHA-256 and size of each file, and integrity fingerprints
    (`shaar.ops.integrity`) taken from the very snapshot that was dumped.
It is written under a temporary name and renamed when complete.

A backup only reads. A restore writes only into an EMPTY database and an empty media
folder, after every checksum has been verified, and checks the fingerprints afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from . import integrity

FORMAT = "shaar-backup"
VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why and what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(db: dict[str, Any]) -> str:
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Unsupported database engine {engine}: use PostgreSQL or SQLite.")


@contextlib.contextmanager
def temporary_alias(db: dict[str, Any]) -> Iterator[str]:
    """A Django connection alias for an arbitrary database settings dict.

    The connection is registered for this thread only (not in settings.DATABASES), so ORM
    code can use `.using(alias)`, and nothing else in the process ever routes to it.
    """
    alias = f"ops_{uuid.uuid4().hex[:8]}"
    config = connections.configure_settings({DEFAULT_DB_ALIAS: {**db}})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        with contextlib.suppress(Exception):
            wrapper.close()
        with contextlib.suppress(Exception):
            del connections[alias]


def pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq variables, so no password appears on a command line."""
    env = {**os.environ}
    values = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
              "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME"),
              "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode")}
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _media_storage_is_local() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


# --- backup ----------------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def backup(*, output_dir: Path, include_media: bool = True, using: str = "default",
           media_root: Path | None = None) -> BackupResult:
    db = {**connections[using].settings_dict}
    vendor = _vendor(db)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output_dir.mkdir(parents=True, exist_ok=True)
    final = output_dir / f"shaar-{stamp}"
    if final.exists():
        final = output_dir / f"shaar-{stamp}-{uuid.uuid4().hex[:6]}"
    partial = output_dir / f".{final.name}.partial"
    partial.mkdir()
    try:
        if vendor == "postgresql":
            fingerprint = _backup_postgresql(db, partial / PG_DUMP_FILE)
            database_file = PG_DUMP_FILE
        else:
            fingerprint = _backup_sqlite(using, db, partial / SQLITE_FILE)
            database_file = SQLITE_FILE
        media_entry = None
        media_root = Path(media_root or settings.MEDIA_ROOT)
        if include_media and _media_storage_is_local():
            with tarfile.open(partial / MEDIA_FILE, "w:gz") as tar:
                if media_root.is_dir():
                    tar.add(media_root, arcname="media")
            media_entry = MEDIA_FILE
        files = {}
        for path in sorted(partial.iterdir()):
            files[path.name] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        manifest = {
            "format": FORMAT, "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": {"vendor": vendor, "file": database_file, "name": str(db["NAME"])},
            "media": {"file": media_entry, "included": media_entry is not None,
                      "storage": type(storages["default"]).__name__},
            "files": files,
            "integrity": fingerprint,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, manifest=manifest)


def _backup_postgresql(db: dict[str, Any], target: Path) -> dict[str, Any]:
    """pg_dump and the fingerprints read one exported snapshot, so they agree even while
    the site keeps taking ballots and reports."""
    with temporary_alias(db) as alias:
        connection = connections[alias]
        connection.set_autocommit(False)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            fingerprint = integrity.fingerprint(alias)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}",
                  f"--file={target}"], pg_env(db))
        finally:
            connection.rollback()
            connection.set_autocommit(True)
    return fingerprint


def _backup_sqlite(using: str, db: dict[str, Any], target: Path) -> dict[str, Any]:
    connection = connections[using]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    # Fingerprint the copy itself: it is exactly what was backed up.
    with temporary_alias({**db, "NAME": str(target), "OPTIONS": {}}) as alias:
        return integrity.fingerprint(alias)


# --- restore ---------------------------------------------------------------------------------

def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{path} is not a Shaar backup: {MANIFEST} is missing.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r} "
                          f"version {manifest.get('version')!r}.")
    return manifest


def verify_checksums(path: Path, manifest: dict[str, Any]) -> None:
    problems = []
    for name, expected in manifest["files"].items():
        file = path / name
        if not file.is_file():
            problems.append(f"{name}: missing")
        elif file.stat().st_size != expected["bytes"] or sha256_of(file) != expected["sha256"]:
            problems.append(f"{name}: checksum mismatch")
    if problems:
        raise BackupError("The backup is damaged, nothing was restored: " + "; ".join(problems))


def database_is_empty(db: dict[str, Any]) -> bool:
    vendor = _vendor(db)
    if vendor == "sqlite":
        name = str(db["NAME"])
        if name.startswith("file:") or ":memory:" in name or "mode=memory" in name:
            raise BackupError("Restore into a SQLite database file, not an in-memory one.")
        if not Path(name).exists():
            return True
    with temporary_alias(db) as alias, connections[alias].cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema "
                           "NOT IN ('pg_catalog', 'information_schema')")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') "
                           "AND name NOT LIKE 'sqlite_%'")
        return cursor.fetchone()[0] == 0


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def diff(expected: Any, actual: Any, prefix: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            out += diff(expected.get(key), actual.get(key), f"{prefix}{key}.")
        return out
    return [] if expected == actual else [f"{prefix.rstrip('.')}: {expected!r} != {actual!r}"]


def restore(*, path: Path, target_db: dict[str, Any], media_root: Path | None,
            include_media: bool = True) -> dict[str, Any]:
    """Restore `path` into an empty database (and an empty media folder); then verify."""
    manifest = read_manifest(path)
    verify_checksums(path, manifest)
    vendor = _vendor(target_db)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"This backup is of a {manifest['database']['vendor']} database; "
                          f"the target is {vendor}.")
    if not database_is_empty(target_db):
        raise BackupError(f"The target database {target_db['NAME']} is not empty. Restore "
                          "only into a new, empty database (createdb), never over live data.")
    restore_media = include_media and manifest["media"]["included"]
    if restore_media:
        if media_root is None:
            raise BackupError("Give a media folder to restore into.")
        if not _media_is_empty(media_root):
            raise BackupError(f"The media folder {media_root} is not empty. Restore into a "
                              "new folder (--media-root) and switch over once verified.")

    database_file = path / manifest["database"]["file"]
    if vendor == "postgresql":
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={target_db['NAME']}", str(database_file)],
             pg_env(target_db))
    else:
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        destination = sqlite3.connect(str(target_db["NAME"]))
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()

    if restore_media:
        assert media_root is not None  # checked above, before the database was touched
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path / manifest["media"]["file"], "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("media/")]
            for member in members:
                member.name = member.name.removeprefix("media/")
            tar.extractall(media_root, members=[m for m in members if m.name],
                           filter="data")

    with temporary_alias(target_db) as alias:
        actual = integrity.fingerprint(alias)
    problems = diff(manifest["integrity"], actual)
    if problems:
        raise BackupError("The restored database differs from the backup: "
                          + "; ".join(problems[:20]))
    return manifest
