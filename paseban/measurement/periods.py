"""Reporting periods: an ISO week, a calendar month, or any range of local dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """Local dates `start`..`end`, both included."""

    start: date
    end: date
    kind: str = "range"  # week, month, range

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadPeriod("periode berakhir sebelum dimulai")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start 00:00 local, day after end 00:00 local) as UTC datetimes."""
        lo = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return lo, hi

    def previous(self) -> Period:
        if self.kind == "month":
            last = self.start - timedelta(days=1)
            return Period(last.replace(day=1), last, "month")
        return Period(
            self.start - timedelta(days=self.days), self.start - timedelta(days=1), self.kind
        )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def key(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{BULAN[self.start.month - 1]} {self.start.year}"
        a, b = self.start, self.end
        left = f"{a.day} {BULAN[a.month - 1]}" + (f" {a.year}" if a.year != b.year else "")
        prefix = f"Minggu {a.isocalendar()[1]}, " if self.kind == "week" else ""
        return f"{prefix}{left} – {b.day} {BULAN[b.month - 1]} {b.year}"


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(start, start + timedelta(days=6), "week")


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return Period(start, nxt - timedelta(days=1), "month")


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse(kind: str, text: str | None, *, today: date) -> Period:
    """`weekly` takes 2026-W47 (default: the last full week), `monthly` takes 2026-11 (default:
    the last full month); both also accept YYYY-MM-DD..YYYY-MM-DD."""
    if kind not in ("weekly", "monthly"):
        raise BadPeriod(f"jenis laporan tidak dikenal: {kind!r} (pilihan: weekly, monthly)")
    if not text:
        if kind == "weekly":
            return week_of(today - timedelta(days=7))
        return month_of(today.replace(day=1) - timedelta(days=1))
    text = text.strip()
    if m := _RANGE.match(text):
        try:
            return Period(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        except ValueError as exc:
            raise BadPeriod(f"tanggal tidak sah dalam {text!r}: {exc}") from None
    if kind == "weekly":
        if not (m := _WEEK.match(text)):
            raise BadPeriod(f"periode mingguan harus seperti 2026-W47, bukan {text!r}")
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise BadPeriod(f"minggu tidak ada: {text!r}") from None
        return week_of(start)
    if not (m := _MONTH.match(text)):
        raise BadPeriod(f"periode bulanan harus seperti 2026-11, bukan {text!r}")
    if not 1 <= int(m[2]) <= 12:
        raise BadPeriod(f"bulan tidak ada: {text!r}")
    return month_of(date(int(m[1]), int(m[2]), 1))


def split_months(period: Period) -> tuple[list[date], list[Period]]:
    """The whole calendar months inside a period (their first days), and the day ranges left
    over at either end: a period is summed from monthly roll-ups plus daily ones at the edges."""
    months: list[date] = []
    first = period.start if period.start.day == 1 else month_of(period.start).end + timedelta(1)
    cursor = first
    while cursor <= period.end and month_of(cursor).end <= period.end:
        months.append(cursor)
        cursor = month_of(cursor).end + timedelta(days=1)
    if not months:
        return [], [period]
    edges = []
    if period.start < months[0]:
        edges.append(Period(period.start, months[0] - timedelta(days=1)))
    last_end = month_of(months[-1]).end
    if last_end < period.end:
        edges.append(Period(last_end + timedelta(days=1), period.end))
    return months, edges
