from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paseban import reference
from paseban.domain.workdays import JAKARTA, CalendarError, WorkCalendar

HOLIDAYS = frozenset(h.date for h in reference.for_city("32.71").holidays)
CAL = WorkCalendar(holidays=HOLIDAYS)


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_skips_weekends_and_holidays() -> None:
    calendar = WorkCalendar(holidays=frozenset({date(2025, 1, 27), date(2025, 1, 29)}))
    friday_9am_wib = datetime(2025, 1, 24, 2, 0, tzinfo=UTC)
    assert calendar.add_working_days(friday_9am_wib, 1) == datetime(2025, 1, 28, 2, 0, tzinfo=UTC)


def test_idulfitri_2026_with_nyepi_and_cuti_bersama() -> None:
    # Tuesday 17 March 2026: Nyepi (18 cuti, 19 libur), Idulfitri 20-24 (libur + cuti bersama)
    assert [CAL.is_working_day(date(2026, 3, d)) for d in range(17, 26)] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    start = wib(2026, 3, 17, 10, 30)
    assert CAL.add_working_days(start, 1) == wib(2026, 3, 25, 10, 30)
    assert CAL.add_working_days(start, 3) == wib(2026, 3, 27, 10, 30)
    # 5 working days (OPD follow-up) from the Monday before: 16, 17 then 25, 26, 27
    assert CAL.add_working_days(wib(2026, 3, 13, 15, 0), 5) == wib(2026, 3, 27, 15, 0)
    # 10 working days (auto-close) across the whole break and Good Friday (3 April)
    assert CAL.add_working_days(wib(2026, 3, 16, 9, 0), 10) == wib(2026, 4, 7, 9, 0)


def test_a_report_on_a_holiday_counts_from_the_next_working_day() -> None:
    # sent on Idulfitri itself: the clock starts Wednesday 25 March 00:00
    assert CAL.add_working_days(wib(2026, 3, 21, 20, 0), 3) == wib(2026, 3, 30, 0, 0)
    assert CAL.add_working_days(wib(2026, 3, 21, 20, 0), 0) == wib(2026, 3, 25, 0, 0)


def test_year_end_2026_into_2027() -> None:
    # 24 Dec cuti bersama, 25 Dec Natal, 26-27 weekend, 1 Jan 2027 (Friday) Tahun Baru
    start = wib(2026, 12, 23, 14, 0)  # Wednesday
    assert CAL.add_working_days(start, 1) == wib(2026, 12, 28, 14, 0)
    assert CAL.add_working_days(start, 5) == wib(2027, 1, 4, 14, 0)
    assert CAL.add_working_days(start, 10) == wib(2027, 1, 12, 14, 0)  # 5 Jan is Isra Mikraj
    assert CAL.working_days_between(start, wib(2027, 1, 12, 8, 0)) == 10
    assert CAL.working_days_between(wib(2027, 1, 12, 8, 0), start) == -10


def test_working_hours_stay_inside_office_hours() -> None:
    friday_3pm = wib(2026, 11, 27, 15, 0)
    assert CAL.add_working_hours(friday_3pm, 1) == wib(2026, 11, 27, 16, 0)
    assert CAL.add_working_hours(friday_3pm, 2) == wib(2026, 11, 30, 9, 0)  # Monday
    assert CAL.add_working_hours(wib(2026, 11, 28, 23, 0), 1) == wib(2026, 11, 30, 9, 0)
    assert CAL.add_working_hours(wib(2026, 12, 23, 15, 30), 1) == wib(2026, 12, 28, 8, 30)


def test_working_seconds_between_count_office_hours_only() -> None:
    calendar = WorkCalendar.of([date(2026, 11, 24)])
    # Monday 23 Nov 15:00 -> Wednesday 25 Nov 09:00 with Tuesday a holiday: 1 h + 1 h
    assert calendar.working_seconds_between(wib(2026, 11, 23, 15), wib(2026, 11, 25, 9)) == 7200
    assert calendar.working_seconds_between(wib(2026, 11, 25, 9), wib(2026, 11, 23, 9)) == 0
    # Saturday to Sunday: nothing
    assert calendar.working_seconds_between(wib(2026, 11, 28, 9), wib(2026, 11, 29, 12)) == 0
    # before opening to after closing on one day: 8 h
    assert calendar.working_seconds_between(wib(2026, 11, 26, 6), wib(2026, 11, 26, 20)) == 28800
    # Christmas Eve 16:30 (after closing) -> Monday 28 Dec 08:30 over Christmas and a weekend
    christmas = WorkCalendar.of([date(2026, 12, 25)])
    late = christmas.working_seconds_between(wib(2026, 12, 24, 16, 30), wib(2026, 12, 28, 8, 30))
    assert late == 30 * 60
    with pytest.raises(ValueError):
        CAL.working_seconds_between(datetime(2026, 11, 26), wib(2026, 11, 26))  # noqa: DTZ001


def test_clock_hours_ignore_the_calendar() -> None:
    assert CAL.add_hours(wib(2026, 3, 21, 20, 0), 6) == wib(2026, 3, 22, 2, 0)


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(wib(2026, 1, 5, 8, 0), -1)
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime(2026, 1, 5, 8, 0), 1)  # noqa: DTZ001
    with pytest.raises(CalendarError):
        WorkCalendar(day_start=time(17, 0), day_end=time(8, 0))
    with pytest.raises(CalendarError):
        WorkCalendar(weekend=frozenset(range(7)))


moments = st.datetimes(
    min_value=datetime(2025, 12, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(at=moments, days=st.integers(0, 40), more=st.integers(0, 10))
def test_working_days_never_go_backwards_and_grow_with_days(
    at: datetime, days: int, more: int
) -> None:
    first = CAL.add_working_days(at, days)
    assert first >= at
    assert CAL.add_working_days(at, days + more) >= first
    if days:
        assert CAL.is_working_day(first.astimezone(JAKARTA).date())


@given(a=moments, gap=st.timedeltas(timedelta(0), timedelta(days=20)), days=st.integers(0, 20))
def test_working_days_grow_with_the_start(a: datetime, gap: timedelta, days: int) -> None:
    assert CAL.add_working_days(a + gap, days) >= CAL.add_working_days(a, days)


@given(at=moments, hours=st.floats(0, 200), more=st.floats(0, 50))
def test_working_hours_never_go_backwards(at: datetime, hours: float, more: float) -> None:
    first = CAL.add_working_hours(at, hours)
    assert first >= at
    assert CAL.add_working_hours(at, hours + more) >= first - timedelta(microseconds=1)


@given(
    a=moments,
    first=st.timedeltas(timedelta(0), timedelta(days=9)),
    second=st.timedeltas(timedelta(0), timedelta(days=9)),
)
def test_working_seconds_add_up_and_never_exceed_the_wall_clock(
    a: datetime, first: timedelta, second: timedelta
) -> None:
    b, c = a + first, a + first + second
    whole = CAL.working_seconds_between(a, c)
    assert whole == CAL.working_seconds_between(a, b) + CAL.working_seconds_between(b, c)
    assert 0 <= whole <= (c - a).total_seconds() + 1
    # a working day holds 8 office hours at most
    assert CAL.working_seconds_between(a, a + timedelta(days=1)) <= 8 * 3600
