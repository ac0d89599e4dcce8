"""The public REST API, /api/v1/: each app's `api.py` contributes a `router`."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema

from shaar.lib.apischemas import ErrorOut

API_APPS = ["city", "budgeting", "feedback", "providers", "openbudget", "grants", "actionplan"]
# Shared with Open311, so that a client reads one message whatever the door.
RATE_LIMITED_MESSAGE = gettext_lazy("Too many attempts from this connection or account. "
                                    "Please wait a while and try again.")
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


class ShaarAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        """Ninja answers 422 to any parameter or body it cannot parse, without saying so in
        the schema: document it on every operation that takes input."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}")
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters") or operation.get("requestBody"):
                    operation["responses"].setdefault("422", {
                        "description": "Invalid input",
                        "content": {"application/json": {"schema": ERROR_REF}}})
        return schema


api = ShaarAPI(
    title="Shaar API",
    version="1",
    description="Public, read-mostly API of the civic platform. Personal data is never returned."
                " Every error is an `ErrorOut`: `detail`, and for invalid input the messages of"
                " each field in `errors`.",
    urls_namespace="api-1",
)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The same shape as every other error (ninja's default is a bare list in `detail`)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        field = ".".join(location[1:]) or (location[0] if location else "__all__")
        errors.setdefault(field, []).append(str(error.get("msg", "")))
    detail = _("The request is not valid: check %(fields)s.") % {"fields": ", ".join(errors)}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(BadRequest)
def bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    """A request refused before its view ran (e.g. too many pixels): a 400 ErrorOut."""
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(Ratelimited)
def rate_limited(request: HttpRequest, exc: Ratelimited) -> HttpResponse:
    """A limit of shaar.web.ratelimits was reached: the API's 429 (pages get RATELIMIT_VIEW)."""
    return api.create_response(request, {"detail": RATE_LIMITED_MESSAGE}, status=429)


for app in API_APPS:
    module = import_module(f"shaar.{app}.api")
    api.add_router(f"/{app}/", module.router)
