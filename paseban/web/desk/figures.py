"""A number on the desk's pages: what it counts, how many, the list behind it, its trend."""

from __future__ import annotations

from dataclasses import dataclass

from paseban.measurement.desk import Trend, sparkline


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
