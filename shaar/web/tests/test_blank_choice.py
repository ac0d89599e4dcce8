"""The empty choice of a select box is in the page's language (Django 6.1's own
"- Select an option -" has no ky or ru translation)."""

from __future__ import annotations

from django import forms
from django.db import models
from django.test import SimpleTestCase
from django.utils import translation

from shaar.city.models import District
from shaar.feedback.forms import InboxFilterForm
from shaar.testing import BaseTestCase

EXPECTED = {"ky": "Тандаңыз…", "ru": "Выберите…", "en": "Choose…"}
DJANGO_LABELS = ("- Select an option -", "---------")


class SelectForm(forms.Form):
    # A model field with choices and blank=True, as a ModelForm would build it.
    size = models.CharField(max_length=10, blank=True,
                            choices=[("s", "small"), ("m", "medium")]).formfield()
    district = forms.ModelChoiceField(District.objects.none(), required=False)


class BlankChoiceLabelTests(SimpleTestCase):
    def test_the_empty_choice_is_translated_in_every_language(self) -> None:
        for language, label in EXPECTED.items():
            with self.subTest(language), translation.override(language):
                html = str(SelectForm())
                self.assertEqual(html.count(f'<option value="" selected>{label}</option>'), 2,
                                 html)
                for django_label in DJANGO_LABELS:
                    self.assertNotIn(django_label, html)


class InboxFilterSelectTests(BaseTestCase):
    def test_the_inbox_filters_empty_choices_say_all(self) -> None:
        for language, everything in (("ky", "баары"), ("ru", "все")):
            with self.subTest(language), translation.override(language):
                html = str(InboxFilterForm())
                # status, channel, category and district: each empty choice means "all"
                self.assertEqual(html.count(f'<option value="" selected>{everything}</option>'),
                                 4, html)
                for django_label in DJANGO_LABELS:
                    self.assertNotIn(django_label, html)

    def test_the_public_statistics_page_has_no_untranslated_empty_choice(self) -> None:
        for language, everything in (("ky", "баары"), ("ru", "все")):
            with self.subTest(language):
                html = self.client.get(f"/{language}/feedback/stats/").content.decode()
                self.assertIn(f'<option value="" selected>{everything}</option>', html)
                for django_label in DJANGO_LABELS:
                    self.assertNotIn(django_label, html)
