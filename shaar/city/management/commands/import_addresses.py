"""manage.py import_addresses FILE [--replace] [--sample]

FILE is CSV (columns street_ky, street_ru, street_en, house_number, lat, lon; street_ru,
house_number, lat and lon required; comma or semicolon, UTF-8 or Windows-1251) or a GeoJSON
FeatureCollection of points with those properties. Every row is checked first and each
problem printed (row, column, reason); with any problem nothing is imported (exit 1).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shaar.city import actions
from shaar.city.importing import FileFormatError, check_addresses, read_addresses
from shaar.lib.tabular import add_language_argument, problems_error


class Command(BaseCommand):
    help = "Import the city's address register from CSV or GeoJSON (all rows or none)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true",
                            help="Delete the register first (else update and add).")
        parser.add_argument("--sample", action="store_true",
                            help="Mark the addresses as invented sample data.")
        add_language_argument(parser)

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        with translation.override(options["language"]):
            try:
                header, rows = read_addresses(path.read_bytes(), path.name)
                addresses, errors = check_addresses(header, rows)
            except (FileFormatError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            if errors:
                raise problems_error(self, errors)
        created, updated = actions.addresses_import(addresses=addresses,
                                                    replace=options["replace"],
                                                    is_sample=options["sample"])
        self.stdout.write(self.style.SUCCESS(
            f"Imported {len(addresses)} addresses: {created} new, {updated} updated."))
