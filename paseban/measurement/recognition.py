"""Sosok ideal and who needs a push. Pure.

- **Sosok ideal (units)**: the top three ranked units of each peer group on each index, with what
  they did in numbers.
- **Sosok ideal (admins)**: the people with the most work done in the period: public replies to
  citizens, case actions, and field visits (a visit weighs three: it is the mayor's own measure).
- **Perlu didorong**: every unit with a measure past a fixed threshold, with the measure in words
  and a suggested action. Thresholds are the constants below (docs/measurement.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from paseban.domain import fmt
from paseban.measurement.indices import INDEX_LABELS
from paseban.measurement.kpis import UnitKpis
from paseban.measurement.leaderboards import PEER_LABELS, Leaderboard, Row

TOP_UNITS = 3
TOP_ADMINS = 5
VISIT_WEIGHT = 3

QUIET_DAYS = 7  # an account that has not posted for this many days
UNANSWERED_COMPLAINTS = 3  # complaints without any reply
SLOW_MEDIAN_BUSINESS_SECONDS = 8 * 3600  # one working day
SLA_FLOOR_PCT = 80.0
SLA_MIN_JUDGED = 3
BOTTOM_SHARE = 0.25  # the bottom quarter of a leaderboard (at least 4 ranked units)


@dataclass(frozen=True)
class Highlight:
    index: str
    group: str
    rank: int
    of: int
    code: str
    name: str
    score: float
    did: str  # what they did, in words

    @property
    def title(self) -> str:
        return f"{INDEX_LABELS[self.index]} · {PEER_LABELS[self.group]} #{self.rank} dari {self.of}"


@dataclass(frozen=True)
class AdminActivity:
    username: str
    full_name: str
    role: str  # in words: "Petugas OPD"
    scope: str | None  # in words: "Kelurahan Batu Tulis"; None for the whole city
    replies: int = 0
    case_actions: int = 0
    field_visits: int = 0
    # the user's kota/kabupaten by name, in a province's report of every city only
    city: str | None = None

    @property
    def points(self) -> int:
        return self.replies + self.case_actions + VISIT_WEIGHT * self.field_visits

    @property
    def did(self) -> str:
        parts = []
        if self.replies:
            parts.append(f"{fmt.num(self.replies)} balasan ke warga")
        if self.case_actions:
            parts.append(f"{fmt.num(self.case_actions)} tindakan pada kasus")
        if self.field_visits:
            parts.append(f"{fmt.num(self.field_visits)} kunjungan lapangan")
        return ", ".join(parts) or "belum ada kegiatan"


@dataclass(frozen=True)
class Lag:
    code: str
    name: str
    group: str
    measure: str  # the measure that lags, in words ("akun tidak posting 12 hari")
    action: str  # the suggested action
    severity: int  # higher first


def what_they_did(row: Row, index: str) -> str:
    k = row.kpis
    if index == "responsiveness":
        parts = []
        if k.response.den:
            parts.append(
                f"menjawab {fmt.num(k.response.num)} dari {fmt.num(k.response.den)} pesan warga"
            )
        if k.first.median_business_seconds is not None:
            parts.append(f"median {fmt.duration(k.first.median_business_seconds)} (jam kerja)")
        if k.sla_all.den:
            parts.append(f"{fmt.pct(k.sla_all.pct)} tahap aduan sesuai SLA")
        if k.field_visits:
            parts.append(f"{fmt.num(k.field_visits)} kunjungan lapangan")
        return ", ".join(parts)
    parts = [f"{fmt.num(k.posts)} unggahan"]
    if k.engagement.rate_by_reach is not None:
        parts.append(f"interaksi {fmt.pct(k.engagement.rate_by_reach, 1)} dari jangkauan")
    if k.growth.net is not None:
        parts.append(f"pengikut {fmt.signed(k.growth.net, 0)}")
    if k.campaigns.den:
        parts.append(f"ikut {fmt.num(k.campaigns.num)}/{fmt.num(k.campaigns.den)} kampanye")
    if k.field_visits:
        parts.append(f"{fmt.num(k.field_visits)} kunjungan lapangan")
    return ", ".join(parts)


def top_units(boards: Iterable[Leaderboard], n: int = TOP_UNITS) -> list[Highlight]:
    out: list[Highlight] = []
    for board in boards:
        for row in board.ranked:
            if row.rank is None or row.rank > n or row.score is None:
                continue
            out.append(
                Highlight(
                    board.index,
                    board.group,
                    row.rank,
                    row.of,
                    row.code,
                    row.name,
                    row.score,
                    what_they_did(row, board.index),
                )
            )
    return out


def top_admins(activity: Iterable[AdminActivity], n: int = TOP_ADMINS) -> list[AdminActivity]:
    rows = [a for a in activity if a.points > 0]
    rows.sort(key=lambda a: (-a.points, a.username))
    return rows[:n]


def lagging(units: Sequence[UnitKpis], group: str, boards: Iterable[Leaderboard] = ()) -> list[Lag]:
    """The measures that lag for each unit of one peer group, most severe first."""
    out: list[Lag] = []
    for k in units:
        if k.accounts and k.kind != "opd":
            if k.days_since_post is None:
                out.append(
                    Lag(
                        k.code,
                        k.name,
                        group,
                        "akun belum pernah posting",
                        "Unggah konten pertama; minta kit kampanye ke Diskominfo",
                        90,
                    )
                )
            elif k.days_since_post >= QUIET_DAYS:
                out.append(
                    Lag(
                        k.code,
                        k.name,
                        group,
                        f"akun tidak posting {k.days_since_post} hari",
                        "Jadwalkan minimal 3 unggahan minggu ini (pakai kit kampanye kota)",
                        60 + min(k.days_since_post, 30),
                    )
                )
        if k.unanswered_complaints >= UNANSWERED_COMPLAINTS:
            out.append(
                Lag(
                    k.code,
                    k.name,
                    group,
                    f"{k.unanswered_complaints} aduan belum dijawab",
                    "Jawab aduan di kotak masuk hari ini; balasan pertama cukup sebut kode tiket",
                    80 + min(k.unanswered_complaints, 50),
                )
            )
        median = k.first.median_business_seconds
        if median is not None and median > SLOW_MEDIAN_BUSINESS_SECONDS:
            out.append(
                Lag(
                    k.code,
                    k.name,
                    group,
                    f"median respons pertama {fmt.duration(median)} (jam kerja)",
                    "Atur piket balasan: satu admin memeriksa kotak masuk tiap 2 jam kerja",
                    50,
                )
            )
        sla = k.sla_all
        if sla.den >= SLA_MIN_JUDGED and (sla.pct or 0) < SLA_FLOOR_PCT:
            out.append(
                Lag(
                    k.code,
                    k.name,
                    group,
                    f"hanya {fmt.pct(sla.pct)} tahap aduan sesuai SLA "
                    f"({fmt.num(sla.num)}/{fmt.num(sla.den)})",
                    "Tindak lanjuti kasus yang lewat tenggat; laporkan hambatan ke Diskominfo",
                    55,
                )
            )
        if k.growth.net is not None and k.growth.net < 0:
            out.append(
                Lag(
                    k.code,
                    k.name,
                    group,
                    f"pengikut turun {fmt.num(-k.growth.net)}",
                    "Periksa unggahan terakhir dan balas komentar warga; ikuti kampanye kota",
                    30,
                )
            )
        if k.kind in ("kelurahan", "kecamatan") and k.field_visits == 0:
            out.append(
                Lag(
                    k.code,
                    k.name,
                    group,
                    "belum ada kunjungan lapangan tercatat",
                    "Turun ke lapangan dan catat kunjungan dari ponsel (foto + lokasi)",
                    20,
                )
            )
    for board in boards:
        ranked = board.ranked
        if len(ranked) < 4:
            continue
        cut = len(ranked) - max(1, round(len(ranked) * BOTTOM_SHARE))
        for row in ranked:
            if row.rank is not None and row.rank > cut:
                out.append(
                    Lag(
                        row.code,
                        row.name,
                        group,
                        f"peringkat {row.rank} dari {row.of} {INDEX_LABELS[board.index].lower()}",
                        f"Fokus pada: {row.reason.split('perlu ditingkatkan: ')[-1]}",
                        10,
                    )
                )
    out.sort(key=lambda lag: (-lag.severity, lag.name))
    return out
