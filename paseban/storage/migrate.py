"""Alembic, driven from code: `paseban db upgrade` and the test suite call these."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

MIGRATIONS = Path(__file__).parent / "migrations"


def config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    command.upgrade(config(engine), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    command.downgrade(config(engine), revision)


def undone_by(engine: sa.Engine, revision: str) -> list[tuple[str, str]]:
    """The migrations a downgrade to `revision` would undo, newest first: (revision, the first
    line of what it did). ValueError, in words, when the database has no schema yet or
    `revision` is not an earlier version of the one it has."""
    now = current(engine)
    if now is None:
        raise ValueError("basis data belum bermigrasi: tidak ada yang bisa diturunkan")
    script = ScriptDirectory.from_config(config(engine))
    try:
        if revision != "base":
            script.get_revision(revision)
        steps = list(script.iterate_revisions(now, revision))
    except CommandError:
        raise ValueError(
            f"versi {revision!r} bukan versi sebelum {now} (lihat `paseban db current`)"
        ) from None
    return [(step.revision, (step.doc or "").strip().splitlines()[0]) for step in steps]


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head(engine: sa.Engine) -> str | None:
    return ScriptDirectory.from_config(config(engine)).get_current_head()


def is_current(engine: sa.Engine) -> bool:
    return current(engine) == head(engine)
