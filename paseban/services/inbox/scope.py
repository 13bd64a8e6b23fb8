"""Which accounts an actor works: the one rule every inbox read and action applies."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.domain.accounts import OwnerKind, Scope
from paseban.storage import tables as t


def account_ids_in_scope(conn: sa.Connection, scope: Scope) -> list[int] | None:
    """The accounts an actor works: all (None) for the province role; a city's for its
    Diskominfo; those owned inside a wilayah; an OPD's own accounts (always of the actor's
    city: another city's OPD has another key, and a wilayah code names its city)."""
    if scope.is_province:
        return None
    elsewhere = sa.exists().where(t.accounts.c.city != scope.city)  # in the same round trip
    query = sa.select(
        t.accounts.c.id, t.accounts.c.owner_kind, t.accounts.c.owner_code, elsewhere.label("more")
    )
    if scope.city is not None:
        query = query.where(t.accounts.c.city == scope.city)
    rows = conn.execute(query).all()
    if scope.is_city:
        if rows and not rows[0].more:
            # every account is this city's (one city in the deployment): no list to filter on,
            # so the inbox and review counts stay index-only scans (bench/national.py)
            return None
        return [r.id for r in rows]
    if scope.opd is not None:
        return [
            r.id for r in rows if r.owner_kind == OwnerKind.OPD.value and r.owner_code == scope.opd
        ]
    return [
        r.id
        for r in rows
        if r.owner_kind != OwnerKind.OPD.value and scope.covers_wilayah(r.owner_code)
    ]
