"""The PostgreSQL database a test process reuses is put back to its template's rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import pgpool
from tests.conftest import _pg_pooled

pytestmark = pytest.mark.postgres


def _state(conn: sa.Connection) -> tuple[int, int, int]:
    return (
        conn.execute(sa.text("SELECT count(*) FROM opds")).scalar_one(),
        conn.execute(sa.text("SELECT count(*) FROM policy_revisions")).scalar_one(),
        conn.execute(sa.text("SELECT count(*) FROM routing_rules")).scalar_one(),
    )


def test_rows_sequences_and_guarded_tables_come_back_as_the_template_has_them(
    request: pytest.FixtureRequest,
) -> None:
    template = request.getfixturevalue("pg_template")
    engine = sa.create_engine(_pg_pooled(request, template), poolclass=sa.NullPool)
    with engine.begin() as conn:
        before = _state(conn)
        assert before[0] > 0 and before[2] > 0  # the template holds reference rows
        sequence = conn.execute(
            sa.text("SELECT pg_get_serial_sequence('policy_revisions', 'id')")
        ).scalar_one()
        next_id = conn.execute(sa.text("SELECT last_value FROM " + sequence)).scalar_one()
        conn.execute(sa.text("DELETE FROM routing_rules"))
        conn.execute(
            sa.text("UPDATE opds SET name = 'diubah' WHERE code = (SELECT min(code) FROM opds)")
        )
        conn.execute(  # an append-only table: its guard refuses DELETE and TRUNCATE
            sa.text(
                "INSERT INTO policy_revisions (kind, key, data, changed_at, changed_by, note)"
                " VALUES ('sla_policy', 'x', '{}', now(), 'uji', '')"
            )
        )
        for _ in range(3):
            conn.execute(sa.text("SELECT nextval(:s)"), {"s": sequence})
    engine.dispose()

    engine = sa.create_engine(_pg_pooled(request, template), poolclass=sa.NullPool)
    with engine.begin() as conn:
        assert _state(conn) == before
        changed = sa.text("SELECT count(*) FROM opds WHERE name = 'diubah'")
        assert conn.execute(changed).scalar() == 0
        assert conn.execute(sa.text("SELECT last_value FROM " + sequence)).scalar_one() == next_id
    engine.dispose()


def test_a_changed_schema_is_noticed_and_the_database_made_again(
    request: pytest.FixtureRequest,
) -> None:
    template = request.getfixturevalue("pg_template")
    engine = sa.create_engine(_pg_pooled(request, template), poolclass=sa.NullPool)
    with engine.begin() as conn:
        before = pgpool.fingerprint(conn)
        conn.execute(sa.text("CREATE TABLE stray (id int)"))
        assert pgpool.fingerprint(conn) != before
    engine.dispose()

    engine = sa.create_engine(_pg_pooled(request, template), poolclass=sa.NullPool)
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("stray")
    engine.dispose()
