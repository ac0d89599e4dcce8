"""Process-local memos of small reference tables read on every write.

A report submission needs its category (with questions), every district boundary and the
routing rules. Reading them from the database each time cost three of its queries; a memo
reads each table once per `ttl` seconds per process instead. The process that saves a row
drops the memo at once and at commit (model signals); other processes see the change within `ttl`
seconds, which is soon enough for tables that staff edit a few times a year.

Tests clear every memo between tests (`clear_all`, from the root conftest), because a
rolled-back test transaction sends no signal.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

_ALL: weakref.WeakSet[Memo[Any]] = weakref.WeakSet()


class Memo[T]:
    def __init__(self, load: Callable[[], T], *, ttl: float = 60,
                 models: tuple[type, ...] = ()) -> None:
        self._load = load
        self._ttl = ttl
        self._lock = threading.Lock()
        self._value: tuple[float, T] | None = None
        for model in models:
            post_save.connect(self._on_change, sender=model, weak=False)
            post_delete.connect(self._on_change, sender=model, weak=False)
        _ALL.add(self)

    def get(self) -> T:
        entry = self._value
        if entry is None or time.monotonic() - entry[0] > self._ttl:
            with self._lock:
                entry = self._value
                if entry is None or time.monotonic() - entry[0] > self._ttl:
                    entry = (time.monotonic(), self._load())
                    self._value = entry
        return entry[1]

    def clear(self) -> None:
        self._value = None

    def _on_change(self, **kwargs: object) -> None:
        # Now, and again at commit: another thread may reload the old rows in between.
        self.clear()
        transaction.on_commit(self.clear)


def clear_all() -> None:
    for memo in list(_ALL):
        memo.clear()
