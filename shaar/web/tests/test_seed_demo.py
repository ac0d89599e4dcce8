from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase

from shaar.accounts.models import User
from shaar.city.models import City, District


class SeedDemoTests(TestCase):
    def test_it_is_idempotent_and_marks_sample_data(self) -> None:
        call_command("seed_demo", stdout=io.StringIO())
        counts = (District.objects.count(), User.objects.count())
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual((District.objects.count(), User.objects.count()), counts)
        self.assertEqual(counts[0], 4)
        self.assertTrue(City.current().demo_data_loaded)
        self.assertFalse(District.objects.filter(is_sample=False).exists())

    def test_once_skips_a_loaded_database(self) -> None:
        call_command("seed_demo", stdout=io.StringIO())
        out = io.StringIO()
        call_command("seed_demo", "--once", stdout=out)
        self.assertIn("already loaded", out.getvalue())
