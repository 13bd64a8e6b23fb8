"""A unit's scorecard: every KPI of one kelurahan, kecamatan, OPD or account for a period beside
the period before, with numerators and denominators, in words an admin reads on a phone. Pure.

The same lines feed the dashboard page (/peringkat/{group}/{code}) and its CSV download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paseban.domain import fmt
from paseban.measurement.indices import INDICES
from paseban.measurement.kpis import STAGES, Ratio, UnitKpis
from paseban.measurement.leaderboards import Leaderboard, Row
from paseban.measurement.reports import Table

SECTIONS = ("Audiens dan konten", "Jawaban ke warga", "Aduan dan SLA", "Turun ke lapangan")
STAGE_LABELS = {
    "verify": "verifikasi",
    "follow_up": "tindak lanjut OPD",
    "confirm": "konfirmasi warga",
}


@dataclass(frozen=True)
class Line:
    section: str
    label: str
    now: str
    before: str
    detail: str  # what the figure of this period is made of ("34/36 pesan")
    better: bool | None = None  # compared with the period before; None: not comparable


def _ratio(value: Ratio) -> str:
    return fmt.pct(value.pct)


def _of(value: Ratio, what: str) -> str:
    return f"{fmt.num(value.num)} dari {fmt.num(value.den)} {what}" if value.den else "belum ada"


def _compare(now: float | None, before: float | None, *, higher_is_better: bool) -> bool | None:
    if now is None or before is None or now == before:
        return None
    return (now > before) == higher_is_better


def _ratio_line(
    section: str, label: str, now: Ratio, before: Ratio, what: str, *, higher: bool = True
) -> Line:
    return Line(
        section,
        label,
        _ratio(now),
        _ratio(before),
        _of(now, what),
        _compare(now.pct, before.pct, higher_is_better=higher),
    )


def lines(now: UnitKpis, before: UnitKpis, *, account: bool = False) -> list[Line]:
    """The scorecard of one unit (or one account: `account=True` leaves out cases and field
    visits, which belong to places and OPDs, not to accounts)."""
    audience, answers, cases, field = SECTIONS
    out = [
        Line(
            audience,
            "Pengikut di akhir periode",
            fmt.num(now.growth.end),
            fmt.num(before.growth.end),
            f"awal periode {fmt.num(now.growth.start)}" if now.growth.start is not None else "",
        ),
        Line(
            audience,
            "Pertumbuhan pengikut",
            fmt.signed(now.growth.net, 0),
            fmt.signed(before.growth.net, 0),
            fmt.signed(now.growth.rate_pct, 1, "%") if now.growth.rate_pct is not None else "",
            _compare(now.growth.net, before.growth.net, higher_is_better=True),
        ),
        Line(
            audience,
            "Unggahan",
            fmt.num(now.posts),
            fmt.num(before.posts),
            f"{fmt.num(now.posts_per_week, 1)} per minggu",
            _compare(now.posts, before.posts, higher_is_better=True),
        ),
        _ratio_line(
            audience,
            "Konsistensi (minggu dengan ≥ 3 unggahan)",
            now.consistency,
            before.consistency,
            "minggu",
        ),
        Line(
            audience,
            "Interaksi per jangkauan",
            fmt.pct(now.engagement.rate_by_reach, 1),
            fmt.pct(before.engagement.rate_by_reach, 1),
            f"{fmt.num(now.engagement.interactions)} interaksi, jangkauan "
            f"{fmt.num(now.engagement.reach)} ({fmt.num(now.engagement.posts_with_reach)} "
            "unggahan)",
            _compare(
                now.engagement.rate_by_reach,
                before.engagement.rate_by_reach,
                higher_is_better=True,
            ),
        ),
        Line(
            audience,
            "Interaksi per tayangan",
            fmt.pct(now.engagement.rate_by_views, 1),
            fmt.pct(before.engagement.rate_by_views, 1),
            f"tayangan {fmt.num(now.engagement.views)}",
            _compare(
                now.engagement.rate_by_views,
                before.engagement.rate_by_views,
                higher_is_better=True,
            ),
        ),
        _ratio_line(
            audience, "Unggahan program prioritas", now.program, before.program, "unggahan"
        ),
        _ratio_line(audience, "Ikut kampanye kota", now.campaigns, before.campaigns, "kampanye"),
        Line(
            audience,
            "Hari sejak unggahan terakhir",
            fmt.num(now.days_since_post),
            "",
            "belum pernah mengunggah" if now.days_since_post is None else "",
        ),
        Line(
            answers,
            "Aduan warga tertangkap",
            fmt.num(now.complaints),
            fmt.num(before.complaints),
            "",
        ),
        _ratio_line(answers, "Pesan warga dijawab", now.response, before.response, "pesan"),
        Line(
            answers,
            "Aduan belum dijawab",
            fmt.num(now.unanswered_complaints),
            fmt.num(before.unanswered_complaints),
            "",
            _compare(
                now.unanswered_complaints, before.unanswered_complaints, higher_is_better=False
            ),
        ),
        Line(
            answers,
            "Median respons pertama (jam kerja)",
            fmt.duration(now.first.median_business_seconds),
            fmt.duration(before.first.median_business_seconds),
            f"p90 {fmt.duration(now.first.p90_business_seconds)}; "
            f"{fmt.num(now.first.answered)} jawaban",
            _compare(
                now.first.median_business_seconds,
                before.first.median_business_seconds,
                higher_is_better=False,
            ),
        ),
        Line(
            answers,
            "Median respons pertama (jam dinding)",
            fmt.duration(now.first.median_seconds),
            fmt.duration(before.first.median_seconds),
            f"p90 {fmt.duration(now.first.p90_seconds)}",
            _compare(now.first.median_seconds, before.first.median_seconds, higher_is_better=False),
        ),
        _ratio_line(
            answers, "Dijawab ≤ 24 jam", now.first.within_sla, before.first.within_sla, "pesan"
        ),
    ]
    if account:
        return out
    for stage in STAGES:
        out.append(
            _ratio_line(
                cases,
                f"Tahap {STAGE_LABELS[stage]} sesuai SLA",
                now.sla.get(stage, Ratio(0, 0)),
                before.sla.get(stage, Ratio(0, 0)),
                "tahap",
            )
        )
    out += [
        _ratio_line(cases, "Semua tahap sesuai SLA", now.sla_all, before.sla_all, "tahap"),
        _ratio_line(
            cases,
            "Penyelesaian dikonfirmasi warga",
            now.confirmed,
            before.confirmed,
            "penyelesaian",
        ),
        _ratio_line(
            cases, "Dibuka ulang", now.reopened, before.reopened, "penyelesaian", higher=False
        ),
        Line(
            field,
            "Kunjungan lapangan",
            fmt.num(now.field_visits),
            fmt.num(before.field_visits),
            f"{fmt.num(now.visits_per_week, 1)} per minggu",
            _compare(now.field_visits, before.field_visits, higher_is_better=True),
        ),
    ]
    return out


ACCOUNT_HEADERS = (
    "akun",
    "pengikut",
    "pertumbuhan",
    "unggahan",
    "interaksi/jangkauan",
    "pesan dijawab",
    "median respons (jam kerja)",
    "aduan belum dijawab",
    "hari sejak unggahan",
)


def account_cells(label: str, k: UnitKpis) -> tuple[str, ...]:
    """One account's row in the unit's account table."""
    return (
        label,
        fmt.num(k.growth.end),
        fmt.signed(k.growth.net, 0),
        fmt.num(k.posts),
        fmt.pct(k.engagement.rate_by_reach, 1),
        f"{_ratio(k.response)} ({_of(k.response, 'pesan')})" if k.response.den else "-",
        fmt.duration(k.first.median_business_seconds),
        fmt.num(k.unanswered_complaints),
        fmt.num(k.days_since_post),
    )


def as_table(title: str, scorecard: list[Line]) -> Table:
    """The scorecard as a table for CSV."""
    return Table(
        title,
        ("bagian", "ukuran", "periode ini", "periode sebelumnya", "rincian"),
        [(x.section, x.label, x.now, x.before, x.detail) for x in scorecard],
    )


# --- the same figures for machines (/api/v1/measurement) -----------------------------------------


def ratio_json(value: Ratio) -> dict[str, float | None]:
    return {"num": value.num, "den": value.den, "pct": value.pct}


def kpis_json(k: UnitKpis) -> dict[str, Any]:
    """Every KPI of a unit or account as numbers (numerators and denominators kept; no data is
    null, never 0)."""
    first = k.first
    return {
        "code": k.code,
        "name": k.name,
        "kind": k.kind,
        "period": {"start": k.period.start.isoformat(), "end": k.period.end.isoformat()},
        "followers": {
            "start": k.growth.start,
            "end": k.growth.end,
            "net": k.growth.net,
            "rate_pct": k.growth.rate_pct,
        },
        "posts": k.posts,
        "posts_per_week": k.posts_per_week,
        "consistency": ratio_json(k.consistency),
        "engagement": {
            "interactions": k.engagement.interactions,
            "reach": k.engagement.reach,
            "views": k.engagement.views,
            "posts_with_reach": k.engagement.posts_with_reach,
            "rate_by_reach_pct": k.engagement.rate_by_reach,
            "rate_by_views_pct": k.engagement.rate_by_views,
        },
        "program_alignment": ratio_json(k.program),
        "campaign_participation": ratio_json(k.campaigns),
        "days_since_post": k.days_since_post,
        "complaints": k.complaints,
        "answered": ratio_json(k.response),
        "unanswered_complaints": k.unanswered_complaints,
        "first_response": {
            "answered": first.answered,
            "median_seconds": first.median_seconds,
            "p90_seconds": first.p90_seconds,
            "median_business_seconds": first.median_business_seconds,
            "p90_business_seconds": first.p90_business_seconds,
            "within_24h": ratio_json(first.within_sla),
        },
        "sla": {stage: ratio_json(value) for stage, value in sorted(k.sla.items())},
        "sla_all": ratio_json(k.sla_all),
        "confirmed_by_citizens": ratio_json(k.confirmed),
        "reopened": ratio_json(k.reopened),
        "field_visits": k.field_visits,
        "visits_per_week": k.visits_per_week,
        "accounts": k.accounts,
    }


def row_json(row: Row) -> dict[str, Any]:
    """One leaderboard row: rank (null: "data kurang"), score, trend, reason, volume and the
    percentile rank of each component."""
    return {
        "rank": row.rank,
        "of": row.of,
        "code": row.code,
        "name": row.name,
        "score": row.score,
        "previous_score": row.previous_score,
        "previous_rank": row.previous_rank,
        "trend": row.trend,
        "trend_text": row.trend_text,
        "reason": row.reason,
        "volume": {
            "have": row.volume.have,
            "need": row.volume.need,
            "what": row.volume.what,
            "enough": row.volume.enough,
        },
        "components": dict(row.detail.ranks) if row.detail else {},
    }


def board_json(board: Leaderboard) -> dict[str, Any]:
    return {
        "index": board.index,
        "group": board.group,
        "rows": [row_json(r) for r in board.rows],
    }


def weights_json() -> dict[str, list[dict[str, Any]]]:
    return {
        index: [
            {
                "key": c.key,
                "label": c.label,
                "weight": c.weight,
                "higher_is_better": c.higher_is_better,
            }
            for c in components
        ]
        for index, components in INDICES.items()
    }
