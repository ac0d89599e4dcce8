from __future__ import annotations

from decimal import Decimal

from shaar.openbudget.models import BudgetVersion, Direction, Phase
from shaar.openbudget.selectors import plan_of, version_summary
from shaar.testing import EnglishTestCase

from .factories import import_rows, line, make_unit, revenue, seed_sample_budget


class SummaryTests(EnglishTestCase):
    def test_the_summary_equals_the_sum_of_its_lines_for_every_phase(self) -> None:
        seed_sample_budget()
        for version in BudgetVersion.objects.all():
            summary = version_summary(version)
            lines = list(version.lines.all())
            for direction in Direction.values:
                mine = [x for x in lines if x.direction == direction]
                for phase in Phase.values:
                    values = [getattr(x, phase) for x in mine if getattr(x, phase) is not None]
                    expected = sum(values, Decimal(0)) if values else None
                    got = summary["by_direction"][direction][phase]
                    self.assertEqual(got, expected, (version, direction, phase))
                    if got is not None:
                        self.assertIsInstance(got, Decimal)
            for division, totals in summary["by_division"].items():
                mine = [x for x in lines if x.direction == Direction.EXPENDITURE
                        and x.cofog.startswith(division)]
                for phase in Phase.values:
                    values = [getattr(x, phase) for x in mine if getattr(x, phase) is not None]
                    self.assertEqual(totals[phase], sum(values, Decimal(0)) if values else None)
                self.assertEqual(totals["plan"], sum((plan_of(x) for x in mine), Decimal(0)))
            spending = summary["by_direction"][Direction.EXPENDITURE]
            self.assertEqual(spending["approved"],
                             sum((t["approved"] for t in summary["by_division"].values()),
                                 Decimal(0)))

    def test_cents_are_summed_exactly(self) -> None:
        # 0.1 + 0.2 is not 0.3 in floating point; ten thousand such lines would drift.
        make_unit("education")
        rows = [line(economic_code=str(i), approved="0.10", revised="0.20", executed="0.30")
                for i in range(1000)]
        version = import_rows(2025, [*rows, revenue(approved="9999999999999.99")])
        summary = version_summary(version)
        spending = summary["by_direction"]["expenditure"]
        self.assertEqual(spending["approved"], Decimal("100.00"))
        self.assertEqual(spending["revised"], Decimal("200.00"))
        self.assertEqual(spending["executed"], Decimal("300.00"))
        self.assertEqual(summary["by_direction"]["revenue"]["approved"],
                         Decimal("9999999999999.99"))

    def test_the_api_summary_matches_the_lines(self) -> None:
        seed_sample_budget()
        response = self.client.get("/api/v1/openbudget/years/2025/summary")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        version = BudgetVersion.objects.get(fiscal_year__year=2025, is_current=True)
        for direction in Direction.values:
            for phase in Phase.values:
                values = [getattr(x, phase) for x in version.lines.filter(direction=direction)]
                self.assertEqual(Decimal(data["by_direction"][direction][phase]),
                                 sum(values, Decimal(0)))
        for phase in Phase.values:
            self.assertEqual(sum(Decimal(d[phase]) for d in data["by_division"]),
                             Decimal(data["by_direction"]["expenditure"][phase]))
        education = next(d for d in data["by_division"] if d["code"] == "709")
        self.assertEqual(education["cofog_code"], "09")
        self.assertEqual(education["name_ru"], "Образование")

    def test_the_sample_budget_is_bishkek_sized_with_education_largest(self) -> None:
        seed_sample_budget()
        seed_sample_budget()  # idempotent
        self.assertEqual(BudgetVersion.objects.filter(is_current=True).count(), 3)
        for version in BudgetVersion.objects.filter(is_current=True):
            summary = version_summary(version)
            spending = summary["by_direction"]["expenditure"]["plan"]
            self.assertTrue(Decimal("2.4e10") < spending < Decimal("3.2e10"), spending)
            largest = max(summary["by_division"].items(), key=lambda kv: kv[1]["plan"])
            self.assertEqual(largest[0], "709")
            self.assertTrue(version.fiscal_year.is_sample)
