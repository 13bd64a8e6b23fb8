"""the content desk per city (issue 17, item 5): a `city` column on programmes, campaigns,
media items and training sessions, so that an operator plans, pushes, uploads and trains within
its own kota/kabupaten. Existing rows belong to the first city (`cities.position` 1), as every
row did before a second city was loaded. What follows from another row needs no column: a
campaign's targets and a post are of their account's city, an account's admins of the account's,
a session's attendance of the session's, and a kelurahan profile of the city its wilayah code
lies in.

Programme and campaign codes stay unique in the deployment (as OPD keys and ticket prefixes):
a code names one programme in the CLI, the CSV files and the API without a city beside it.

Downgrade refuses while a second city is loaded: its rows in these tables would lose what tells
them apart from the first city's, and on SQLite a refusal of 0022 further down could not undo the
tables this one rebuilt.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TABLES = ("programs", "campaigns", "media_items", "training_sessions")


def _first_city(conn: sa.Connection) -> str | None:
    found = conn.execute(sa.text("SELECT code FROM cities ORDER BY position, code LIMIT 1"))
    return found.scalar()


def upgrade() -> None:
    conn = op.get_bind()
    city = _first_city(conn)
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("city", sa.String(length=13), nullable=True))
        if city is not None:
            conn.execute(sa.text(f"UPDATE {table} SET city = :code"), {"code": city})
        elif conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first():
            raise RuntimeError(f"{table} memuat baris tetapi basis data belum memuat kota")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("city", existing_type=sa.String(length=13), nullable=False)
            batch.create_index(op.f(f"ix_{table}_city"), ["city"])


def downgrade() -> None:
    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT COUNT(*) FROM cities")).scalar_one()
    if count > 1:
        raise RuntimeError(
            "basis data ini memuat lebih dari satu kota/kabupaten; turun ke 0023 hanya untuk "
            "satu kota (program, kampanye, media dan sesi kota lain akan kehilangan kotanya)"
        )
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_city"))
            batch.drop_column("city")
