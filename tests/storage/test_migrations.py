from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from paseban.storage import db, migrate
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
                MigrationContext.configure(conn, opts={"compare_type": True}), metadata
            )
        assert diff == [], f"schema differs from migrations: {diff}"
        migrate.downgrade(ctx.engine, "base")
        assert set(sa.inspect(ctx.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(ctx.engine)
        assert migrate.is_current(ctx.engine)
    finally:
        ctx.close()


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
