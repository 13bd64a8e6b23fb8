"""A number on the desk's pages (what it counts, how many, the list behind it, its trend), and
the short reuse of the 30-day figures they show beside the live counts."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request

from paseban.measurement.desk import Trend, sparkline

T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    href: str  # the list that shows exactly these
    hint: str = ""  # what it counts, in a few words
    trend: Trend | None = None
    cap: int | None = None  # counted up to cap + 1: shown as "10.000+"
    urgent: bool = False  # drawn in the alarm colour when not zero

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.value > self.cap

    @property
    def shown(self) -> int:
        return min(self.value, self.cap) if self.cap is not None else self.value

    @property
    def points(self) -> str:
        return sparkline(self.trend.values) if self.trend else ""


REUSE_SECONDS = 300.0  # a 30-day measurement is computed at most this often


def reused(request: Request, key: Hashable, make: Callable[[], T]) -> T:
    """What `make` computed for `key` in the last REUSE_SECONDS (kept on the app, per process):
    the desk's pages refresh every minute, and a 30-day figure need not be measured each time."""
    store: dict[Hashable, tuple[float, Any]] = getattr(request.app.state, "desk_reused", {})
    now = time.monotonic()
    found = store.get(key)
    if found is not None and now - found[0] < REUSE_SECONDS:
        value: T = found[1]
        return value
    made = make()
    store = {k: v for k, v in store.items() if now - v[0] < REUSE_SECONDS}
    store[key] = (now, made)
    request.app.state.desk_reused = store
    return made
