"""Working time in the city's time zone, with national holidays and cuti bersama passed in.

A small pure helper for measuring durations (first response "in business hours"). It follows the
same rules as the complaint clocks: office hours 08:00-16:00 local time on weekdays that are not a
holiday or cuti bersama. When the case lifecycle's `WorkCalendar` (domain/workdays.py) is on main,
`business_seconds` can delegate to it; the rules are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class BusinessHours:
    holidays: frozenset[date] = frozenset()
    tz: ZoneInfo = JAKARTA
    day_start: time = time(8, 0)
    day_end: time = time(16, 0)
    weekend: frozenset[int] = frozenset({5, 6})
    _cache: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, holidays: Iterable[date], tz: str | ZoneInfo = JAKARTA) -> BusinessHours:
        return cls(frozenset(holidays), tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))

    def is_working_day(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = day.weekday() not in self.weekend and day not in self.holidays
            self._cache[day] = known
        return known

    @property
    def seconds_per_day(self) -> int:
        start = datetime.combine(date(2000, 1, 3), self.day_start)
        return int((datetime.combine(date(2000, 1, 3), self.day_end) - start).total_seconds())

    def business_seconds(self, start: datetime, end: datetime) -> int:
        """Seconds of office time between two aware datetimes (0 if end <= start)."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("waktu tanpa zona waktu")
        if end <= start:
            return 0
        a = start.astimezone(self.tz).replace(tzinfo=None)
        b = end.astimezone(self.tz).replace(tzinfo=None)
        total = 0
        day = a.date()
        last = b.date()
        # whole days in the middle are counted without building datetimes for each
        while day <= last:
            if self.is_working_day(day):
                opens = datetime.combine(day, self.day_start)
                closes = datetime.combine(day, self.day_end)
                lo, hi = max(a, opens), min(b, closes)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total
