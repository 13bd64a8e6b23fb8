"""The command centre's trends, drawn from the case trail: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from paseban.measurement.desk import (
    daily_counts,
    flow_trend,
    last_days,
    open_at_day_ends,
    sparkline,
    stock_trend,
)

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
OPEN = {"received", "verified", "forwarded", "in_progress"}


def test_days_are_local_and_end_today() -> None:
    days = last_days(date(2026, 11, 27), 3)
    assert days == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    # 26 Nov 23:30 WIB is 16:30 UTC: it counts for the 26th, not the 27th
    late = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    assert daily_counts([late, NOW, NOW], days, WIB) == [0, 1, 2]


def test_open_cases_are_walked_back_through_the_status_changes() -> None:
    days = last_days(date(2026, 11, 27), 3)
    changes = [
        # 25 Nov 10:00 WIB: a case opened (no "from")
        (datetime(2026, 11, 25, 3, 0, tzinfo=UTC), None, "received"),
        # 26 Nov 10:00 WIB: verified (open to open: no change in the count)
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "received", "verified"),
        # 26 Nov 15:00 WIB: another one closed
        (datetime(2026, 11, 26, 8, 0, tzinfo=UTC), "resolved", "closed"),
        # 27 Nov 08:00 WIB: one resolved (leaves the open ones), one opened
        (datetime(2026, 11, 27, 1, 0, tzinfo=UTC), "in_progress", "resolved"),
        (datetime(2026, 11, 27, 1, 30, tzinfo=UTC), None, "received"),
    ]
    series = open_at_day_ends(5, changes, days, WIB, OPEN, now=NOW)
    # end of the 27th is now: 5; end of the 26th: 5 - (+1 - 1) = 5; end of the 25th: 5
    assert series == [5, 5, 5]
    # a case reopened today (resolved -> in_progress) was not open yesterday
    reopened = [(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), "resolved", "in_progress")]
    assert open_at_day_ends(3, reopened, days, WIB, OPEN, now=NOW) == [2, 2, 3]


@given(st.lists(st.tuples(st.integers(0, 13 * 24), st.booleans()), max_size=40))
def test_the_walk_back_agrees_with_counting_forward(moves: list[tuple[int, bool]]) -> None:
    """Replaying openings and closings forward from nothing gives, at each day's end, the
    number the walk back from today's count finds."""
    days = last_days(date(2026, 11, 27))
    start = datetime(2026, 11, 14, 0, 0, tzinfo=WIB)
    changes: list[tuple[datetime, str | None, str]] = []
    open_now = 0
    for hours, opens in sorted(moves):
        at = start + timedelta(hours=hours)
        if opens:
            changes.append((at, None, "received"))
            open_now += 1
        elif open_now:
            changes.append((at, "received", "closed"))
            open_now -= 1
    series = open_at_day_ends(open_now, changes, days, WIB, OPEN, now=NOW)
    for day, value in zip(days, series, strict=True):
        end = min(datetime.combine(day + timedelta(days=1), datetime.min.time(), WIB), NOW)
        forward = sum(1 if frm is None else -1 for at, frm, _ in changes if at < end)
        assert value == forward


def test_trends_say_what_changed() -> None:
    days = last_days(date(2026, 11, 27))
    rising = stock_trend(days, [10] * 7 + [12] * 7, more_is_worse=True)
    assert rising.words == "naik 2 dari 7 hari lalu" and rising.worse is True
    same = stock_trend(days, [4] * 14, more_is_worse=True)
    assert same.words == "sama dengan 7 hari lalu" and same.worse is None
    fewer = flow_trend(days, [3] * 7 + [1] * 7, what="dibuka", more_is_worse=True)
    assert fewer.words == "dibuka 7 dalam 7 hari (sebelumnya 21)" and fewer.worse is False


def test_sparkline_fits_its_box() -> None:
    points = sparkline([0, 5, 10], width=100, height=20)
    coords = [tuple(map(float, p.split(","))) for p in points.split()]
    assert coords[0] == (0.0, 18.0) and coords[-1] == (100.0, 2.0)
    assert sparkline([]) == "" and len(sparkline([0] * 14).split()) == 14
