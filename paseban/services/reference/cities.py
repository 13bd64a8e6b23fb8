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


def loaded(conn: sa.Connection) -> list[City]:
    """The deployment's cities, read once per transaction."""
    return cached(conn, "cities", lambda: all_cities(conn))


def city_of(conn: sa.Connection, code: str | None) -> City | None:
    """One city (cached in the transaction); None names the first city."""
    found = loaded(conn)
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
    if position == 1:  # the default policies and templates seeded before any city was loaded
        for table in CITY_POLICIES:
            conn.execute(sa.update(table).where(table.c.city.is_(None)).values(city=code))
    return City(code, city_label(name), prefix, position)


# the policy tables a city has its own rows in once it changes one (migration 0024); their
# revisions are append-only: those of before the first city keep no city (`revisions` reads
# them as the first city's)
CITY_POLICIES = (t.sla_policies, t.reply_templates)


def policy_city(conn: sa.Connection, table: sa.Table, city: str | None) -> str | None:
    """Whose rows of a per-city policy table (`sla_policies`, `reply_templates`) apply to a
    city: its own once it has any, else the first city's (None: no city is loaded yet, the
    seeded rows without one)."""
    first = city_of(conn, None)
    if first is None:
        return None
    found = city_of(conn, city)
    if found is None or found.first:
        return first.code
    own = conn.execute(sa.select(table.c.id).where(table.c.city == found.code).limit(1)).first()
    return found.code if own is not None else first.code


def first_code() -> sa.ScalarSelect[Any]:
    """The first city's code, as a subquery (no query of its own)."""
    first = sa.select(t.cities.c.code).order_by(t.cities.c.position, t.cities.c.code).limit(1)
    return first.scalar_subquery()


def policy_rows(conn: sa.Connection, table: sa.Table, city: str | None) -> list[Any]:
    """A city's rows of a per-city policy table (None: the first city's), in one query: its own
    once it has any, else the first city's (before any city is loaded: those without one)."""
    wanted = [table.c.city.is_(None), table.c.city == first_code()]
    if city:
        wanted.append(table.c.city == city)
    rows = conn.execute(sa.select(table).where(sa.or_(*wanted)).order_by(table.c.id)).all()
    own = [r for r in rows if r.city == city] if city else []
    return own or list(rows)


def follows_first(ctx: Context, table: sa.Table, city: str | None) -> bool:
    """A city other than the first that has no rows of its own in a per-city policy table: it
    follows the first city's (the settings pages say so)."""
    with ctx.engine.connect() as conn:
        found = city_of(conn, city)
        if found is None or found.first:
            return False
        return policy_city(conn, table, found.code) != found.code


def city_rows(table: sa.Table, code: str | None) -> sa.ColumnElement[bool]:
    """The WHERE clause of one city's rows (None: those stored before any city was loaded)."""
    return table.c.city.is_(None) if code is None else table.c.city == code


def own_policy_city(conn: sa.Connection, table: sa.Table, city: str | None) -> str | None:
    """The city a change to a per-city policy table is stored in (None: the first city). A
    city that followed the first city's rows gets a copy of them first, so that changing one
    policy or template keeps the others it followed."""
    found = city_of(conn, city)
    if found is None:
        if city is not None:
            raise InvalidInput(f"kota/kabupaten {city!r} tidak dimuat di sini")
        return None
    # one first change at a time per city (PostgreSQL; SQLite writes one at a time anyway), so
    # that two of them never both copy
    conn.execute(sa.select(t.cities.c.code).where(t.cities.c.code == found.code).with_for_update())
    source = policy_city(conn, table, found.code)
    if source != found.code:
        columns = [c for c in table.c if c.name not in ("id", "city")]
        copied = (
            sa.select(*columns, sa.literal(found.code, sa.String))
            .where(table.c.city == source)
            .order_by(table.c.id)
        )
        conn.execute(sa.insert(table).from_select([*(c.name for c in columns), "city"], copied))
    return found.code


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
