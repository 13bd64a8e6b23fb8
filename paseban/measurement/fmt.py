"""Numbers and durations the Indonesian way: 1.234,5 and "35 menit", "3,5 jam", "2 hari"."""

from __future__ import annotations

from datetime import datetime
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


def duration(seconds: float | None) -> str:
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


def local_time(value: datetime | None, tz: str) -> str:
    """27 Nov 2026 09:00 WIB, in the city's time zone."""
    if value is None:
        return "-"
    local = value.astimezone(ZoneInfo(tz))
    zone = ZONES.get(tz, local.strftime("%Z"))
    return f"{local.day} {BULAN[local.month - 1]} {local.year} {local:%H:%M} {zone}"
