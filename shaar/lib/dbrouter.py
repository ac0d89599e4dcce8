"""Send the reads of public read-only pages to a PostgreSQL read replica.

A view opts in with `@use_replica`; everything else — writes, reads inside a transaction,
every page that did not opt in, management commands, tasks — uses the primary. With no
replica configured (`DATABASE_REPLICA_URL` unset) the router and the decorator do nothing.

A replica lags the primary by a little; only pages where a second of staleness is harmless
opt in (public lists, results, the citizen's budget), never a page that reads back what
the same visitor just wrote.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse

REPLICA = "replica"

_replica_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica",
                                                                      default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, ORM reads outside a transaction may go to the replica."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def use_replica[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Decorator for a public read-only view. Also renders a TemplateResponse inside the
    block, since its template (where most queries run) is rendered after the view returns."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        return response

    return cast(V, wrapper)  # the same signature: it calls the view with what it got


class ReplicaRouter:
    """`DATABASE_ROUTERS = ["shaar.lib.dbrouter.ReplicaRouter"]`."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _replica_wanted.get() or not replica_configured():
            return None
        # Inside a transaction on the primary, read your own writes there.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects from either may relate.
        dbs = {obj1._state.db, obj2._state.db}
        if dbs <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool | None:
        # Never migrate the replica: it follows the primary through streaming replication.
        if db == REPLICA:
            return False
        return None
