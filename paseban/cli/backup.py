"""`paseban backup FILE`, `paseban restore FILE`: the whole database, while the server runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from paseban.cli.common import friendly, settings_from_env
from paseban.storage import backup as store
from paseban.storage import db


@contextmanager
def _progress(label: str) -> Iterator[store.Progress | None]:
    """A progress bar with counts and time left on a terminal; nothing when the output is not
    a terminal (a cron job, a pipe)."""
    if not sys.stderr.isatty():
        yield None
        return
    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bar = click.progressbar(
                length=max(total, 1), label=label, file=sys.stderr, show_pos=True, show_eta=True
            )
            bar.__enter__()
            bars.append(bar)
        bars[0].update(done - bars[0].pos)

    try:
        yield progress
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@friendly
def backup(file: Path) -> None:
    """Cadangkan seluruh basis data ke FILE (SQLite: API backup daring; PostgreSQL: pg_dump
    format custom), sementara server tetap menerima webhook."""
    url = settings_from_env().database_url
    with _progress("mencadangkan") as progress:
        result = store.backup(url, file, progress=progress)
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
    with _progress("memulihkan") as progress:
        result = store.restore(url, file, progress=progress)
    click.echo(f"cadangan {result.engine} dari {result.path} dipulihkan")
