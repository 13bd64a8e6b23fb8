"""Response-time buckets: the edges, the reported values, and percentiles within the bound."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paseban.measurement import histograms as h
from paseban.measurement import kpis


def test_edges_by_the_minute_then_ten_percent_wider() -> None:
    assert h.BUCKETS == 100
    assert h.EDGES[:12] == (0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660)
    assert h.EDGES[12:15] == (726, 799, 878)  # 600 x 1.1^k, rounded
    assert 33 * 86400 < h.EDGES[-1] < 34 * 86400
    assert all(a < b for a, b in zip(h.EDGES, h.EDGES[1:], strict=False))
    assert h.MAX_RELATIVE_ERROR < 0.05


def test_buckets_and_their_values_by_hand() -> None:
    assert h.bucket_of(0) == 0 and h.bucket_of(-5) == 0 and h.value_of(0) == 30
    assert h.bucket_of(59.9) == 0 and h.bucket_of(60) == 1 and h.value_of(1) == 90
    # 35 minutes = 2,100 s lies in [2,071, 2,278): reported as sqrt(2071 x 2278) = 2,172 s
    b = h.bucket_of(35 * 60)
    assert (h.EDGES[b], h.EDGES[b + 1]) == (2071, 2278)
    assert h.value_of(b) == 2172
    # the open last bucket reports its lower edge
    assert h.bucket_of(10**9) == h.BUCKETS - 1 and h.value_of(h.BUCKETS - 1) == h.EDGES[-1]
    with pytest.raises(ValueError):
        h.value_of(h.BUCKETS)


def test_percentiles_from_counts_by_hand() -> None:
    # 3 min, 20 min, 35 min, 2 h 07, 18 h, 60 h: the median is rank 3 (35 min), p90 rank 6
    counts = h.histogram([180, 1200, 2100, 7620, 64800, 216000])
    assert sum(counts) == 6
    assert h.percentile(counts, 0.5) == h.value_of(h.bucket_of(2100))
    assert h.percentile(counts, 0.9) == h.value_of(h.bucket_of(216000))
    assert h.percentile([0] * h.BUCKETS, 0.5) is None
    one = h.histogram([45])
    assert h.percentile(one, 0.5) == h.percentile(one, 0.9) == 30.0
    assert h.add(one, one)[0] == 2
    with pytest.raises(ValueError):
        h.percentile([1, 2], 0.5)
    with pytest.raises(ValueError):
        h.percentile(one, 0)


durations = st.lists(st.floats(0, 40 * 86400, allow_nan=False), min_size=1, max_size=60)


@given(values=durations, p=st.sampled_from([0.5, 0.9, 0.25, 1.0]))
def test_the_bucket_percentile_is_the_exact_ones_bucket(values: list[float], p: float) -> None:
    exact = kpis.percentile(values, p)
    assert exact is not None
    got = h.percentile(h.histogram(values), p)
    assert got == h.value_of(h.bucket_of(exact))
    # the documented bound: 30 s under 10 minutes, 5 % above, the open bucket's edge beyond
    if exact < h.EDGES[h.LINEAR_BUCKETS]:
        assert abs(got - exact) <= 30
    elif exact < h.EDGES[-1]:
        assert abs(got - exact) <= h.MAX_RELATIVE_ERROR * exact + 1
    else:
        assert got == h.EDGES[-1]


@given(a=durations, b=durations)
def test_histograms_add_up(a: list[float], b: list[float]) -> None:
    assert h.add(h.histogram(a), h.histogram(b)) == h.histogram(a + b)
