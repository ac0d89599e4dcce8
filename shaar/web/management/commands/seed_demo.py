from __future__ import annotations

import time
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shaar.lib.demo import SCALES, demo_scale


def demo_modules() -> list[str]:
    """`<app>.demo` of every Shaar app that has one, in INSTALLED_APPS order
    (city and accounts come first, so later apps can use their rows)."""
    names = [f"{app}.demo" for app in settings.INSTALLED_APPS if app.startswith("shaar.")]
    return [name for name in names if find_spec(name) is not None]


class Command(BaseCommand):
    help = "Load demo data (idempotent): every app's sample rows, marked as sample data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="Do nothing if demo data was loaded before (used by make run).")
        parser.add_argument("--demo-server", action="store_true",
                            help="Load it with DEBUG off: this installation is a public demo "
                                 "(or set DEMO_SERVER=true).")
        parser.add_argument("--scale", choices=sorted(SCALES),
                            help="How much data: small (tests), demo (the default) or city "
                                 "(Bishkek's volume, for benchmarks). Default: DEMO_SCALE.")
        parser.add_argument("--check", action="store_true",
                            help="Afterwards, check that every figure shown in two places "
                                 "agrees; fail if one does not.")

    def handle(self, *args, once: bool = False, demo_server: bool = False,
               scale: str | None = None, check: bool = False, **options) -> None:
        # The demo accounts share a published password and the demo Open311 key is public:
        # on a real city's server they would be open doors.
        if not (demo_server or settings.DEMO_SERVER):
            raise CommandError("DEBUG is off: demo data (published passwords, a public API "
                               "key) is loaded only on a demo server. Pass --demo-server "
                               "or set DEMO_SERVER=true if this is one.")
        from shaar.city.models import City

        chosen = demo_scale(scale)
        if once and City.objects.filter(demo_data_loaded=True).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            started = time.monotonic()
            for name in demo_modules():
                began = time.monotonic()
                with transaction.atomic():
                    import_module(name).seed(scale=chosen)
                self.stdout.write(f"seeded {name} ({time.monotonic() - began:.1f} s)")
            self.stdout.write(f"scale {chosen.name}: {time.monotonic() - started:.1f} s")
            from shaar.accounts.demo import DEMO_PASSWORD
            from shaar.accounts.models import User

            users = ", ".join(User.objects.filter(username__startswith="demo-")
                              .order_by("username").values_list("username", flat=True))
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded. Sample accounts ({users}) use the password "
                f"{DEMO_PASSWORD}."))
        if check:
            from shaar.web.demo_checks import disagreements

            problems = disagreements()
            if problems:
                raise CommandError("The demo disagrees with itself:\n" + "\n".join(problems))
            self.stdout.write(self.style.SUCCESS("Every figure shown in two places agrees."))
