from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from shaar.lib import metrics


def _client_addresses(request: HttpRequest) -> list[str]:
    """The peer and every address a proxy added: each must be in an allowed network.

    Behind nginx the peer is nginx itself; nginx appends the real client to
    X-Forwarded-For, so a public client is refused even though the peer is local. A client
    that forges the header can only add addresses, which never grants access.
    """
    addresses = [request.META.get("REMOTE_ADDR", "")]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses += [part.strip() for part in forwarded.split(",") if part.strip()]
    real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
    if real_ip:
        addresses.append(real_ip)
    return addresses


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(net, strict=False)
               for net in settings.METRICS_ALLOWED_NETWORKS)


@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the operator's network only (404 elsewhere: not advertised)."""
    if not all(_allowed(address) for address in _client_addresses(request)):
        raise Http404
    queues = list(getattr(settings, "METRICS_CELERY_QUEUES", ["celery"]))
    broker = "" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
    body = metrics.render(broker_url=broker, queues=queues)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage of the database or Redis, or a full disk, anywhere (middleware
    included) is a 503 with a clear message; anything else is a plain 500 page."""
    import sys

    from django.views import defaults

    from .middleware import is_disk_full, is_outage, unavailable_response

    exc = sys.exc_info()[1]
    if is_outage(exc):
        return unavailable_response(request, disk_full=is_disk_full(exc))
    return defaults.server_error(request)
