"""`paseban db ...`: the schema's migrations."""

from __future__ import annotations

import click

from paseban.cli.common import Fail, friendly, open_context
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


@db_group.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Jangan bertanya lagi (untuk skrip).")
@friendly
def db_downgrade(revision: str, yes: bool) -> None:
    """Turunkan skema ke versi REVISION (mis. 0020, atau base), misalnya untuk kembali ke rilis
    sebelumnya. Tabel dan kolom yang ditambahkan sesudahnya dihapus beserta isinya: buat
    cadangan dulu (`paseban backup`)."""
    with open_context(migrated=False) as ctx:
        try:
            steps = migrate.undone_by(ctx.engine, revision)
        except ValueError as exc:
            raise Fail(str(exc)) from None
        if not steps:
            click.echo(f"basis data sudah pada versi {revision}")
            return
        click.echo(f"migrasi yang dibatalkan ({len(steps)}):")
        for step, what in steps:
            click.echo(f"  {step}  {what}")
        if not yes:
            click.confirm(
                "Data di tabel dan kolom yang dihapus hilang. Sudah ada cadangan? Lanjutkan",
                abort=True,
            )
        migrate.downgrade(ctx.engine, revision)
        click.echo(f"basis data pada versi {migrate.current(ctx.engine) or '(kosong)'}")
