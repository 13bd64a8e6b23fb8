"""The early-warning rule: Poisson tail against a 28-day baseline with a minimum count."""

from __future__ import annotations

import math

import pytest

from paseban.measurement import alerts


def test_poisson_tail_by_hand() -> None:
    # P(X >= 2 | 1) = 1 - e^-1 (1 + 1) = 0.26424
    assert alerts.poisson_tail(2, 1.0) == pytest.approx(1 - 2 * math.exp(-1))
    assert alerts.poisson_tail(0, 3.0) == 1.0
    assert alerts.poisson_tail(3, 0.0) == 0.0
    # tiny tails stay accurate: P(X >= 10 | 0.05) ~ 0.05^10 e^-0.05 / 10!
    expected = 0.05**10 * math.exp(-0.05) / math.factorial(10)
    assert alerts.poisson_tail(10, 0.05) == pytest.approx(expected, rel=1e-3)


def test_expected_count_scales_baseline_to_the_window() -> None:
    # 112 complaints in 28 days = 4 a day = 1 per 6 hours
    assert alerts.expected_count(112) == pytest.approx(1.0)
    assert alerts.expected_count(0) == alerts.LAMBDA_FLOOR


def test_flood_in_one_kelurahan_raises_one_alert() -> None:
    kel, kec = "32.71.01.1001", "32.71.01"
    recent = {
        ("banjir_longsor", "kelurahan", kel): [1, 2, 3, 4, 5],
        ("banjir_longsor", "kecamatan", kec): [1, 2, 3, 4, 5, 6],
    }
    spikes = alerts.detect(recent, {}, parents={kel: kec})
    assert [(s.level, s.area, s.count) for s in spikes] == [("kelurahan", kel, 5)]
    assert spikes[0].message_ids == (1, 2, 3, 4, 5)
    assert spikes[0].p_value < alerts.P_MAX and spikes[0].ratio == pytest.approx(100)


def test_usual_level_does_not_alert() -> None:
    # a kelurahan that gets 4 rubbish complaints every 6 hours: 5 now is normal
    key = ("sampah", "kelurahan", "32.71.02.1001")
    assert alerts.detect({key: [1, 2, 3, 4, 5]}, {key: 448}) == []
    # the same five against a quiet baseline of 1 a day (λ = 0.25): P(X>=5) ~ 6e-6: alert
    assert len(alerts.detect({key: [1, 2, 3, 4, 5]}, {key: 28})) == 1


def test_minimum_count_beats_tiny_probabilities() -> None:
    key = ("pju", "kelurahan", "32.71.02.1001")
    assert alerts.detect({key: [1, 2, 3]}, {}) == []  # 3 < 4 even with λ at the floor
    kec = ("pju", "kecamatan", "32.71.02")
    assert alerts.detect({kec: [1, 2, 3, 4, 5]}, {}) == []  # kecamatan needs 6


def test_kecamatan_spike_spread_over_kelurahan_is_raised() -> None:
    # eight reports of a dead water main across a kecamatan, no kelurahan reaching 4
    kec = ("air_bersih", "kecamatan", "32.71.03")
    recent = {kec: list(range(8)), ("air_bersih", "kelurahan", "32.71.03.1001"): [0, 1, 2]}
    spikes = alerts.detect(recent, {}, parents={"32.71.03.1001": "32.71.03"})
    assert [(s.level, s.count) for s in spikes] == [("kecamatan", 8)]


def test_no_data() -> None:
    assert alerts.detect({}, {}) == []
