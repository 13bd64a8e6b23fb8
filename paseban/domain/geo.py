"""Coordinates to a place: the nearest kelurahan centre (pure; the centres are passed in).

A WhatsApp location message, an X tweet with an exact point or a manual report with a map pin
carries latitude and longitude; the reference data gives each kelurahan an approximate centre.
The nearest centre is a good guess of the kelurahan when it is close enough; beyond `max_km`
(outside the city, or a wrong pin) there is no guess.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Centre:
    code: str  # kelurahan code, e.g. 32.71.01.1001
    lat: float
    lon: float


@dataclass(frozen=True)
class Nearest:
    code: str
    distance_km: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_kelurahan(
    lat: float, lon: float, centres: Iterable[Centre], *, max_km: float = 3.0
) -> Nearest | None:
    """The closest centre within `max_km`, or None. Ties go to the smaller code."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    best: Nearest | None = None
    for centre in centres:
        d = distance_km(lat, lon, centre.lat, centre.lon)
        if d <= max_km and (
            best is None
            or d < best.distance_km
            or (d == best.distance_km and centre.code < best.code)
        ):
            best = Nearest(centre.code, d)
    return best
