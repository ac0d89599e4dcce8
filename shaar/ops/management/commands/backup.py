"""manage.py backup: dump the database and media with a checksum manifest (read only)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shaar.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: online "
            "backup API) and the media folder, with a SHA-256 manifest. Reads only.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output-dir", type=Path, default=None,
                            help="Where to write the backup folder (default: BACKUP_DIR).")
        parser.add_argument("--no-media", action="store_true",
                            help="Leave out the media files.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options) -> None:
        output_dir = options["output_dir"] or Path(settings.BACKUP_DIR)
        try:
            result = backup(output_dir=output_dir, include_media=not options["no_media"],
                            using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = result.manifest["integrity"]["tables.row_counts"]
        self.stdout.write(f"{result.path}\n")
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {len(tables)} tables, {sum(tables.values())} rows; media "
            f"{'included' if result.manifest['media']['included'] else 'not included'}."))
