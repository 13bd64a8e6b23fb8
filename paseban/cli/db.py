"""`paseban db ...`: the schema's migrations."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.storage import migrate


@click.group()
def db_group() -> None:
    """Migrasi basis data."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@friendly
def db_upgrade(revision: str) -> None:
    """Jalankan migrasi sampai versi terbaru."""
    with open_context(migrated=False) as ctx:
        migrate.upgrade(ctx.engine, revision)
        click.echo(f"basis data pada versi {migrate.current(ctx.engine)}")


@db_group.command("current")
@friendly
def db_current() -> None:
    """Tampilkan versi skema basis data."""
    with open_context(migrated=False) as ctx:
        now, head = migrate.current(ctx.engine), migrate.head(ctx.engine)
        click.echo(f"versi {now or '(kosong)'}; terbaru {head}")
