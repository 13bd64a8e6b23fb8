"""Sample and demo data (data contoh): generated deterministically, marked as sample, loaded by
`paseban init --sample`."""

import sqlalchemy as sa

from paseban.storage import tables as t

CITY = "32.71"  # the sample is Kota Bogor's, also in a deployment of several cities


def city_wilayah() -> sa.Select[tuple[object, ...]]:
    """The sample city's own wilayah rows (a province's deployment holds other cities' too)."""
    return sa.select(t.wilayah).where(t.wilayah.c.code.startswith(f"{CITY}.", autoescape=True))
