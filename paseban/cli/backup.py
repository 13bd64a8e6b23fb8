"""`paseban backup FILE`, `paseban restore FILE`: the whole database, while the server runs."""

from __future__ import annotations

from pathlib import Path

import click

from paseban.cli.common import friendly, progress_bar, settings_from_env
from paseban.storage import backup as store
from paseban.storage import db


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@friendly
def backup(file: Path) -> None:
    """Cadangkan seluruh basis data ke FILE (SQLite: API backup daring; PostgreSQL: pg_dump
    format custom), sementara server tetap menerima webhook."""
    url = settings_from_env().database_url
    with progress_bar() as progress:
        result = store.backup(url, file, progress=lambda d, t: progress("mencadangkan", d, t))
    click.echo(f"cadangan {result.engine} ditulis ke {result.path} ({result.bytes:,} bita)")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", "only_check", is_flag=True, help="Hanya periksa berkas cadangan.")
@friendly
def restore(file: Path, only_check: bool) -> None:
    """Pulihkan FILE ke basis data kosong (PASEBAN_DATABASE_URL); --check hanya memeriksa."""
    if only_check:
        click.echo(f"{file}: {store.check(file)}")
        return
    url = settings_from_env().database_url
    db.check(db.create_engine(url))
    with progress_bar() as progress:
        result = store.restore(url, file, progress=lambda d, t: progress("memulihkan", d, t))
    click.echo(f"cadangan {result.engine} dari {result.path} dipulihkan")
