"""The reference tables every submission reads (categories with their questions, routing
rules), memoised per process: see `shaar.lib.memo` for how changes propagate."""

from __future__ import annotations

from shaar.city.models import Department, District, Organisation
from shaar.lib.memo import Memo

from .models import Category, Question, RoutingRule


def _load_categories() -> dict[str, Category]:
    return {c.code: c for c in
            Category.objects.filter(is_active=True).prefetch_related("questions")}


def _load_routes() -> dict[tuple[int, int | None], tuple[Department | None,
                                                         Organisation | None]]:
    return {(r.category_id, r.district_id): (r.department, r.organisation)
            for r in RoutingRule.objects.select_related("department", "organisation")}


_categories = Memo(_load_categories, models=(Category, Question))
_routes = Memo(_load_routes, models=(RoutingRule, District, Department, Organisation))


def active_category(code: str) -> Category | None:
    """The active category with this code, its questions prefetched; None if unknown."""
    return _categories.get().get(code)


def routes() -> dict[tuple[int, int | None], tuple[Department | None, Organisation | None]]:
    """(category id, district id or None for city-wide) → (department, organisation)."""
    return _routes.get()
