"""How times, durations and numbers read, the Indonesian way, in one place: "27 Nov 2026 09:00
WIB", "1.234,5", "35 menit". Pages, reports, replies to citizens, e-mail and the CLI all use
these, so a citizen, an officer and the Wali Kota read a time the same way.

Times are shown in the city's zone (PASEBAN_TIMEZONE) and named after it: WIB for Asia/Jakarta,
WITA for Asia/Makassar, WIT for Asia/Jayapura (a city in Makassar tells citizens WITA).

Durations have two wordings, each for its own question:
- `duration(seconds)`: a figure ("median 35 menit", "3,5 jam", "2 hari"), one unit, decimals;
- `waited(delta)`: how long something has waited ("3 hari 4 jam", "2 jam 5 menit"), the two
  largest whole units, as a clock on the case pages reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BULAN = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{num(value, digits)}%"


def signed(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "-"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{num(abs(value), digits)}{unit}"


def number(value: int) -> str:
    """12.345 (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    """A share (0.456) as "46%"."""
    return "-" if value is None else f"{round(value * 100)}%"


def duration(seconds: float | None) -> str:
    """A figure in one unit: "40 detik", "35 menit", "3,5 jam", "2 hari"."""
    if seconds is None:
        return "-"
    minutes = seconds / 60
    if minutes < 1:
        return f"{num(seconds)} detik"
    if minutes < 90:
        return f"{num(minutes)} menit"
    hours = minutes / 60
    if hours < 48:
        return f"{num(hours, 1).removesuffix(',0')} jam"
    return f"{num(hours / 24, 1).removesuffix(',0')} hari"


def waited(delta: timedelta) -> str:
    """A waiting time in the two largest units: '3 hari 4 jam', '2 jam 5 menit', '12 menit'."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} hari {hours} jam" if hours else f"{days} hari"
    if hours:
        return f"{hours} jam {mins} menit" if mins else f"{hours} jam"
    return f"{mins} menit" if mins else "< 1 menit"


def zone_name(tz: ZoneInfo | str, at: datetime) -> str:
    """WIB, WITA or WIT for Indonesia's zones; the zone's own abbreviation elsewhere."""
    return ZONES.get(str(tz), at.strftime("%Z"))


def local_time(value: datetime | None, tz: ZoneInfo | str, *, missing: str = "-") -> str:
    """27 Nov 2026 09:00 WIB, in the city's time zone (`missing` when there is no time)."""
    if value is None:
        return missing
    local = value.astimezone(tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))
    return f"{short_date(local)} {local:%H:%M} {zone_name(tz, local)}"


def short_date(value: date) -> str:
    """16 Nov 2026: a day as people write it (reports, periods), never 2026-11-16."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def day(value: date, weekdays: list[str] | tuple[str, ...]) -> str:
    """Senin, 30 Nov 2026 (with the weekday names the caller's page uses)."""
    return f"{weekdays[value.weekday()]}, {short_date(value)}"
