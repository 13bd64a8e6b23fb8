"""The command centre's trends, as pure functions over rows the queries read from the case trail
(measurement/desk_queries.py): how many cases were open at the end of each of the last days,
how many opened, missed a deadline or were escalated each day, and the change in words.

Reading the trail rather than keeping daily snapshots means a trend is right from the first
day on a database with history, and cannot disagree with the events it summarises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from paseban.domain import fmt

DAYS = 14  # the sparkline's length
WEEK = 7


def last_days(today: date, n: int = DAYS) -> list[date]:
    """The n local days ending with today, oldest first."""
    return [today - timedelta(days=n - 1 - i) for i in range(n)]


def day_end(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after a local day (midnight that follows it), aware."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def daily_counts(times: Iterable[datetime], days: Sequence[date], tz: ZoneInfo) -> list[int]:
    """How many of `times` fell on each local day (days outside the list are ignored)."""
    counts = Counter(at.astimezone(tz).date() for at in times)
    return [counts.get(day, 0) for day in days]


def open_at_day_ends(
    open_now: int,
    changes: Iterable[tuple[datetime, str | None, str]],
    days: Sequence[date],
    tz: ZoneInfo,
    open_statuses: Collection[str],
    *,
    now: datetime,
) -> list[int]:
    """How many cases were open at the end of each day (the last day: now). Walks back from
    `open_now` through the status changes `(at, from, to)` since the first day: a change into
    an open status added one, a change out of one took one away (an opening has no `from`)."""
    moves: list[tuple[datetime, int]] = []
    for at, before, after in changes:
        step = (after in open_statuses) - (before is not None and before in open_statuses)
        if step:
            moves.append((at, step))
    out = []
    for day in days:
        end = day_end(day, tz)
        later = sum(step for at, step in moves if end <= at) if end < now else 0
        out.append(open_now - later)
    return out


@dataclass(frozen=True)
class Trend:
    """A figure's last days for a sparkline (oldest first) and the change in words.
    `worse`: whether the change is bad news (more backlog, more late work), for its colour."""

    days: tuple[date, ...]
    values: tuple[int, ...]
    words: str
    worse: bool | None


def stock_trend(days: Sequence[date], values: Sequence[int], *, more_is_worse: bool) -> Trend:
    """A count at a moment (open cases): today against a week earlier."""
    now, before = values[-1], values[-1 - WEEK] if len(values) > WEEK else values[0]
    delta = now - before
    if delta == 0:
        words, worse = "sama dengan 7 hari lalu", None
    else:
        words = f"{'naik' if delta > 0 else 'turun'} {fmt.number(abs(delta))} dari 7 hari lalu"
        worse = (delta > 0) == more_is_worse
    return Trend(tuple(days), tuple(values), words, worse)


def flow_trend(
    days: Sequence[date], values: Sequence[int], *, what: str, more_is_worse: bool
) -> Trend:
    """Things that happen (cases opened, deadlines missed): the last 7 days against the 7
    before them."""
    week, before = sum(values[-WEEK:]), sum(values[-2 * WEEK : -WEEK])
    words = f"{what} {fmt.number(week)} dalam 7 hari (sebelumnya {fmt.number(before)})"
    worse = None if week == before else (week > before) == more_is_worse
    return Trend(tuple(days), tuple(values), words, worse)


def sparkline(values: Sequence[int], *, width: float = 120, height: float = 28) -> str:
    """SVG polyline points for the values, scaled to the box (the baseline at the bottom)."""
    if not values:
        return ""
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    pad = 2.0
    return " ".join(
        f"{round(i * step, 1)},{round(height - pad - (v / top) * (height - 2 * pad), 1)}"
        for i, v in enumerate(values)
    )
