from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[str]:
    """`<app>.demo` of every Shaar app that has one, in INSTALLED_APPS order
    (city and accounts come first, so later apps can use their rows)."""
    names = [f"{app}.demo" for app in settings.INSTALLED_APPS if app.startswith("shaar.")]
    return [name for name in names if find_spec(name) is not None]


class Command(BaseCommand):
    help = "Load demo data (idempotent): every app's sample rows, marked as sample data."

    def handle(self, *args, **options) -> None:
        for name in demo_modules():
            with transaction.atomic():
                import_module(name).seed()
            self.stdout.write(f"seeded {name}")
        from shaar.accounts.demo import DEMO_PASSWORD, PERSONAS

        users = ", ".join(username for username, *_rest in PERSONAS)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded. Sample accounts ({users}) use the password {DEMO_PASSWORD}."))
