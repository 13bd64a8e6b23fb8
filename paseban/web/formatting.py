"""How times, durations and numbers read in the dashboard (Bahasa Indonesia). Pure functions."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BULAN = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def local_time(value: datetime | None, tz: ZoneInfo) -> str:
    """27 Nov 2026 09:00 WIB."""
    if value is None:
        return "-"
    local = value.astimezone(tz)
    zone = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
        str(tz), local.strftime("%Z")
    )
    return f"{local.day} {BULAN[local.month - 1]} {local.year} {local:%H:%M} {zone}"


def duration(delta: timedelta) -> str:
    """A waiting time in the two largest units: '3 hari 4 jam', '2 jam 5 menit', '12 menit'."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} hari {hours} jam" if hours else f"{days} hari"
    if hours:
        return f"{hours} jam {mins} menit" if mins else f"{hours} jam"
    return f"{mins} menit" if mins else "< 1 menit"


def number(value: int) -> str:
    """12.345 (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"
