from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, register_converter
from django.views.static import serve

from shaar.api.api import api
from shaar.city import views as city_views
from shaar.lib.ids import IdConverter
from shaar.ops import views as ops_views
from shaar.web import views as web_views

# <id:…> in every app's patterns: ids out of the database's range are a 404 (shaar.lib.ids).
register_converter(IdConverter, "id")

# The admin logs in through allauth, so staff get two-factor authentication there too.
# Replacing the bound method on this one instance is the point.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Shaar"

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("sw.js", web_views.service_worker, name="service-worker"),
    path("tiles/city.pmtiles", city_views.tiles, name="map-tiles"),
    path("i18n/switch/", web_views.switch_language, name="switch_language"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("shaar.api.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("shaar.web.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("shaar.accounts.urls")),
    path("budget/", include("shaar.budgeting.urls")),
    path("feedback/", include("shaar.feedback.urls")),
    path("providers/", include("shaar.providers.urls")),
    path("city-budget/", include("shaar.openbudget.urls")),
    path("grants/", include("shaar.grants.urls")),
    path("ogp/", include("shaar.actionplan.urls")),
    path("manage/", include("shaar.console.urls")),
)

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "shaar.web.views.bad_request"
handler403 = "shaar.web.views.permission_denied"
handler404 = "shaar.web.views.page_not_found"
handler500 = "shaar.ops.views.server_error"
