from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from paseban.domain.fmt import local_time, number, percent
from paseban.domain.fmt import waited as duration


def test_local_time_in_wib() -> None:
    at = datetime(2026, 11, 27, 2, 5, tzinfo=UTC)
    assert local_time(at, ZoneInfo("Asia/Jakarta")) == "27 Nov 2026 09:05 WIB"
    assert local_time(None, ZoneInfo("Asia/Jakarta")) == "-"


def test_duration_in_two_units() -> None:
    assert duration(timedelta(seconds=20)) == "< 1 menit"
    assert duration(timedelta(minutes=12)) == "12 menit"
    assert duration(timedelta(hours=2, minutes=5)) == "2 jam 5 menit"
    assert duration(timedelta(hours=3)) == "3 jam"
    assert duration(timedelta(days=3, hours=4, minutes=59)) == "3 hari 4 jam"
    assert duration(timedelta(days=2)) == "2 hari"
    assert duration(timedelta(minutes=-5)) == "< 1 menit"


def test_numbers() -> None:
    assert number(1234567) == "1.234.567" and percent(0.456) == "46%" and percent(None) == "-"
