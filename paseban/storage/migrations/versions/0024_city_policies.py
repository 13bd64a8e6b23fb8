"""SLA policies and reply templates per city (issue 17, item 5): a `city` column on
`sla_policies`, `reply_templates` and `policy_revisions`. Every existing policy and template
becomes the first city's (as 0022 did for the other tables). The column may stay NULL: a new
database is seeded with the default policies and templates (0003) before `paseban init` loads
its first city, which then claims them (`services.reference.cities.add_city`); the revisions
are append-only (0003's triggers), so those written before 0024 keep a NULL city, read as the
first city's. A city that never set its own policies or templates follows the first city's.

Neither table has a unique constraint to widen: the key (stage, topic, urgency) and (event,
topic) holds NULLs, so `save_policy` and `save_template` look the row up within the city.

The column is added and dropped in place (ALTER TABLE, SQLite 3.35 or later), never by
rebuilding the table: a rebuild would drop the append-only triggers of `policy_revisions`.

Downgrade keeps one set only: it refuses while a city other than the first has its own policies,
templates or their revisions (they would become the first city's).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = ("sla_policies", "reply_templates", "policy_revisions")
FIRST_CITY = "SELECT code FROM cities ORDER BY position, code LIMIT 1"
# the rows of another city than the first: what a downgrade would lose the city of
OTHER_CITY = {
    "sla_policies": "city <> :first",
    "reply_templates": "city <> :first",
    "policy_revisions": "city <> :first AND kind IN ('sla_policy', 'reply_template')",
}


# SQLite commits each DDL statement at once (see 0023): a step that a later one refuses (0022's
# downgrade with two cities) has already run, so each step checks what is there first


def _has_city(conn: sa.Connection, table: str) -> bool:
    return "city" in {c["name"] for c in sa.inspect(conn).get_columns(table)}


def upgrade() -> None:
    conn = op.get_bind()
    first = conn.execute(sa.text(FIRST_CITY)).scalar()
    for table in TABLES:
        if not _has_city(conn, table):
            op.execute(f"ALTER TABLE {table} ADD COLUMN city VARCHAR(13)")
        op.create_index(op.f(f"ix_{table}_city"), table, ["city"], if_not_exists=True)
        if first is not None and table != "policy_revisions":  # append-only: NULL is the first
            conn.execute(sa.text(f"UPDATE {table} SET city = :code"), {"code": first})


def downgrade() -> None:
    conn = op.get_bind()
    first = conn.execute(sa.text(FIRST_CITY)).scalar()
    for table, where in OTHER_CITY.items():
        if first is None or not _has_city(conn, table):
            continue
        found = conn.execute(
            sa.text(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1"), {"first": first}
        )
        if found.first() is not None:
            raise RuntimeError(
                "kota/kabupaten selain kota pertama punya kebijakan SLA atau templat balasan "
                "sendiri; turun ke 0023 hanya bila semua kota memakai milik kota pertama"
            )
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_city"), table_name=table, if_exists=True)
        if _has_city(conn, table):
            op.execute(f"ALTER TABLE {table} DROP COLUMN city")
