"""The public REST API, /api/v1/: each app's `api.py` contributes a `router`."""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

API_APPS = ["city", "budgeting", "feedback", "providers", "openbudget", "grants", "actionplan"]

api = NinjaAPI(
    title="Shaar API",
    version="1",
    description="Public, read-mostly API of the civic platform. Personal data is never returned.",
    urls_namespace="api-1",
)

for app in API_APPS:
    module = import_module(f"shaar.{app}.api")
    api.add_router(f"/{app}/", module.router)
