from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from paseban.storage import db, migrate, partitions
from paseban.storage.tables import metadata
from tests.conftest import make_ctx


def test_migrations_build_exactly_the_tables_in_code(empty_db_url: str) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        assert migrate.current(ctx.engine) is None
        migrate.upgrade(ctx.engine)
        assert migrate.is_current(ctx.engine)
        with ctx.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_name": _declared}
                ),
                metadata,
            )
        expected = PARTITIONING if ctx.engine.dialect.name == "postgresql" else set()
        assert {_describe(d) for d in diff} == expected, f"schema differs from migrations: {diff}"
        assert len(diff) == len(expected)
        migrate.downgrade(ctx.engine, "base")
        assert set(sa.inspect(ctx.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(ctx.engine)
        assert migrate.is_current(ctx.engine)
    finally:
        ctx.close()


# What migration 0021 changes on PostgreSQL only, beyond the tables in code (the partitions and
# the key tables, left out by `_declared`): the unique keys move to message_keys and
# raw_event_keys, foreign keys to messages point at message_keys, the links to raw_events go.
PARTITIONING = {
    ("add_constraint", "messages", "uq_messages_platform_external_id"),
    ("remove_index", "messages", "ix_messages_platform_external_id"),
    ("add_index", "raw_events", "ux_raw_events_channel_body_hash"),
    ("remove_index", "raw_events", "ix_raw_events_channel_body_hash"),
    ("add_fk", "messages", "fk_messages_raw_event_id_raw_events"),
    ("add_fk", "message_revisions", "fk_message_revisions_raw_event_id_raw_events"),
    *(
        (change, table, f"fk_{table}_{column}_messages")
        for change in ("add_fk", "remove_fk")
        for table, column in [
            ("analysis_corrections", "message_id"),
            ("content_posts", "source_message_id"),
            ("message_revisions", "message_id"),
            ("outbox", "in_reply_to_message_id"),
            ("response_facts", "message_id"),
        ]
    ),
}


def _declared(name: str | None, kind: str, _parent: object) -> bool:
    if kind != "table" or name is None:
        return True
    return not partitions.is_partition(name) and name not in {"message_keys", "raw_event_keys"}


def _describe(change: Any) -> tuple[str, str, str | None]:
    """(what, table, name) of one difference compare_metadata reports."""
    what, item = change[0], change[1]
    return (what, item.table.name, item.name)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_ctx: object) -> None:
    engine = sqlite_ctx.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_unreachable_database_is_one_clear_line() -> None:
    engine = db.create_engine("postgresql+psycopg://u:secret@127.0.0.1:1/x")
    with pytest.raises(db.DatabaseUnavailable) as info:
        db.check(engine)
    assert "secret" not in str(info.value) and "127.0.0.1" in str(info.value)


def test_bad_url_is_refused() -> None:
    with pytest.raises(db.DatabaseUnavailable, match="tidak sah"):
        db.create_engine("not a url")
