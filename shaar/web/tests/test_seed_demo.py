from __future__ import annotations

import io

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from shaar.accounts.models import User
from shaar.actionplan.models import Contribution
from shaar.budgeting.models import Proposal
from shaar.city.models import City, District
from shaar.feedback.models import ApiClient
from shaar.testing import load_demo


class SeedDemoTests(TestCase):
    """Seeding takes 20-40 s: these tests start from the demo already seeded once in this
    process (`load_demo`, the rows seed_demo wrote) and run the command only where its own
    behaviour is under test."""

    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_it_is_idempotent_and_marks_sample_data(self) -> None:
        counts = (District.objects.count(), User.objects.count())
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual((District.objects.count(), User.objects.count()), counts)
        self.assertEqual(counts[0], 4)
        self.assertTrue(City.current().demo_data_loaded)
        self.assertFalse(District.objects.filter(is_sample=False).exists())

    def test_names_carry_no_english_sample_suffix_into_kyrgyz_and_russian_pages(self) -> None:
        self.assertEqual(User.objects.get(username="demo-resident").display_name, "Айгүл")
        self.assertEqual(list(User.objects.filter(display_name__icontains="sample")
                              .values_list("display_name", flat=True)), [])
        self.assertEqual(list(Contribution.objects.filter(author_name__icontains="sample")
                              .values_list("author_name", flat=True)), [])
        proposal = Proposal.objects.filter(author__isnull=False, hidden=False).first()
        assert proposal is not None and proposal.author is not None
        with translation.override("ky"):
            url = reverse("budgeting:proposal", args=[proposal.pk])
        page = self.client.get(url)
        self.assertContains(page, proposal.author.public_name)
        self.assertNotContains(page, "(sample")

    def test_once_skips_a_loaded_database(self) -> None:
        users = User.objects.count()
        out = io.StringIO()
        call_command("seed_demo", "--once", stdout=out)
        self.assertIn("already loaded", out.getvalue())
        self.assertEqual(User.objects.count(), users)


class SeedDemoOnARealServerTests(TestCase):
    """The check before seeding. Seeding itself is what `load_demo` does (the first time in
    a process it runs seed_demo), tested above; here --once stops the command right after
    the check, on a database that already holds the demo."""

    @override_settings(DEMO_SERVER=False)  # DEBUG off: the default is then False
    def test_it_refuses_with_debug_off_unless_told_this_is_a_demo_server(self) -> None:
        for arguments in ([], ["--once"]):  # --once is no way round the check
            with self.assertRaisesMessage(CommandError, "--demo-server"):
                call_command("seed_demo", *arguments, stdout=io.StringIO())
        self.assertFalse(User.objects.exists())
        self.assertFalse(ApiClient.objects.exists())
        load_demo()
        out = io.StringIO()
        call_command("seed_demo", "--demo-server", "--once", stdout=out)
        self.assertIn("already loaded", out.getvalue())

    def test_it_loads_on_a_server_configured_as_a_demo(self) -> None:
        load_demo()
        with override_settings(DEMO_SERVER=True):
            out = io.StringIO()
            call_command("seed_demo", "--once", stdout=out)
        self.assertIn("already loaded", out.getvalue())
        with override_settings(DEMO_SERVER=False), \
                self.assertRaisesMessage(CommandError, "--demo-server"):
            call_command("seed_demo", "--once", stdout=io.StringIO())
