"""Policy read once per connection: routing rules, SLA policies, holidays and templates are
loaded the first time a connection needs them and reused for the rest of its use (an analysis
batch places its messages one transaction each on one connection, services.ingest.analysis). A
new connection reads them afresh, so a staff edit applies to the next batch without any
invalidation."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")

_STORE: weakref.WeakKeyDictionary[sa.Connection, dict[str, Any]] = weakref.WeakKeyDictionary()


def cached(conn: sa.Connection, key: str, load: Callable[[], T]) -> T:
    store = _STORE.get(conn)
    if store is None:
        store = {}
        _STORE[conn] = store
    if key not in store:
        store[key] = load()
    value: T = store[key]
    return value


def forget(conn: sa.Connection, key: str) -> None:
    store = _STORE.get(conn)
    if store is not None:
        store.pop(key, None)
