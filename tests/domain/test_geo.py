from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paseban.domain.geo import Centre, distance_km, nearest_kelurahan

CENTRES = [
    Centre("32.71.01.1001", -6.621608, 106.808735),  # Batu Tulis
    Centre("32.71.01.1002", -6.613517, 106.804577),  # Bondongan
    Centre("32.71.01.1003", -6.613683, 106.799369),  # Empang
]


def test_distance_of_one_degree_of_latitude() -> None:
    assert distance_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)
    assert distance_km(-6.6, 106.8, -6.6, 106.8) == 0


def test_nearest_centre_within_reach() -> None:
    found = nearest_kelurahan(-6.6214, 106.8089, CENTRES)
    assert found is not None and found.code == "32.71.01.1001" and found.distance_km < 0.1
    assert nearest_kelurahan(-6.6137, 106.8005, CENTRES).code == "32.71.01.1003"  # type: ignore[union-attr]


def test_too_far_or_invalid_is_no_guess() -> None:
    assert nearest_kelurahan(-6.2, 106.8, CENTRES) is None  # Jakarta
    assert nearest_kelurahan(math.nan, 106.8, CENTRES) is None
    assert nearest_kelurahan(95, 106.8, CENTRES) is None
    assert nearest_kelurahan(-6.6, 106.8, []) is None


@given(st.floats(-7, -6), st.floats(106, 107))
def test_the_answer_is_the_closest_centre(lat: float, lon: float) -> None:
    found = nearest_kelurahan(lat, lon, CENTRES, max_km=1000)
    assert found is not None
    assert all(found.distance_km <= distance_km(lat, lon, c.lat, c.lon) for c in CENTRES)
