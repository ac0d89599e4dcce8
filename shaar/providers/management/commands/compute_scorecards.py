"""Recompute stored scorecards by hand: `manage.py compute_scorecards 2026-01 [2026-02 …]`
(default: last month and this month, as the nightly job does)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shaar.providers import actions, metrics, selectors


class Command(BaseCommand):
    help = "Recompute provider scorecards for the given months (YYYY-MM)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("months", nargs="*", help="months as YYYY-MM")

    def handle(self, *args, months: list[str], **options) -> None:
        try:
            wanted = [selectors.parse_month(m) for m in months]
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if not wanted:
            current = selectors.current_month()
            wanted = [metrics.previous_month(current), current]
        for month in wanted:
            started = time.monotonic()
            count = actions.scorecards_compute(month=month)
            self.stdout.write(f"{month:%Y-%m}: {count} reports in "
                              f"{time.monotonic() - started:.1f} s")
