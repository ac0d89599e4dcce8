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

from django.db import DEFAULT_DB_ALIAS, connections

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


def use_replica(view: Callable) -> Callable:
    """Decorator for a public read-only view. Also renders a TemplateResponse inside the
    block, since its template (where most queries run) is rendered after the view returns."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    return wrapper


class ReplicaRouter:
    """`DATABASE_ROUTERS = ["shaar.lib.dbrouter.ReplicaRouter"]`."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _replica_wanted.get() or not replica_configured():
            return None
        # Inside a transaction on the primary, read your own writes there.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the same rows as the primary: objects from either may relate.
        dbs = {obj1._state.db, obj2._state.db}
        if dbs <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # Never migrate the replica: it follows the primary through streaming replication.
        if db == REPLICA:
            return False
        return None
