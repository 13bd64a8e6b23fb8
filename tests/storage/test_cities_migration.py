"""Migration 0022 (one deployment, many cities): a one-city database with rows in it upgrades in
place (its city becomes the first city, every row is filled with it) and downgrades again
without losing a row; a database holding two cities refuses to go down."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from paseban.storage import migrate
from tests.conftest import make_ctx

AT = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
parameters = sa.table(
    "parameters",
    sa.column("key", sa.String),
    sa.column("value", sa.JSON),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("updated_by", sa.String),
)
CITY_ROWS = ("cases", "accounts", "opds", "routing_rules", "users", "api_tokens")


def _one_city_rows(conn: sa.Connection) -> None:
    """What `paseban init` and a few days of work leave in a database at revision 0021."""
    for key, value in [
        ("city_code", "32.71"),
        ("city_name", "KOTA BOGOR"),
        ("ticket_prefix", "BGR"),
    ]:
        conn.execute(
            sa.insert(parameters).values(key=key, value=value, updated_at=AT, updated_by="sistem")
        )
    statements = [
        "INSERT INTO opds (code, name, handles, kind, active) "
        "VALUES ('DLH', 'Dinas Lingkungan Hidup', '', 'opd', true)",
        "INSERT INTO routing_rules (name, priority, condition, assign_to, active, notes, "
        "updated_at, updated_by) VALUES ('default:sampah', 1000, "
        '\'{"attr": "topic", "op": "eq", "value": "sampah"}\', \'DLH\', true, \'\', '
        ":at, 'sistem')",
        "INSERT INTO accounts (platform, handle, owner_kind, owner_code, name, active, "
        "is_sample, created_at) VALUES ('instagram', 'kel.batutulis', 'kelurahan', "
        "'32.71.01.1001', '', true, false, :at)",
        "INSERT INTO users (username, full_name, role, scope_code, active, is_sample, "
        "created_at, notify_channel) VALUES ('ops', '', 'diskominfo', NULL, true, false, :at, "
        "'email')",
        "INSERT INTO api_tokens (name, token_hash, prefix, role, scope_code, permissions, "
        "created_at, created_by) VALUES ('open311', 'h', 'p', 'diskominfo', NULL, '[]', :at, "
        "'ops')",
        "INSERT INTO cases (ticket, status, urgency, opd, title, report_count, opened_at, "
        "updated_at, version, is_sample, keywords, platforms, escalation_level, returned_by) "
        "VALUES ('BGR-2612-0001', 'received', 'normal', 'DLH', 'sampah', 1, :at, :at, 1, false, "
        "'', '[]', 0, '[]')",
    ]
    for statement in statements:
        conn.execute(sa.text(statement), {"at": AT})


def add_kabupaten_bogor(conn: sa.Connection) -> None:
    """A second city in the `cities` table (what `paseban init --wilayah 32.01` adds)."""
    conn.execute(
        sa.text(
            "INSERT INTO cities (code, name, ticket_prefix, position, created_at) "
            "VALUES ('32.01', 'KABUPATEN BOGOR', 'KBG', 2, :at)"
        ),
        {"at": AT},
    )


def _cities_of(conn: sa.Connection) -> dict[str, set[str | None]]:
    return {
        table: set(conn.execute(sa.text(f"SELECT city FROM {table}")).scalars())
        for table in CITY_ROWS
    }


def test_a_one_city_database_upgrades_in_place_and_downgrades(empty_db_url: str) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine, "0021")
        with ctx.engine.begin() as conn:
            _one_city_rows(conn)
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            cities = conn.execute(
                sa.text("SELECT code, name, ticket_prefix, position FROM cities")
            ).all()
            assert [tuple(c) for c in cities] == [("32.71", "KOTA BOGOR", "BGR", 1)]
            assert _cities_of(conn) == {table: {"32.71"} for table in CITY_ROWS}
            assert conn.execute(sa.text("SELECT ticket, opd FROM cases")).one() == (
                "BGR-2612-0001",
                "DLH",
            )
        # a rule of the same name may now exist once per city
        with ctx.engine.begin() as conn:
            add_kabupaten_bogor(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO routing_rules (name, priority, condition, assign_to, active, "
                    "notes, updated_at, updated_by, city) SELECT name, priority, condition, "
                    "assign_to, active, notes, updated_at, updated_by, '32.01' FROM routing_rules"
                )
            )
        with pytest.raises(Exception, match="lebih dari satu kota"):
            migrate.downgrade(ctx.engine, "0021")
        with ctx.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM routing_rules WHERE city = '32.01'"))
            conn.execute(sa.text("DELETE FROM cities WHERE code = '32.01'"))
        migrate.downgrade(ctx.engine, "0021")
        inspector = sa.inspect(ctx.engine)
        assert "cities" not in inspector.get_table_names()
        for table in CITY_ROWS:
            assert "city" not in {c["name"] for c in inspector.get_columns(table)}
        with ctx.engine.connect() as conn:
            for table in CITY_ROWS:
                assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 1
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            assert _cities_of(conn) == {table: {"32.71"} for table in CITY_ROWS}
    finally:
        ctx.close()


def test_an_empty_database_gets_no_city_until_init(empty_db_url: str) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM cities")).scalar_one() == 0
    finally:
        ctx.close()
