"""manage.py restore: restore a backup into an EMPTY database, verified before and after."""

from __future__ import annotations

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shaar.ops.backup import BackupError, read_manifest, restore, verify_checksums


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an empty database and an empty "
            "media folder. Checksums are verified first; row counts and the other integrity "
            "fingerprints are compared afterwards. Refuses a database that has any table.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The backup folder (shaar-…).")
        parser.add_argument("--database-url", default="",
                            help="The EMPTY target database (default: DATABASE_URL).")
        parser.add_argument("--media-root", type=Path, default=None,
                            help="The EMPTY target media folder (default: MEDIA_ROOT).")
        parser.add_argument("--no-media", action="store_true", help="Skip the media files.")
        parser.add_argument("--verify-only", action="store_true",
                            help="Only check the backup's checksums; restore nothing.")

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        try:
            if options["verify_only"]:
                verify_checksums(path, read_manifest(path))
                self.stdout.write(self.style.SUCCESS(f"{path}: every checksum matches."))
                return
            if options["database_url"]:
                target = environ.Env.db_url_config(options["database_url"])
            else:
                target = {**connections["default"].settings_dict}
            manifest = restore(path=path, target_db=target,
                               media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
                               include_media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["integrity"]["tables.row_counts"]
        self.stdout.write(self.style.SUCCESS(
            f"Restored {len(tables)} tables, {sum(tables.values())} rows into "
            f"{target['NAME']}; every checksum and integrity check matches."))
