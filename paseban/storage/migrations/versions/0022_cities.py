"""one deployment, many cities (issue 17, item 5): a `cities` table and a `city` column on the
rows that belong to one kota/kabupaten (cases, accounts, OPDs, routing rules, users, API
tokens); routing rules are named once per city. An existing one-city database upgrades in
place: its city (the `city_code`, `city_name` and `ticket_prefix` parameters that `paseban
init` wrote) becomes the first city and every row is filled with it. Users and tokens keep a
NULL city only for the province role, which this migration does not create.

Downgrade keeps one city only: it refuses while a second city is loaded (its rows would lose
what tells them apart from the first city's).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:50:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# the product's default city: what `paseban init` loads when it is given no code
DEFAULT_CITY = ("32.71", "KOTA BOGOR", "BGR")
FILLED = ("cases", "accounts", "opds", "routing_rules")  # a city always (NOT NULL)
OPTIONAL = ("users", "api_tokens")  # NULL: the province role

parameters = sa.table("parameters", sa.column("key", sa.String), sa.column("value", sa.JSON))


def _current_city(conn: sa.Connection) -> tuple[str, str, str] | None:
    values = dict(
        conn.execute(
            sa.select(parameters.c.key, parameters.c.value).where(
                parameters.c.key.in_(["city_code", "city_name", "ticket_prefix"])
            )
        ).all()
    )
    if values.get("city_code"):
        code = str(values["city_code"])
        return code, str(values.get("city_name") or code), str(values.get("ticket_prefix") or "PSB")
    has_rows = any(
        conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in FILLED
    )
    return DEFAULT_CITY if has_rows else None


def upgrade() -> None:
    cities = op.create_table(
        "cities",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ticket_prefix", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cities")),
        sa.UniqueConstraint("ticket_prefix", name=op.f("uq_cities_ticket_prefix")),
    )
    conn = op.get_bind()
    city = _current_city(conn)
    if city is not None:
        code, name, prefix = city
        conn.execute(
            sa.insert(cities).values(
                code=code,
                name=name,
                ticket_prefix=prefix,
                position=1,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    for table in (*FILLED, *OPTIONAL):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("city", sa.String(length=13), nullable=True))
        if city is not None:
            conn.execute(sa.text(f"UPDATE {table} SET city = :code"), {"code": city[0]})
    for table in (*FILLED, *OPTIONAL):
        with op.batch_alter_table(table) as batch:
            if table in FILLED:
                batch.alter_column("city", existing_type=sa.String(length=13), nullable=False)
            batch.create_index(op.f(f"ix_{table}_city"), ["city"])
            if table == "routing_rules":
                batch.drop_constraint("uq_routing_rules_name", type_="unique")
                batch.create_unique_constraint("uq_routing_rules_city_name", ["city", "name"])


def downgrade() -> None:
    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT COUNT(*) FROM cities")).scalar_one()
    if count > 1:
        raise RuntimeError(
            "basis data ini memuat lebih dari satu kota/kabupaten; turun ke 0021 hanya untuk satu"
        )
    for table in (*FILLED, *OPTIONAL):
        with op.batch_alter_table(table) as batch:
            if table == "routing_rules":
                batch.drop_constraint("uq_routing_rules_city_name", type_="unique")
                batch.create_unique_constraint("uq_routing_rules_name", ["name"])
            batch.drop_index(op.f(f"ix_{table}_city"))
            batch.drop_column("city")
    op.drop_table("cities")
