"""Leaderboards: ranks within fair peer groups, minimum-volume rules, trends against the previous
period, and a reason in Bahasa Indonesia for every row. Pure.

Peer groups: kelurahan with kelurahan, kecamatan with kecamatan, OPD with OPD (never a kelurahan
against a kecamatan, never anyone against the city account). A unit below the minimum volume is
listed as "data kurang" with the numbers it has, and never ranked, so that a kelurahan with two
complaints cannot top the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from paseban.domain import fmt
from paseban.measurement.indices import INDICES, Score, score
from paseban.measurement.kpis import UnitKpis

PEER_GROUPS = ("kelurahan", "kecamatan", "opd")
PEER_LABELS = {"kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "opd": "OPD"}

# minimum volume per 30 days, scaled to the period's length (at least MIN_FLOOR)
MIN_MESSAGES_PER_30_DAYS = 10  # citizen messages that needed an answer (responsiveness)
MIN_STAGES_PER_30_DAYS = 10  # judged case stages (responsiveness of an OPD)
MIN_POSTS_PER_30_DAYS = 8  # posts (activity)
MIN_FLOOR = 3


def minimum(per_30_days: int, days: int) -> int:
    return max(MIN_FLOOR, math.ceil(per_30_days * days / 30))


@dataclass(frozen=True)
class Volume:
    have: int
    need: int
    what: str  # "pesan warga", "tahap aduan", "unggahan"

    @property
    def enough(self) -> bool:
        return self.have >= self.need


def volume(unit: UnitKpis, index: str) -> Volume:
    days = unit.period.days
    if index == "activity":
        return Volume(unit.posts, minimum(MIN_POSTS_PER_30_DAYS, days), "unggahan")
    if unit.kind == "opd":
        return Volume(int(unit.sla_all.den), minimum(MIN_STAGES_PER_30_DAYS, days), "tahap aduan")
    return Volume(
        unit.inbound_needing_reply, minimum(MIN_MESSAGES_PER_30_DAYS, days), "pesan warga"
    )


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    rank: int | None  # None: not ranked (data kurang)
    of: int
    score: float | None
    previous_score: float | None
    previous_rank: int | None
    reason: str
    volume: Volume
    kpis: UnitKpis
    detail: Score | None

    @property
    def trend(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 1)

    @property
    def trend_text(self) -> str:
        if self.rank is None:
            return "-"
        if self.previous_rank is None:
            return "baru"
        moved = self.previous_rank - self.rank
        if moved > 0:
            return f"naik {moved}"
        if moved < 0:
            return f"turun {-moved}"
        return "tetap"


@dataclass(frozen=True)
class Leaderboard:
    index: str
    group: str
    rows: list[Row]

    @property
    def ranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def unranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is None]


def _ranks(scores: dict[str, Score]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by score, highest first."""
    ordered = sorted(scores.values(), key=lambda s: -s.value)
    out: dict[str, int] = {}
    for i, s in enumerate(ordered):
        if i and s.value == ordered[i - 1].value:
            out[s.code] = out[ordered[i - 1].code]
        else:
            out[s.code] = i + 1
    return out


def _eligible_scores(units: Sequence[UnitKpis], index: str) -> dict[str, Score]:
    return score([u for u in units if volume(u, index).enough], index)


def build(
    units: Sequence[UnitKpis],
    index: str,
    group: str,
    *,
    previous: Sequence[UnitKpis] = (),
) -> Leaderboard:
    """One leaderboard for one peer group. `units` and `previous` hold that group's units for
    this period and the one before."""
    if index not in INDICES:
        raise ValueError(f"indeks tidak dikenal: {index}")
    now = _eligible_scores(units, index)
    before = _eligible_scores(previous, index)
    ranks, prev_ranks = _ranks(now), _ranks(before)
    rows: list[Row] = []
    for unit in units:
        vol = volume(unit, index)
        s = now.get(unit.code)
        prev = before.get(unit.code)
        rows.append(
            Row(
                code=unit.code,
                name=unit.name,
                rank=ranks.get(unit.code),
                of=len(now),
                score=s.value if s else None,
                previous_score=prev.value if prev else None,
                previous_rank=prev_ranks.get(unit.code),
                reason=reason(unit, s, index, vol),
                volume=vol,
                kpis=unit,
                detail=s,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.volume.have), r.name))
    return Leaderboard(index, group, rows)


# --- reasons ------------------------------------------------------------------------------------


def describe(key: str, unit: UnitKpis) -> str:
    """One component of a unit, in words, with its numerator and denominator where it has one."""
    k = unit
    if key == "response_rate":
        r = k.response
        return f"{fmt.pct(r.pct)} pesan warga dijawab ({fmt.num(r.num)}/{fmt.num(r.den)})"
    if key == "frt_median_business":
        return f"median respons pertama {fmt.duration(k.first.median_business_seconds)} (jam kerja)"
    if key == "frt_within_sla":
        return f"{fmt.pct(k.first.within_sla.pct)} dijawab ≤ 24 jam"
    if key == "sla_compliance":
        r = k.sla_all
        return f"{fmt.pct(r.pct)} tahap aduan sesuai SLA ({fmt.num(r.num)}/{fmt.num(r.den)})"
    if key == "confirmed":
        return f"{fmt.pct(k.confirmed.pct)} penyelesaian dikonfirmasi warga"
    if key == "reopen_rate":
        return f"{fmt.pct(k.reopened.pct)} aduan dibuka ulang"
    if key == "er_reach":
        return f"interaksi {fmt.pct(k.engagement.rate_by_reach, 1)} dari jangkauan"
    if key == "follower_growth":
        return f"pengikut {fmt.signed(k.growth.rate_pct, 1, '%')} ({fmt.signed(k.growth.net, 0)})"
    if key == "consistency":
        return f"{fmt.num(k.consistency.num)} dari {fmt.num(k.consistency.den)} minggu ≥ 3 unggahan"
    if key == "posts_per_week":
        return f"{fmt.num(k.posts_per_week, 1)} unggahan/minggu"
    if key == "program":
        return f"{fmt.pct(k.program.pct)} unggahan program prioritas"
    if key == "campaigns":
        return f"ikut {fmt.num(k.campaigns.num)} dari {fmt.num(k.campaigns.den)} kampanye kota"
    if key == "field":
        return f"{fmt.num(k.field_visits)} kunjungan lapangan"
    raise KeyError(key)


def reason(unit: UnitKpis, s: Score | None, index: str, vol: Volume) -> str:
    if s is None:
        return f"data kurang: {fmt.num(vol.have)} {vol.what} (minimal {fmt.num(vol.need)})"
    if not s.ranks:
        return "belum ada data"
    by_rank = sorted(s.ranks.items(), key=lambda kv: -kv[1])
    strong = [describe(key, unit) for key, _ in by_rank[:2]]
    text = ", ".join(strong)
    weakest_key, weakest = by_rank[-1]
    if len(by_rank) > 2 and weakest < 40:
        text += f"; perlu ditingkatkan: {describe(weakest_key, unit)}"
    return text
