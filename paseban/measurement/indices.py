"""The responsiveness index and the activity/content index, built from KPIs with published
weights (docs/measurement.md).

Within a peer group (kelurahan with kelurahan, kecamatan with kecamatan, OPD with OPD) each
component value becomes a **percentile rank** among the units that meet the minimum volume:

    pr(x) = (units with a worse value + ½ × other units with the same value + ½) ÷ n × 100

so the best of n units gets (n − ½)/n × 100, the worst ½/n × 100, and a lone unit 50. Percentile
ranks ignore how far an outlier lies from the rest (the "winsorising" the anchors ask for) and
make components in different units (minutes, percent, posts) comparable. The index is the
weighted mean of the component ranks, 0-100. A component a unit has no data for (an OPD without
an account has no engagement rate) is left out and the remaining weights are rescaled, and the
index says which components it used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paseban.measurement.kpis import UnitKpis


@dataclass(frozen=True)
class Component:
    key: str
    label: str  # Bahasa Indonesia, for the reason text and the docs
    weight: float
    value: Callable[[UnitKpis], float | None]
    higher_is_better: bool = True


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


RESPONSIVENESS: tuple[Component, ...] = (
    Component("response_rate", "pesan warga dijawab", 0.30, lambda k: k.response.pct),
    Component(
        "frt_median_business",
        "median respons pertama (jam kerja)",
        0.20,
        lambda k: _minutes(k.first.median_business_seconds),
        higher_is_better=False,
    ),
    Component("frt_within_sla", "dijawab ≤ 24 jam", 0.20, lambda k: k.first.within_sla.pct),
    Component("sla_compliance", "tahap aduan sesuai SLA", 0.15, lambda k: k.sla_all.pct),
    Component("confirmed", "penyelesaian dikonfirmasi warga", 0.10, lambda k: k.confirmed.pct),
    Component(
        "reopen_rate",
        "aduan dibuka ulang",
        0.05,
        lambda k: k.reopened.pct,
        higher_is_better=False,
    ),
)

ACTIVITY: tuple[Component, ...] = (
    Component(
        "er_reach", "tingkat interaksi (per jangkauan)", 0.20, lambda k: k.engagement.rate_by_reach
    ),
    Component("follower_growth", "pertumbuhan pengikut", 0.15, lambda k: k.growth.rate_pct),
    Component("consistency", "minggu dengan ≥ 3 unggahan", 0.15, lambda k: k.consistency.pct),
    Component(
        "posts_per_week",
        "unggahan per minggu",
        0.10,
        lambda k: k.posts_per_week if k.accounts else None,
    ),
    Component("program", "unggahan program prioritas", 0.10, lambda k: k.program.pct),
    Component("campaigns", "ikut kampanye kota", 0.15, lambda k: k.campaigns.pct),
    Component("field", "kunjungan lapangan per minggu", 0.15, lambda k: k.visits_per_week),
)

INDICES: dict[str, tuple[Component, ...]] = {
    "responsiveness": RESPONSIVENESS,
    "activity": ACTIVITY,
}
INDEX_LABELS = {"responsiveness": "Indeks responsivitas", "activity": "Indeks aktivitas & konten"}


@dataclass(frozen=True)
class Score:
    code: str
    index: str
    value: float  # 0-100
    ranks: dict[str, float]  # component key -> percentile rank
    values: dict[str, float]  # component key -> raw value


def percentile_ranks(values: dict[str, float], *, higher_is_better: bool) -> dict[str, float]:
    n = len(values)
    out: dict[str, float] = {}
    items = list(values.values())
    for code, x in values.items():
        worse = sum(1 for y in items if (y < x if higher_is_better else y > x))
        same = sum(1 for y in items if y == x) - 1
        out[code] = (worse + 0.5 * same + 0.5) / n * 100
    return out


def score(units: Sequence[UnitKpis], index: str) -> dict[str, Score]:
    """Scores of the units of one peer group (the caller has applied the minimum volume)."""
    components = INDICES[index]
    ranks: dict[str, dict[str, float]] = {u.code: {} for u in units}
    raw: dict[str, dict[str, float]] = {u.code: {} for u in units}
    for comp in components:
        values = {u.code: v for u in units if (v := comp.value(u)) is not None}
        if not values:
            continue
        for code, pr in percentile_ranks(values, higher_is_better=comp.higher_is_better).items():
            ranks[code][comp.key] = pr
            raw[code][comp.key] = values[code]
    weights = {c.key: c.weight for c in components}
    out: dict[str, Score] = {}
    for u in units:
        used = ranks[u.code]
        total_weight = sum(weights[k] for k in used)
        value = (
            sum(weights[k] * pr for k, pr in used.items()) / total_weight if total_weight else 0.0
        )
        out[u.code] = Score(u.code, index, round(value, 1), used, raw[u.code])
    return out
