"""Trusted seats that are not staff roles: memberships of one object (a grant committee, a
plan's independent monitor, the supervisory board). Their holders score, publish and
assess, so they must use two-factor authentication like staff.

Each app registers, from its AppConfig.ready, the model of its seats and a filter on users
who hold one; `holds_trusted_seat` asks them all in one query. The answer is cached per
user (most signed-in people are residents with no seat, asked on every request) and
forgotten whenever a seat row of that user is saved or deleted.
"""

from __future__ import annotations

import functools
import logging
import operator
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)
SEAT_FILTERS: list[Callable[[], Q]] = []
CACHE_SECONDS = 300


def _cache_key(user_id: int) -> str:
    return f"accounts:trusted-seat:{user_id}"


def _forget(sender, instance: Model, **kwargs) -> None:
    user_id = getattr(instance, "user_id", None)
    if user_id:
        try:
            cache.delete(_cache_key(user_id))
        except Exception:  # the seat is saved; the cached answer expires within minutes
            logger.warning("trusted-seat cache of user %s not cleared", user_id)


def register(model: type[Model], users_holding: Callable[[], Q]) -> None:
    """`users_holding()` is a filter on users (e.g. `Q(grant_committees__isnull=False)`),
    called at check time so it may depend on today's date."""
    SEAT_FILTERS.append(users_holding)
    post_save.connect(_forget, sender=model, dispatch_uid=f"seat-{model._meta.label}")
    post_delete.connect(_forget, sender=model, dispatch_uid=f"seat-{model._meta.label}-del")


def holds_trusted_seat(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not SEAT_FILTERS:
        return False
    key = _cache_key(user.pk)
    try:
        held = cache.get(key)
    except Exception:  # a cache outage costs a query here, never the page
        return _ask_the_database(user)
    if held is None:
        held = _ask_the_database(user)
        cache.set(key, held, CACHE_SECONDS)
    return held


def _ask_the_database(user) -> bool:
    seated = functools.reduce(operator.or_, (f() for f in SEAT_FILTERS))
    return get_user_model().objects.filter(pk=user.pk).filter(seated).exists()
