from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from shaar.actionplan.forms import ProgressForm


class UploadHelpTests(SimpleTestCase):
    def test_it_translates_the_upload_help_in_the_language_of_each_page(self) -> None:
        texts = {}
        for code in ("ky", "ru", "en"):
            with translation.override(code):
                texts[code] = str(ProgressForm().fields["files"].help_text)
        self.assertIn("up to", texts["en"])
        self.assertIn("до", texts["ru"])
        self.assertIn("чейин", texts["ky"])
