"""Open311 GeoReport v2 at /open311/v2/ (no language prefix): see views.py."""

from django.urls import path, re_path

from . import views

# Any extension reaches the view, which answers an unknown one with the error array.
FMT = r"\.(?P<fmt>[^/.]+)$"

urlpatterns = [
    path("openapi.json", views.openapi_description, name="open311-openapi"),
    re_path(r"^discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, views.services, name="open311-services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, views.service_definition,
            name="open311-service"),
    re_path(r"^requests" + FMT, views.requests_view, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, views.request_detail,
            name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, views.token_view, name="open311-token"),
    # Open311 clients read errors as the specification's array, never as an HTML page.
    re_path(r"^", views.not_found, name="open311-not-found"),
]
