from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    return sorted((Path(settings.BASE_DIR) / "shaar").glob("**/locale/*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = ("Compile every .po catalogue under shaar/ to .mo with polib, so running the site "
            "needs no system gettext (Django's compilemessages needs msgfmt).")

    def handle(self, *args, **options) -> None:
        compiled = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
