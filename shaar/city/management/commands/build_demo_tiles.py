from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shaar.city import demo


class Command(BaseCommand):
    help = ("Build the demo's sample base map (district outlines, a street grid, parks, rivers) "
            "into MAP_TILES_PATH. Cached: does nothing when the same file is already there.")

    def handle(self, *args, **options) -> None:
        path = settings.MAP_TILES_PATH
        try:
            wrote = demo.build_tiles(path)
        except FileExistsError:
            raise CommandError(f"{path} holds a real city's tiles (not marked sample); "
                               "left as it is.") from None
        size = path.stat().st_size
        self.stdout.write(f"{'Built' if wrote else 'Up to date'}: {path} ({size:,} bytes)")
