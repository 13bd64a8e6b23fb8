"""Early warning: a spike of complaints on one topic in one kelurahan or kecamatan. Pure.

The rule (docs/measurement.md):

1. Count complaints (intent `aduan`) per (topic, kelurahan) and per (topic, kecamatan) in the
   recent window W = the last 6 hours.
2. Baseline: the same counts over the 28 days before the window. The expected count in a window
   of length W is λ = baseline × W ÷ 28 days, with a floor of 0.05 (a topic never seen in a place
   still needs several reports at once).
3. Raise an alert when the count reaches the minimum (4 for a kelurahan, 6 for a kecamatan) and
   the Poisson probability of seeing at least that many under the usual level,
   P(X ≥ count | λ), is at most 0.001.
4. A kecamatan alert is not raised when an alert for the same topic in one of its kelurahan
   already explains the spike (the kelurahan's count is at least half of the kecamatan's).

The job that runs the rule (services/measurement/recording.py) keeps one open alert per topic and
place: a new spike while an alert is open updates it (count, messages) instead of raising another
one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

# an alert's status (alerts.status) as the dashboard and the report say it
ALERT_STATUS_LABELS: dict[str, str] = {
    "open": "Baru",
    "acknowledged": "Ditanggapi",
    "closed": "Selesai",
}

WINDOW = timedelta(hours=6)
BASELINE = timedelta(days=28)
LAMBDA_FLOOR = 0.05
MIN_COUNT = {"kelurahan": 4, "kecamatan": 6}
P_MAX = 0.001
EXPLAINED_SHARE = 0.5

Key = tuple[str, str, str]  # (topic, level, wilayah code)


@dataclass(frozen=True)
class Spike:
    topic: str
    level: str  # kelurahan or kecamatan
    area: str  # wilayah code
    count: int
    expected: float
    p_value: float
    message_ids: tuple[int, ...]

    @property
    def ratio(self) -> float:
        return self.count / self.expected


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(λ), summed from k upwards (accurate for tiny tails)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total = 0.0
    i = k
    while term > 1e-300:
        total += term
        i += 1
        term *= lam / i
        if term < total * 1e-16:
            break
    return min(1.0, total)


def expected_count(baseline: int, window: timedelta = WINDOW, span: timedelta = BASELINE) -> float:
    return max(LAMBDA_FLOOR, baseline * (window / span))


def detect(
    recent: Mapping[Key, Sequence[int]],
    baseline: Mapping[Key, int],
    *,
    window: timedelta = WINDOW,
    span: timedelta = BASELINE,
    parents: Mapping[str, str] | None = None,
) -> list[Spike]:
    """`recent`: message ids per (topic, level, area) in the window; `baseline`: counts per the
    same key over `span` before the window; `parents`: kelurahan code -> kecamatan code."""
    spikes: list[Spike] = []
    for (topic, level, area), ids in recent.items():
        count = len(ids)
        if count < MIN_COUNT.get(level, 1):
            continue
        lam = expected_count(baseline.get((topic, level, area), 0), window, span)
        p = poisson_tail(count, lam)
        if p <= P_MAX:
            spikes.append(Spike(topic, level, area, count, lam, p, tuple(sorted(ids))))
    parents = parents or {}
    explained: dict[tuple[str, str | None], int] = {}
    for s in spikes:
        if s.level == "kelurahan":
            key = (s.topic, parents.get(s.area))
            explained[key] = max(explained.get(key, 0), s.count)
    kept = [
        s
        for s in spikes
        if s.level != "kecamatan" or explained.get((s.topic, s.area), 0) < EXPLAINED_SHARE * s.count
    ]
    kept.sort(key=lambda s: (s.p_value, -s.count))
    return kept
