"""Alembic, driven from code: `paseban db upgrade` and the test suite call these."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

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


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head(engine: sa.Engine) -> str | None:
    return ScriptDirectory.from_config(config(engine)).get_current_head()


def is_current(engine: sa.Engine) -> bool:
    return current(engine) == head(engine)
