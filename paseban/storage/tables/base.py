"""The metadata every table belongs to, with the naming convention of constraints and indexes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

FIRST_CITY_KEY = "paseban.first_city"


def first_city(context: Any) -> str | None:
    """The default of every `city` column (migration 0022): a row written without a city
    belongs to the deployment's first city (`cities.position` 1), so a one-city deployment
    and every writer that does not yet name a city keep working unchanged. Read once per
    database connection."""
    conn = context.connection
    found = conn.info.get(FIRST_CITY_KEY)
    if found is None:
        found = conn.execute(
            sa.text("SELECT code FROM cities ORDER BY position, code LIMIT 1")
        ).scalar()
        if found is not None:
            conn.info[FIRST_CITY_KEY] = found
    return str(found) if found is not None else None


def city_column(*, nullable: bool = False) -> sa.Column[Any]:
    """The city (kota/kabupaten code, `cities.code`) a row belongs to. No foreign key, so that
    adding it never rebuilds a large table on SQLite (as `cases.merged_into`)."""
    return sa.Column("city", sa.String(13), nullable=nullable, default=first_city, index=True)
