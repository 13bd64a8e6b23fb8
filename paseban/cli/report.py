"""`paseban report`: the weekly or monthly report to the Wali Kota, written to files."""

from __future__ import annotations

from pathlib import Path

import click

from paseban.cli.common import Fail, friendly, open_context, progress_bar
from paseban.measurement import periods
from paseban.services.measurement import reports as service
from paseban.services.reference import cities


@click.command()
@click.argument("kind", type=click.Choice(["weekly", "monthly"]))
@click.option(
    "--period",
    default=None,
    help="2026-W47 (mingguan), 2026-11 (bulanan) atau 2026-11-01..2026-11-15; "
    "bawaan: minggu/bulan penuh terakhir.",
)
@click.option(
    "--out",
    "out_dir",
    default="laporan",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder keluaran.",
)
@click.option(
    "--format",
    "formats",
    default="html,pdf,xlsx,csv",
    show_default=True,
    help="Daftar format dipisah koma: html, pdf, xlsx, csv.",
)
@click.option(
    "--kota",
    default=None,
    help="Kode kota/kabupaten (32.01): laporan kota itu saja; bawaan: seluruh penerapan "
    "(beberapa kota: semua kota berdampingan).",
)
@friendly
def report(kind: str, period: str | None, out_dir: str, formats: str, kota: str | None) -> None:
    """Tulis laporan mingguan/bulanan untuk Wali Kota (HTML, PDF, XLSX, CSV)."""

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in service.FORMATS]
    if unknown or not wanted:
        given = ", ".join(unknown) or "(kosong)"
        raise Fail(f"format tidak dikenal: {given} (pilihan: {', '.join(service.FORMATS)})")
    with open_context() as ctx, progress_bar() as progress:
        try:
            chosen = periods.parse(kind, period, today=ctx.now().astimezone(ctx.tz).date())
        except periods.BadPeriod as exc:
            raise Fail(str(exc)) from None
        city = cities.choose(cities.cities(ctx), kota)  # an unknown code: one line, exit 1
        built = service.build_report(ctx, kind, chosen, progress=progress, city=city)
        written = service.write(built, Path(out_dir), wanted, progress=progress)
    click.echo(f"{built.title}")
    for path in written:
        if path.suffix != ".csv":
            click.echo(f"ditulis: {path}")
    csv_count = sum(1 for p in written if p.suffix == ".csv")
    if csv_count:
        click.echo(
            f"ditulis: {csv_count} tabel CSV di {Path(out_dir) / (built.file_stem + '-csv')}"
        )
