"""Working days and hours in the city's time zone, with national holidays and cuti bersama
passed in as data (the `holidays` table, loaded from lokal-id).

Rules (LAPOR! practice, FixMyStreet Zürich's `WorkingDays`):

- a working day is a weekday that is not a holiday or cuti bersama;
- `add_working_days(at, n)`: the same local clock time on the n-th working day after `at`'s day.
  A report that arrives on a weekend or holiday counts from the start (00:00) of the next working
  day, so the citizen never gets less than n whole working days;
- `add_working_hours(at, h)`: h hours counted only inside office hours of working days;
- `add_hours(at, h)`: plain clock hours (emergencies do not wait for Monday).

All functions take and return aware datetimes; the result is never before `at` and grows with
`at` and with the amount (Hypothesis checks both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
MAX_SCAN_DAYS = 3660  # a calendar that has no working day in ten years is a configuration error


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    tz: ZoneInfo = JAKARTA
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
    day_start: time = time(8, 0)
    day_end: time = time(16, 0)
    _cache: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.day_start < self.day_end:
            raise CalendarError("jam kerja: mulai harus sebelum selesai")
        if len(self.weekend) >= 7:
            raise CalendarError("setiap hari tidak boleh akhir pekan")

    @classmethod
    def of(cls, holidays: Iterable[date], tz: str | ZoneInfo = JAKARTA) -> WorkCalendar:
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        return cls(holidays=frozenset(holidays), tz=zone)

    # --- days ----------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = day.weekday() not in self.weekend and day not in self.holidays
            self._cache[day] = known
        return known

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for _ in range(MAX_SCAN_DAYS):
            day = day + timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise CalendarError("tidak ada hari kerja dalam sepuluh tahun")

    def local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("waktu tanpa zona waktu")
        return at.astimezone(self.tz)

    def add_working_days(self, at: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError("jumlah hari kerja tidak boleh negatif")
        local = self.local(at)
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        if not self.is_working_day(day):
            day, clock = self.next_working_day(day), time(0, 0)
            if days == 0:
                return self._at(day, clock, at)
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, clock, at)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days from `start`'s day to `end`'s day (0 on the same day)."""
        a, b = self.local(start).date(), self.local(end).date()
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = 0
        day = a
        while day < b:
            day = day + timedelta(days=1)
            count += self.is_working_day(day)
        return sign * count

    # --- hours ---------------------------------------------------------------------------------

    @staticmethod
    def add_hours(at: datetime, hours: float) -> datetime:
        if hours < 0:
            raise ValueError("jumlah jam tidak boleh negatif")
        return at + timedelta(hours=hours)

    def add_working_hours(self, at: datetime, hours: float) -> datetime:
        """`hours` counted only between day_start and day_end on working days."""
        if hours < 0:
            raise ValueError("jumlah jam tidak boleh negatif")
        remaining = timedelta(hours=hours)
        local = self.local(at)
        day = local.date()
        cursor = local.replace(tzinfo=None)
        for _ in range(MAX_SCAN_DAYS):
            if self.is_working_day(day):
                opens = datetime.combine(day, self.day_start)
                closes = datetime.combine(day, self.day_end)
                start = max(cursor, opens)
                if start < closes:
                    if start + remaining <= closes:
                        return self._wall(start + remaining, at)
                    remaining -= closes - start
            day = self.next_working_day(day)
            cursor = datetime.combine(day, time(0, 0))
        raise CalendarError("tidak ada jam kerja dalam sepuluh tahun")

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Seconds of office time (day_start to day_end on working days) from `start` to `end`;
        0 when `end` is not after `start`. Measures a first response "in business hours".
        Whole seconds: both ends drop their microseconds, so spans add up exactly."""
        a = self.local(start).replace(tzinfo=None, microsecond=0)
        b = self.local(end).replace(tzinfo=None, microsecond=0)
        if b <= a:
            return 0
        total = 0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                lo = max(a, datetime.combine(day, self.day_start))
                hi = min(b, datetime.combine(day, self.day_end))
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    # --- helpers -------------------------------------------------------------------------------

    def _at(self, day: date, clock: time, original: datetime) -> datetime:
        return self._wall(datetime.combine(day, clock), original)

    def _wall(self, naive_local: datetime, original: datetime) -> datetime:
        result = naive_local.replace(tzinfo=self.tz).astimezone(original.tzinfo)
        # a wall-clock time never lands before the start (guards odd zone transitions)
        return max(result, original)
