"""Deployment checks (`manage.py check --deploy`): settings that are fine on a laptop and
wrong behind nginx with several gunicorn workers."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",
                      "django.core.cache.backends.dummy.DummyCache")


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[Error]:
    """Rate limits, login locks and the shared page cache live in the cache: in a cache of
    each worker's own, every worker counts apart and each limit is multiplied by workers."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [Error(f"The default cache is per process ({backend}): rate limits would be "
                      "counted by each worker apart.",
                      hint="Set REDIS_URL so that every worker and app server shares one cache.",
                      id="shaar.E001")]
    return []


@register(Tags.security, deploy=True)
def trusted_proxy(app_configs, **kwargs) -> list[Warning]:
    if settings.TRUSTED_PROXY_COUNT or settings.TRUSTED_PROXY_NETWORKS:
        return []
    return [Warning("No trusted proxy is configured: behind nginx, every client has nginx's "
                    "address and the whole city shares one rate limit.",
                    hint="Set TRUSTED_PROXY_COUNT=1 (the shipped nginx) or "
                         "TRUSTED_PROXY_NETWORKS; see deploy/README.md.",
                    id="shaar.W001")]
