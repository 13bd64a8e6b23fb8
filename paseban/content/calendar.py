"""The content calendar: weekly pillars as data, and a week's drafts, schedule, posts and gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Pillar:
    weekday: int  # 0 = Monday
    code: str
    label: str
    description: str = ""


# Kota Bogor's city account runs day themes (Diskominfo Kota Bogor, reported by rekam24.com):
# Senin Informasi, Selasa UMKM, Rabu Wisata, Kamis "Kamis Nyunda", Jumat "Pemkot goes to
# school", Sabtu rekomendasi. Stored in the database as a parameter; this is the default.
DEFAULT_PILLARS: tuple[Pillar, ...] = (
    Pillar(0, "informasi", "Senin Informasi", "Kebijakan, layanan, dan pengumuman resmi."),
    Pillar(1, "umkm", "Selasa UMKM", "Usaha warga dan produk lokal."),
    Pillar(2, "wisata", "Rabu Wisata", "Tempat wisata, taman, dan kuliner."),
    Pillar(3, "nyunda", "Kamis Nyunda", "Budaya, bahasa, dan sejarah Sunda."),
    Pillar(4, "sekolah", "Jumat Goes to School", "Kegiatan sekolah dan pelajar."),
    Pillar(5, "rekomendasi", "Sabtu Rekomendasi", "Rekomendasi kegiatan akhir pekan."),
)


def pillars_from_data(rows: Iterable[Mapping[str, Any]]) -> tuple[Pillar, ...]:
    """Pillars as stored (a JSON list); raises ValueError naming the bad entry."""
    out: list[Pillar] = []
    seen: set[int] = set()
    for i, row in enumerate(rows, start=1):
        try:
            weekday = int(row["weekday"])
            code, label = str(row["code"]).strip(), str(row["label"]).strip()
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"pilar ke-{i}: butuh weekday (0-6), code, dan label") from None
        if not 0 <= weekday <= 6 or not code or not label:
            raise ValueError(f"pilar ke-{i}: hari harus 0 (Senin) sampai 6 (Minggu)")
        if weekday in seen:
            raise ValueError(f"pilar ke-{i}: hari {HARI[weekday]} sudah punya pilar")
        seen.add(weekday)
        out.append(Pillar(weekday, code, label, str(row.get("description", ""))))
    return tuple(sorted(out, key=lambda p: p.weekday))


def pillars_as_data(pillars: Iterable[Pillar]) -> list[dict[str, Any]]:
    return [
        {"weekday": p.weekday, "code": p.code, "label": p.label, "description": p.description}
        for p in pillars
    ]


@dataclass(frozen=True)
class Entry:
    """One post on the calendar: a draft (not yet scheduled), scheduled, or published."""

    post_id: int
    account_id: int
    title: str
    status: str
    at: datetime | None  # published_at, scheduled_at, or the planned day for a draft
    pillar: str | None = None


@dataclass(frozen=True)
class Day:
    day: date
    pillar: Pillar | None
    entries: tuple[Entry, ...] = field(default=())

    @property
    def label(self) -> str:
        return HARI[self.day.weekday()]

    @property
    def published(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.status == "published")

    @property
    def planned(self) -> tuple[Entry, ...]:
        """Published, publishing or scheduled: what will be seen that day."""
        return tuple(
            e for e in self.entries if e.status in ("published", "publishing", "scheduled")
        )

    @property
    def drafts(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e not in self.planned and e.status != "cancelled")

    @property
    def gap(self) -> str | None:
        """Why the day needs attention, or None."""
        if not self.planned:
            if self.pillar:
                return f"Belum ada unggahan terjadwal untuk “{self.pillar.label}”."
            return None if self.day.weekday() == 6 else "Belum ada unggahan terjadwal."
        if self.pillar and not any(e.pillar == self.pillar.code for e in self.planned):
            return f"Tema hari ini “{self.pillar.label}” belum terisi."
        return None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_days(
    start: date,
    days: int,
    entries: Iterable[Entry],
    pillars: Iterable[Pillar],
    tz: ZoneInfo,
) -> list[Day]:
    """The calendar from `start` for `days` days, each entry on its local (WIB) day."""
    by_weekday = {p.weekday: p for p in pillars}
    buckets: dict[date, list[Entry]] = {start + timedelta(days=i): [] for i in range(days)}
    for entry in entries:
        if entry.at is None:
            continue
        local = entry.at.astimezone(tz).date()
        if local in buckets:
            buckets[local].append(entry)
    return [
        Day(d, by_weekday.get(d.weekday()), tuple(sorted(b, key=lambda e: (e.at, e.post_id))))
        for d, b in buckets.items()
    ]


def gaps(calendar: Iterable[Day], *, today: date) -> list[Day]:
    """Days from today on that need a post."""
    return [d for d in calendar if d.day >= today and d.gap]
