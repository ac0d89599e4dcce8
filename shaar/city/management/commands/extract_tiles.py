"""manage.py extract_tiles SOURCE [--bbox W,S,E,N] [--maxzoom 15]

Cuts the city's base map out of a public Protomaps basemap build (a whole-planet .pmtiles
file, read over HTTP range requests, or a local copy) and writes it to MAP_TILES_PATH,
replacing the file only once the new one is complete. Run at deploy time (deploy/README.md);
the file is data, not code. The box defaults to MAP_BBOX, else the districts' boundaries
with a margin.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from shapely import union_all
from shapely.geometry import shape

from shaar.city.models import District
from shaar.city.tiles import BBox, extract, open_source

MARGIN_DEGREES = 0.02  # about 2 km around the outermost boundary


def parse_bbox(text: str) -> BBox:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise CommandError("--bbox is four numbers: west,south,east,north") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise CommandError("--bbox must be west,south,east,north with west<east, south<north")
    return west, south, east, north


def default_bbox() -> BBox:
    if settings.MAP_BBOX:
        return parse_bbox(",".join(str(v) for v in settings.MAP_BBOX))
    boundaries = [shape(d.boundary) for d in District.objects.exclude(boundary__isnull=True)
                  if d.boundary is not None]
    if not boundaries:
        raise CommandError("No bounding box: give --bbox, set MAP_BBOX or import districts.")
    west, south, east, north = union_all(boundaries).bounds
    m = MARGIN_DEGREES
    return west - m, south - m, east + m, north + m


class Command(BaseCommand):
    help = "Cut the city's base map out of a Protomaps build into MAP_TILES_PATH."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="URL or path of a Protomaps basemap .pmtiles build")
        parser.add_argument("--bbox", type=parse_bbox, default=None,
                            help="west,south,east,north in degrees")
        parser.add_argument("--maxzoom", type=int, default=settings.MAP_TILES_MAX_ZOOM)
        parser.add_argument("--output", default=str(settings.MAP_TILES_PATH))

    def handle(self, *args, **options) -> None:
        bbox = options["bbox"] or default_bbox()
        output = Path(options["output"])
        try:
            source = open_source(options["source"])
            count = extract(source, output, bbox=bbox, maxzoom=options["maxzoom"],
                            attribution=settings.MAP_TILE_ATTRIBUTION)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not extract: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {count:,} tiles for {bbox} to {output} ({output.stat().st_size:,} bytes)."))
