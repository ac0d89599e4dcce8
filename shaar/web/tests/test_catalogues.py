"""The three catalogues must be complete and valid: no untranslated or fuzzy entry, and
every one passes `msgfmt -c`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import polib
from django.conf import settings
from django.test import SimpleTestCase

from shaar.web.management.commands.compile_translations import catalogues
from shaar.web.management.commands.tidy_catalogues import django_plural_forms


class CatalogueTests(SimpleTestCase):
    def test_every_app_with_a_locale_folder_has_all_three_languages(self) -> None:
        by_app: dict[str, set[str]] = {}
        for path in catalogues():
            by_app.setdefault(str(path.parents[3]), set()).add(path.parent.parent.name)
        self.assertTrue(by_app)
        expected = {code for code, _name in settings.LANGUAGES}
        for app, languages in by_app.items():
            self.assertEqual(languages, expected, app)

    def test_no_entry_is_untranslated_or_fuzzy(self) -> None:
        problems = []
        for path in catalogues():
            po = polib.pofile(str(path))
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                if not entry.obsolete:
                    problems.append(f"{path}: {entry.msgid[:60]!r}")
        self.assertEqual(problems, [])

    def test_plural_headers_match_django_so_our_strings_can_override_its_own(self) -> None:
        for path in catalogues():
            language = path.parent.parent.name
            header = polib.pofile(str(path)).metadata.get("Plural-Forms")
            self.assertEqual(header, django_plural_forms(language), path)

    def test_no_source_string_is_translated_two_ways_without_a_context(self) -> None:
        """Django merges every app's catalogue and keeps one translation per (context,
        source string): a second, different one is silently lost. One English word with two
        meanings ("Apply" for a grant, "Apply" a filter) needs a pgettext context."""
        seen: dict[tuple[str, str | None, str], dict[str, str]] = {}
        for path in catalogues():
            language = path.parent.parent.name
            for entry in polib.pofile(str(path)):
                if entry.msgstr and not entry.obsolete:
                    key = (language, entry.msgctxt, entry.msgid)
                    seen.setdefault(key, {})[str(path.parents[3].name)] = entry.msgstr
        clashes = [f"{language} {msgid[:50]!r} (context {context}): {apps}"
                   for (language, context, msgid), apps in seen.items()
                   if len(set(apps.values())) > 1]
        self.assertEqual(clashes, [], "\n" + "\n".join(clashes))

    def test_every_plural_entry_has_the_headers_number_of_forms(self) -> None:
        """msgfmt stops at the first such entry in a file; this lists them all."""
        problems = []
        for path in catalogues():
            po = polib.pofile(str(path))
            found = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
            nplurals = int(found.group(1)) if found else 2
            for entry in po:
                if entry.msgid_plural and not entry.obsolete \
                        and len(entry.msgstr_plural) != nplurals:
                    problems.append(f"{path}:{entry.linenum}: {len(entry.msgstr_plural)} forms, "
                                    f"nplurals={nplurals}: {entry.msgid[:50]!r}")
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_every_catalogue_passes_msgfmt_check(self) -> None:
        """msgfmt -c: every plural entry has the header's number of forms (ru 4, ky 1) and
        a python-format msgstr has the same placeholders as its msgid. polib, which
        compiles our catalogues, checks neither; a broken entry shows up as a wrong form
        or a KeyError at run time."""
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            reason = "msgfmt (GNU gettext) is not installed: the catalogues' check is skipped"
            print(reason, file=sys.stderr)
            self.skipTest(reason)
        failures = []
        for path in catalogues():
            result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)],
                                    capture_output=True, text=True, check=False)
            if result.returncode != 0:
                errors = [line for line in result.stderr.splitlines()
                          if "warning: header field" not in line]
                failures.append(f"{path}:\n" + "\n".join(errors))
        self.assertEqual(failures, [], "\n" + "\n".join(failures))
