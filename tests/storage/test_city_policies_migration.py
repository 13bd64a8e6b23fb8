"""Migration 0024 (SLA policies and reply templates per city): the policies, templates and
revisions of a one-city database become its city's and go down again without losing a row; a
database where a second city has its own refuses to go down; a new database's seeded defaults
wait for the first city, which claims them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from paseban.services.reference import cities
from paseban.storage import migrate
from paseban.storage import tables as t
from tests.conftest import make_ctx

AT = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
TABLES = ("sla_policies", "reply_templates", "policy_revisions")
# the revisions are append-only: those written before 0024 keep no city (the first city's)
FILLED = {"sla_policies": {"32.71"}, "reply_templates": {"32.71"}, "policy_revisions": {None}}


def _city(conn: sa.Connection, code: str, name: str, prefix: str, position: int) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO cities (code, name, ticket_prefix, position, created_at) "
            "VALUES (:code, :name, :prefix, :position, :at)"
        ),
        {"code": code, "name": name, "prefix": prefix, "position": position, "at": AT},
    )


def _counts(conn: sa.Connection) -> dict[str, int]:
    return {
        table: conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        for table in TABLES
    }


def _cities_of(conn: sa.Connection) -> dict[str, set[str | None]]:
    return {
        table: set(conn.execute(sa.text(f"SELECT city FROM {table}")).scalars()) for table in TABLES
    }


def test_a_one_city_database_upgrades_in_place_and_downgrades(empty_db_url: str) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine, "0023")
        with ctx.engine.begin() as conn:
            _city(conn, "32.71", "KOTA BOGOR", "BGR", 1)
            conn.execute(
                sa.text(
                    "INSERT INTO policy_revisions (kind, key, data, changed_at, changed_by, note) "
                    "VALUES ('sla_policy', 'verify:*:*', NULL, :at, 'ops', '')"
                ),
                {"at": AT},
            )
            before = _counts(conn)
        assert before["sla_policies"] == 7 and before["reply_templates"] > 0  # seeded by 0003
        migrate.upgrade(ctx.engine, "0024")  # 0025 refuses to go down beside a 2nd city
        with ctx.engine.connect() as conn:
            assert _counts(conn) == before
            assert _cities_of(conn) == FILLED
        # a second city with its own policy: going down would make it the first city's
        with ctx.engine.begin() as conn:
            _city(conn, "32.01", "KABUPATEN BOGOR", "KBG", 2)
            conn.execute(
                sa.text(
                    "INSERT INTO sla_policies (stage, topic, urgency, amount, unit, "
                    "escalate_after, updated_at, updated_by, city) "
                    "VALUES ('verify', NULL, NULL, 2, 'hours', 1, :at, 'ops.kab', '32.01')"
                ),
                {"at": AT},
            )
        with pytest.raises(Exception, match="selain kota pertama"):
            migrate.downgrade(ctx.engine, "0023")
        with ctx.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM sla_policies WHERE city = '32.01'"))
        migrate.downgrade(ctx.engine, "0023")  # a second city that follows the first: fine
        inspector = sa.inspect(ctx.engine)
        for table in TABLES:
            assert "city" not in {c["name"] for c in inspector.get_columns(table)}
        with ctx.engine.connect() as conn:
            assert _counts(conn) == before
        migrate.upgrade(ctx.engine, "0024")  # 0025 refuses to go down beside a 2nd city
        with ctx.engine.connect() as conn:
            assert _cities_of(conn) == FILLED
            with pytest.raises(sa.exc.DatabaseError, match="hanya boleh ditambah"):
                conn.execute(sa.text("UPDATE policy_revisions SET note = 'x'"))  # still kept
    finally:
        ctx.close()


def test_a_new_database_seeds_without_a_city_until_the_first_is_loaded(
    empty_db_url: str,
) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            seeded = _cities_of(conn)
            assert seeded["sla_policies"] == {None} and seeded["reply_templates"] == {None}
        with ctx.engine.begin() as conn:
            cities.add_city(conn, "32.71", "KOTA BOGOR", at=AT)
            cities.add_city(conn, "32.01", "KABUPATEN BOGOR", at=AT)
        with ctx.engine.connect() as conn:
            claimed = _cities_of(conn)
            assert claimed["sla_policies"] == {"32.71"} and claimed["reply_templates"] == {"32.71"}
            assert cities.policy_city(conn, t.sla_policies, "32.01") == "32.71"  # follows
    finally:
        ctx.close()
