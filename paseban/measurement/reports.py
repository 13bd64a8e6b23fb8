"""The weekly and monthly report to the Wali Kota, as a value: headline numbers, leaderboards,
sosok ideal, who needs a push, trend charts, the complaint map, top problems and overdue cases,
and every table ready for CSV/XLSX export. Pure: the data comes in,
`services/measurement/reports.py` reads it and writes the files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from paseban.domain import fmt
from paseban.domain.sla import STAGE_LABELS, Stage
from paseban.measurement import leaderboards, recognition, svg
from paseban.measurement.alerts import ALERT_STATUS_LABELS
from paseban.measurement.indices import INDEX_LABELS
from paseban.measurement.kpis import UnitKpis
from paseban.measurement.leaderboards import PEER_LABELS, Leaderboard
from paseban.measurement.periods import Period

BOARDS = (
    ("responsiveness", "kelurahan"),
    ("responsiveness", "kecamatan"),
    ("responsiveness", "opd"),
    ("activity", "kelurahan"),
    ("activity", "kecamatan"),
)
SECTIONS = (
    "Ringkasan",
    "Tren",
    "Peringkat",
    "Sosok ideal",
    "Perlu didorong",
    "Peta aduan per kelurahan",
    "Masalah teratas",
    "Kasus lewat tenggat per OPD",
    "Peringatan dini",
    "Catatan metode",
)


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    previous: str
    note: str = ""


@dataclass
class Report:
    kind: str  # weekly, monthly
    period: Period
    generated_at: datetime
    city: str
    headline: list[Headline]
    boards: list[Leaderboard]
    highlights: list[recognition.Highlight]
    admins: list[recognition.AdminActivity]
    lags: list[recognition.Lag]
    charts: dict[str, str]
    top_problems: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    is_sample: bool = False
    tz: str = "Asia/Jakarta"  # the city's time zone, for the times shown
    tables: dict[str, Table] = field(default_factory=dict)
    # a province's report of every city: each city's totals, side by side (else empty)
    cities: list[CityTotals] = field(default_factory=list)

    @property
    def title(self) -> str:
        what = "Laporan Mingguan" if self.kind == "weekly" else "Laporan Bulanan"
        return f"{what} Responsivitas Medsos dan Aduan Warga — {self.period.label}"

    @property
    def file_stem(self) -> str:
        return file_stem(self.period)


@dataclass(frozen=True)
class CityTotals:
    """One kota/kabupaten's row of a province's report: its totals this period and before."""

    code: str
    name: str
    now: UnitKpis
    before: UnitKpis


CITY_HEADERS = (
    "kode",
    "kota/kabupaten",
    "aduan warga",
    "aduan periode sebelumnya",
    "pesan warga dijawab",
    "median respons pertama (jam kerja)",
    "dijawab ≤ 24 jam",
    "tahap aduan sesuai SLA",
    "penyelesaian dikonfirmasi warga",
    "unggahan akun resmi",
)


def city_cells(c: CityTotals) -> tuple[Any, ...]:
    """A city's row of the side-by-side table, as the page and the exports show it."""
    now = c.now
    return (
        c.code,
        c.name,
        fmt.num(now.complaints),
        fmt.num(c.before.complaints),
        fmt.pct(now.response.pct),
        fmt.duration(now.first.median_business_seconds),
        fmt.pct(now.first.within_sla.pct),
        fmt.pct(now.sla_all.pct),
        fmt.pct(now.confirmed.pct),
        fmt.num(now.posts),
    )


def file_stem(period: Period) -> str:
    """The name of a period's report files: laporan-2026-W47, laporan-2026-10."""
    return f"laporan-{period.key}"


def short_label(period: Period) -> str:
    """ "16/11" for a week (its Monday), "Nov 26" for a month."""
    if period.kind == "month":
        return f"{period.label[:3]} {period.start:%y}"
    return f"{period.start.day}/{period.start.month}"


def _headline(now: UnitKpis, before: UnitKpis, alerts: int, alerts_before: int) -> list[Headline]:
    rows = [
        ("Aduan warga tertangkap", fmt.num(now.complaints), fmt.num(before.complaints), ""),
        (
            "Pesan warga dijawab",
            fmt.pct(now.response.pct),
            fmt.pct(before.response.pct),
            f"{fmt.num(now.response.num)} dari {fmt.num(now.response.den)} pesan perlu jawaban",
        ),
        (
            "Median respons pertama (jam kerja)",
            fmt.duration(now.first.median_business_seconds),
            fmt.duration(before.first.median_business_seconds),
            f"p90 {fmt.duration(now.first.p90_business_seconds)}; jam dinding: median "
            f"{fmt.duration(now.first.median_seconds)}, p90 {fmt.duration(now.first.p90_seconds)}",
        ),
        (
            "Dijawab ≤ 24 jam",
            fmt.pct(now.first.within_sla.pct),
            fmt.pct(before.first.within_sla.pct),
            "",
        ),
        (
            "Tahap aduan sesuai SLA",
            fmt.pct(now.sla_all.pct),
            fmt.pct(before.sla_all.pct),
            ", ".join(
                f"{STAGE_LABELS[stage].lower()}: {fmt.pct(now.sla[stage].pct)}"
                for stage in Stage
                if stage in now.sla
            ),
        ),
        (
            "Penyelesaian dikonfirmasi warga",
            fmt.pct(now.confirmed.pct),
            fmt.pct(before.confirmed.pct),
            f"dibuka ulang {fmt.pct(now.reopened.pct)}",
        ),
        ("Unggahan akun resmi", fmt.num(now.posts), fmt.num(before.posts), ""),
        (
            "Interaksi per jangkauan",
            fmt.pct(now.engagement.rate_by_reach, 1),
            fmt.pct(before.engagement.rate_by_reach, 1),
            "suka + komentar + bagikan + simpan ÷ jangkauan",
        ),
        (
            "Pertumbuhan pengikut",
            fmt.signed(now.growth.net, 0),
            fmt.signed(before.growth.net, 0),
            fmt.signed(now.growth.rate_pct, 1, "%"),
        ),
        ("Kunjungan lapangan", fmt.num(now.field_visits), fmt.num(before.field_visits), ""),
        ("Peringatan dini", fmt.num(alerts), fmt.num(alerts_before), ""),
    ]
    return [Headline(*r) for r in rows]


@dataclass(frozen=True)
class Standings:
    """The leaderboards of a period, its sosok ideal (units and people) and who needs a push."""

    period: Period
    boards: list[Leaderboard]
    highlights: list[recognition.Highlight]
    admins: list[recognition.AdminActivity]
    lags: list[recognition.Lag]


def standings(
    period: Period,
    now: dict[str, list[UnitKpis]],
    before: dict[str, list[UnitKpis]],
    activity: Sequence[recognition.AdminActivity],
) -> Standings:
    boards = [
        leaderboards.build(now.get(group, []), index, group, previous=before.get(group, []))
        for index, group in BOARDS
    ]
    lags: list[recognition.Lag] = []
    for group in leaderboards.PEER_GROUPS:
        lags += recognition.lagging(
            now.get(group, []), group, [b for b in boards if b.group == group]
        )
    lags.sort(key=lambda lag: (-lag.severity, lag.name))
    return Standings(
        period, boards, recognition.top_units(boards), recognition.top_admins(activity), lags
    )


def build(
    *,
    kind: str,
    period: Period,
    generated_at: datetime,
    city: str,
    now: dict[str, list[UnitKpis]],
    before: dict[str, list[UnitKpis]],
    city_now: UnitKpis,
    city_before: UnitKpis,
    series: Sequence[dict[str, Any]],
    places: Sequence[svg.Place],
    admins: Sequence[recognition.AdminActivity],
    top_problems: list[dict[str, Any]],
    topics: list[dict[str, Any]],
    overdue: list[dict[str, Any]],
    alerts: list[dict[str, Any]],
    alerts_before: int,
    is_sample: bool = False,
    tz: str = "Asia/Jakarta",
    cities: Sequence[CityTotals] = (),
) -> Report:
    ranked = standings(period, now, before, admins)
    labels = [short_label(s["period"]) for s in series]
    charts = {
        "aduan": svg.bars_and_line(
            labels,
            [s["complaints"] for s in series],
            [(s["answered"] / s["needing"] * 100) if s["needing"] else None for s in series],
            title="Aduan warga dan pesan yang dijawab",
            bar_label="aduan warga",
            line_label="pesan dijawab (%)",
        ),
        "respons": svg.line_chart(
            labels,
            [None if s["median_business"] is None else s["median_business"] / 60 for s in series],
            title="Median respons pertama (menit jam kerja)",
            label="median respons pertama, menit jam kerja",
        ),
        "unggahan": svg.line_chart(
            labels,
            [s["posts"] for s in series],
            title="Unggahan akun resmi",
            label="unggahan per periode",
        ),
        "peta": svg.complaint_map(places, title=f"Peta aduan per kelurahan, {period.label}"),
    }
    report = Report(
        kind=kind,
        period=period,
        generated_at=generated_at,
        city=city,
        headline=_headline(city_now, city_before, len(alerts), alerts_before),
        boards=ranked.boards,
        highlights=ranked.highlights,
        admins=ranked.admins,
        lags=ranked.lags,
        charts=charts,
        top_problems=top_problems,
        topics=topics,
        overdue=overdue,
        alerts=alerts,
        is_sample=is_sample,
        tz=tz,
        cities=list(cities),
    )
    report.tables = tables(report, places, series)
    return report


def tables(
    report: Report, places: Sequence[svg.Place], series: Sequence[dict[str, Any]] = ()
) -> dict[str, Table]:
    out: dict[str, Table] = {
        "ringkasan": Table(
            "Ringkasan",
            ("ukuran", "periode ini", "periode sebelumnya", "keterangan"),
            [(h.label, h.value, h.previous, h.note) for h in report.headline],
        )
    }
    out["tren"] = Table(
        "Tren per periode",
        ("periode", "aduan warga", "pesan perlu jawaban", "pesan dijawab", "unggahan"),
        [
            (s["period"].label, s["complaints"], s["needing"], s["answered"], s["posts"])
            for s in series
        ],
    )
    if report.cities:
        out["kota"] = Table(
            "Setiap kota/kabupaten", CITY_HEADERS, [city_cells(c) for c in report.cities]
        )
    for board in report.boards:
        short = {"responsiveness": "responsivitas", "activity": "aktivitas"}[board.index]
        key = f"{short}-{board.group}"
        out[key] = Table(
            f"{INDEX_LABELS[board.index]} — {PEER_LABELS[board.group]}",
            ("peringkat", "kode", "nama", "skor", "tren", "skor sebelumnya", "alasan", "volume"),
            [
                (
                    r.rank if r.rank is not None else "data kurang",
                    r.code,
                    r.name,
                    r.score,
                    r.trend_text,
                    r.previous_score,
                    r.reason,
                    f"{r.volume.have} {r.volume.what}",
                )
                for r in board.rows
            ],
        )
    out["sosok-ideal"] = Table(
        "Sosok ideal: unit",
        ("indeks", "kelompok", "peringkat", "nama", "skor", "yang dilakukan"),
        [
            (INDEX_LABELS[h.index], PEER_LABELS[h.group], h.rank, h.name, h.score, h.did)
            for h in report.highlights
        ],
    )
    by_city = any(a.city for a in report.admins)  # a province's report of every city
    out["sosok-ideal-admin"] = Table(
        "Sosok ideal: admin dan petugas",
        (
            "pengguna",
            "nama",
            *(("kota/kabupaten",) if by_city else ()),
            "peran",
            "cakupan",
            "balasan",
            "tindakan kasus",
            "kunjungan",
            "poin",
        ),
        [
            (
                a.username,
                a.full_name,
                *((a.city or "",) if by_city else ()),
                a.role,
                a.scope or "",
                a.replies,
                a.case_actions,
                a.field_visits,
                a.points,
            )
            for a in report.admins
        ],
    )
    out["perlu-didorong"] = Table(
        "Perlu didorong",
        ("kelompok", "kode", "nama", "ukuran yang tertinggal", "saran tindakan"),
        [
            (PEER_LABELS[lag.group], lag.code, lag.name, lag.measure, lag.action)
            for lag in report.lags
        ],
    )
    out["aduan-per-kelurahan"] = Table(
        "Aduan per kelurahan",
        ("kode", "kelurahan", "kecamatan", "laporan"),
        [
            (p.code, p.name, p.group, p.value)
            for p in sorted(places, key=lambda p: (-p.value, p.name))
        ],
    )
    out["masalah-teratas"] = Table(
        "Masalah teratas menurut topik dan tempat",
        ("topik", "kelurahan", "kasus", "laporan warga"),
        [
            (r["topic_name"], r["kelurahan_name"], r["cases"], r["reports"])
            for r in report.top_problems
        ],
    )
    out["topik"] = Table(
        "Aduan menurut topik",
        ("topik", "kasus", "laporan warga"),
        [(r["topic_name"], r["cases"], r["reports"]) for r in report.topics],
    )
    out["lewat-tenggat"] = Table(
        "Kasus lewat tenggat per OPD",
        ("OPD", "kasus lewat tenggat", "tenggat tertua"),
        [
            (r["opd_name"] or r["opd"] or "(belum dirutekan)", r["overdue"], r["oldest_due"])
            for r in report.overdue
        ],
    )
    out["peringatan-dini"] = Table(
        "Peringatan dini",
        ("dimunculkan", "topik", "wilayah", "laporan", "biasanya", "status"),
        [
            (
                a["raised_at"],
                a["topic_name"],
                a["area_name"],
                a["count"],
                round(a["expected"], 2),
                ALERT_STATUS_LABELS.get(a["status"], a["status"]),
            )
            for a in report.alerts
        ],
    )
    return out
