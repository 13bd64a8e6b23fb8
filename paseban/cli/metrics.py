"""`paseban metrics ...`: account metrics imported from a CSV."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, run_import
from paseban.services.measurement import recording as service


@click.group()
def metrics() -> None:
    """Angka akun (pengikut, unggahan, jangkauan, interaksi)."""


@metrics.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@friendly
def metrics_import(file: str, skip_bad: bool) -> None:
    """Impor angka akun dari CSV untuk platform tanpa akses API (format: docs/measurement.md)."""

    run_import(service.import_metrics_csv, file, skip_bad=skip_bad)
