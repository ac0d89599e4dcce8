"""manage.py import_districts FILE.geojson [--approximate] [--allow-overlaps]

FILE is a GeoJSON FeatureCollection of Polygon/MultiPolygon features, each with a `code`
property (a new district also needs name_ky, name_ru and name_en; population is optional).
Every feature is checked (valid polygon, unique code); overlaps between districts and holes
that no district covers are reported with where they are. Nothing is written while a
feature is invalid, nor while districts overlap unless --allow-overlaps (a point in an
overlap goes to the first district by code). Addresses are re-placed in the new districts.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shaar.city import actions
from shaar.city.importing import (
    FileFormatError,
    check_new_district_names,
    gaps,
    overlaps,
    read_districts,
)
from shaar.city.models import District
from shaar.lib.tabular import add_language_argument, problems_error


class Command(BaseCommand):
    help = "Import district boundaries from GeoJSON, checked (all districts or none)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--approximate", action="store_true",
                            help="Mark the boundaries as approximate (not survey data).")
        parser.add_argument("--allow-overlaps", action="store_true")
        add_language_argument(parser)

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        with translation.override(options["language"]):
            try:
                districts, errors = read_districts(path.read_bytes())
                errors += check_new_district_names(
                    districts, District.objects.values_list("code", flat=True))
            except (FileFormatError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            if errors:
                raise problems_error(self, errors)
        found = overlaps(districts)
        for o in found:
            self.stderr.write(f"Overlap: {o.first} and {o.second}, {o.area_km2} km² "
                              f"around {o.where[0]}, {o.where[1]}")
        for lat, lon, area in gaps(districts):
            self.stderr.write(f"Not covered by any district: {area} km² around {lat}, {lon}")
        if found and not options["allow_overlaps"]:
            raise CommandError(f"{len(found)} overlap(s); nothing was imported "
                               "(--allow-overlaps to import anyway).")
        try:
            created, updated = actions.districts_import(districts=districts,
                                                        approximate=options["approximate"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Imported {len(districts)} districts: {created} new, {updated} updated."))
