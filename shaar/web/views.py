from __future__ import annotations

import json
import logging

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from shaar.city.maps import service_worker_tiles
from shaar.city.models import City
from shaar.lib.pagecache import shared_with_visitors
from shaar.lib.uploads import TooManyPixels

from . import registry

logger = logging.getLogger(__name__)


@require_GET
@shared_with_visitors
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "web/home.html", {"cards": registry.home_cards(request)})


@require_GET
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """The language menu: the same page in the chosen language, remembered in a cookie.

    A GET (Django's set_language wants a POST, hence a CSRF token on every page, which kept
    public pages from being cached for visitors): choosing a language changes nothing but
    the visitor's own preference.
    """
    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(target)
    response = HttpResponseRedirect(translate_url(target, language))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                        domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE,
                        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


class DesignSampleForm(forms.Form):
    """A form on the design page, bound with a mistake so that errors show."""

    name = forms.CharField(label=gettext_lazy("Your name"),
                           help_text=gettext_lazy("As on your ID card."))
    district = forms.ChoiceField(label=gettext_lazy("District"),
                                 choices=[("", "—"), ("1", "1"), ("2", "2")])


@require_GET
def design(request: HttpRequest) -> TemplateResponse:
    """The living page of the design system (docs/design-system.md): every component as the
    site draws it. For staff accounts, or anyone on a development machine."""
    if not (settings.DEBUG or request.user.is_staff):
        raise Http404
    form = DesignSampleForm({"name": "", "district": ""})
    form.is_valid()
    bars = [(_("Roads"), 42), (_("Lighting"), 27), (_("Waste"), 18), (_("Water"), 9)]
    top = max(value for _label, value in bars)
    chart = [{"label": label, "value": value, "width": round(value * 100 / top)}
             for label, value in bars]
    tokens = ["ink", "muted", "soft", "line", "brand", "brand-dark", "brand-soft", "ok", "ok-soft",
              "warn", "warn-soft", "danger", "danger-soft", "focus"]
    return TemplateResponse(request, "web/design.html",
                            {"form": form, "chart": chart, "tokens": tokens,
                             "sample_number": 40000000, "sample_decimal": 33.6})


@require_GET
@shared_with_visitors
def sample_data(request: HttpRequest) -> TemplateResponse:
    """What the one-line sample-data banner links to: what is invented, and how to tell."""
    return TemplateResponse(request, "web/sample_data.html")


@require_GET
def offline(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "web/offline.html")


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    city = City.current()
    icons = [
        {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("web/icons/icon-maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
    ]
    data = {
        "name": f"{city.name} · Shaar",
        "short_name": city.name,
        "description": _("Civic budget, citizen feedback and open government"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("web:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> TemplateResponse:
    """Served from the site root so that its scope covers every page."""
    shell = [static("web/css/site.css"), static("web/js/site.js"),
             static("vendor/htmx/htmx.min.js"), static("web/icons/icon.svg")]
    pages = registry.offline_pages()
    shell += sorted({static(path) for page in pages for path in page.static})
    offline_urls, page_urls = [], []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            offline_urls.append(reverse("web:offline"))
            page_urls += [reverse(page.url_name) for page in pages]
    context = {"shell": json.dumps(shell), "offline_urls": json.dumps(offline_urls),
               "pages": json.dumps(page_urls), "version": settings.SHELL_VERSION,
               "tiles": json.dumps(service_worker_tiles())}
    return TemplateResponse(request, "web/sw.js", context,
                            content_type="application/javascript; charset=utf-8")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache read-back failed")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from shaar.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Public health check: database, cache and broker; 503 when one is down."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    status: dict[str, str] = {}
    for name, check in checks.items():
        try:
            status[name] = check()
        except Exception as exc:  # any failure means "down"; the cause goes to the log
            logger.warning("healthz: %s is down: %s", name, exc)
            status[name] = "down"
    healthy = "down" not in status.values()
    return JsonResponse({"status": "ok" if healthy else "down", "checks": status},
                        status=200 if healthy else 503)


def _error(request: HttpRequest, status: int, message: str) -> TemplateResponse:
    return TemplateResponse(request, "web/error.html", {"status": status, "message": message},
                            status=status)


def bad_request(request, exception=None):
    if isinstance(exception, TooManyPixels):  # its message says what to do
        return _error(request, 400, str(exception))
    return _error(request, 400, _("The request could not be understood. Please check what you "
                                  "entered and try again."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("You do not have permission to see this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("This page does not exist. It may have been moved or removed."))


def too_many_requests(request, exception=None):
    """RATELIMIT_VIEW: the one answer when a rate limit is reached (shaar.web.ratelimits)."""
    return _error(request, 429, _("Too many attempts from this connection or account. Please "
                                  "wait a while and try again."))
