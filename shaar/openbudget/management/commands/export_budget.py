"""manage.py export_budget YEAR --format csv|json|fdp --output PATH"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from shaar.openbudget import exports
from shaar.openbudget.models import BudgetVersion


class Command(BaseCommand):
    help = "Export a year's current budget version as CSV, JSON or a Fiscal Data Package (zip)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=["csv", "json", "fdp"], default="fdp")
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--number", dest="number", type=int, default=None,
                            help="A version number (default: the current version).")

    def handle(self, *args, **options) -> None:
        versions = BudgetVersion.objects.filter(fiscal_year__year=options["year"])
        versions = (versions.filter(number=options["number"]) if options["number"]
                    else versions.filter(is_current=True))
        version = versions.select_related("fiscal_year").first()
        if version is None:
            raise CommandError(f"No budget for {options['year']}.")
        output: Path = options["output"]
        if options["format"] == "csv":
            output.write_text(exports.version_csv(version), encoding="utf-8")
        elif options["format"] == "json":
            output.write_text(json.dumps(exports.version_json(version), cls=DjangoJSONEncoder,
                                         ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            output.write_bytes(exports.version_fdp_zip(version))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
