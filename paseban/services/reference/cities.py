"""The kota/kabupaten of a deployment (issue 17, item 5): one for a city, several for a
province's Diskominfo. Each city has its ticket prefix, its OPDs, routing rules, accounts,
users and cases (the `city` column of their tables); the first city loaded is the default of
every row written without one (`storage.tables.base.first_city`).

OPD keys stay unique in the deployment, so every table that names an OPD (cases, rules,
topics, users' scopes, programmes) needs no second column: the first city keeps the codes of
its reference data (DLH), a city loaded after it gets them with its ticket prefix (DLH_KBG),
and pages show the OPD's name, which says its city."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.wilayah import city_label, ticket_prefix
from paseban.errors import InvalidInput
from paseban.storage import tables as t
from paseban.storage.tables.base import FIRST_CITY_KEY
from paseban.storage.txcache import cached, forget

if TYPE_CHECKING:
    from datetime import datetime

    from paseban.context import Context


@dataclass(frozen=True, slots=True)
class City:
    code: str  # Kemendagri code, 32.71
    name: str  # as people write it: "Kota Bogor"
    ticket_prefix: str  # BGR
    position: int  # 1 for the first city loaded

    @property
    def first(self) -> bool:
        return self.position == 1


def _city(r: Any) -> City:
    return City(r.code, city_label(r.name), r.ticket_prefix, r.position)


def all_cities(conn: sa.Connection) -> list[City]:
    rows = conn.execute(sa.select(t.cities).order_by(t.cities.c.position, t.cities.c.code))
    return [_city(r) for r in rows]


def cities(ctx: Context) -> list[City]:
    with ctx.engine.connect() as conn:
        return all_cities(conn)


def city_of(conn: sa.Connection, code: str | None) -> City | None:
    """One city (cached in the transaction); None names the first city."""
    found = cached(conn, "cities", lambda: all_cities(conn))
    if code is None:
        return found[0] if found else None
    return next((c for c in found if c.code == code), None)


EVERY = "semua"  # `?kota=semua`: every city (a blank value is dropped before the pages see it)


def choose(known: list[City], code: str | None) -> str | None:
    """A `?kota=` value checked against the deployment's cities: one of them, or None (every
    city). A code that is not one of them is refused with the names of those that are."""
    if not code or code == EVERY:
        return None
    if any(c.code == code for c in known):
        return code
    names = ", ".join(f"{c.code} {c.name}" for c in known)
    raise InvalidInput(f"kota/kabupaten {code!r} tidak dimuat di sini (pilihan: {names})")


def opd_key(city: City, code: str) -> str:
    """The deployment's key of a city's OPD (see the module's docstring)."""
    return code if city.first else f"{code}_{city.ticket_prefix}"


def add_city(conn: sa.Connection, code: str, name: str, *, at: datetime) -> City:
    """The city's row, added when it is new: the next position and a prefix no other city has."""
    existing = all_cities(conn)
    found = next((c for c in existing if c.code == code), None)
    if found is not None:
        return found
    prefix = ticket_prefix(city_label(name), taken={c.ticket_prefix for c in existing})
    position = max((c.position for c in existing), default=0) + 1
    conn.execute(
        sa.insert(t.cities).values(
            code=code, name=name, ticket_prefix=prefix, position=position, created_at=at
        )
    )
    conn.info.pop(FIRST_CITY_KEY, None)
    forget(conn, "cities")
    return City(code, city_label(name), prefix, position)


def parameter_key(conn: sa.Connection, city: str | None, key: str) -> str:
    """Where a city's parameter is kept: the first city's under its plain key (as in a one-city
    deployment), another's under `key@code`."""
    if city is None:
        return key
    found = city_of(conn, city)
    return key if found is None or found.first else f"{key}@{found.code}"


def get_city_parameter(conn: sa.Connection, city: str | None, key: str, default: Any) -> Any:
    """A city's parameter; a city that never set it has the first city's (the deployment's).
    One query: `key@code` when the city set its own (the first city never has one), else
    `key`."""
    keys = [key] if city is None else [key, f"{key}@{city}"]
    found = dict(
        conn.execute(
            sa.select(t.parameters.c.key, t.parameters.c.value).where(t.parameters.c.key.in_(keys))
        ).all()
    )
    value = found.get(keys[-1], found.get(key))
    return default if value is None else value
