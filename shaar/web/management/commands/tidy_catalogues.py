from __future__ import annotations

from pathlib import Path

import django
import polib
from django.core.management.base import BaseCommand

from .compile_translations import catalogues


def django_plural_forms(language: str) -> str:
    """The Plural-Forms header of Django's own catalogue: ours must be identical, or
    Django keeps them apart and ours cannot override its strings (ky: nplurals=1)."""
    path = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)).metadata["Plural-Forms"]


class Command(BaseCommand):
    help = ("After makemessages: copy Django's plural headers, fill the English catalogues "
            "from the source strings, and list what still needs translating.")

    def handle(self, *args, **options) -> None:
        missing = 0
        for path in catalogues():
            language = path.parent.parent.name
            po = polib.pofile(str(path), wrapwidth=100)
            po.metadata["Plural-Forms"] = django_plural_forms(language)
            po.metadata["Language"] = language
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            if language == "en":
                # The source strings are English: the English catalogue repeats them, which
                # also replaces any fuzzy guess makemessages made from a similar string.
                for entry in po:
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    else:
                        entry.msgstr = entry.msgid
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    entry.previous_msgid = entry.previous_msgid_plural = None
            po.save()
            todo = [e for e in po.untranslated_entries() + po.fuzzy_entries() if not e.obsolete]
            missing += len(todo)
            if todo:
                self.stdout.write(f"{path}: {len(todo)} to translate")
        self.stdout.write(f"{missing} entries still need a translation")
