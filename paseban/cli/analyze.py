"""`paseban analyze`: JSON Lines in, analyses out, without a database."""

from __future__ import annotations

import os
import sys
import tempfile

import click

from paseban import reference
from paseban.cli.common import Fail, friendly, settings_from_env, show_skipped
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.model import ModelError, bundled
from paseban.nlp.place import Gazetteer
from paseban.services.ingest import analyze_files


@click.command()
@click.option(
    "--input",
    "input_path",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL masukan (- = stdin).",
)
@click.option(
    "--output",
    "output_path",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL keluaran (- = stdout).",
)
@click.option(
    "--wilayah",
    "code",
    default="32.71",
    show_default=True,
    help="Kota/kabupaten yang datanya dipakai untuk tempat dan rute.",
)
@click.option("--skip-bad", is_flag=True, help="Lewati baris yang rusak (dilaporkan di stderr).")
@friendly
def analyze(input_path: str, output_path: str, code: str, skip_bad: bool) -> None:
    """Analisis pesan tanpa basis data: {"id", "text"} per baris -> niat, topik, tempat, OPD."""

    settings = settings_from_env()
    data = reference.bundled(code)
    try:
        analyzer = Analyzer(Gazetteer(data.wilayah, data.landmarks), bundled())
    except ModelError as exc:
        raise Fail(str(exc)) from None
    rules = analyze_files.city_rules(code)
    source = "stdin" if input_path == "-" else input_path
    try:
        stream = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise Fail(f"{input_path}: tidak dapat dibaca: {exc.strerror}") from None
    if output_path == "-":
        out, tmp_name = sys.stdout, None
    else:
        directory = os.path.dirname(os.path.abspath(output_path))
        fd, tmp_name = tempfile.mkstemp(prefix=".analyze-", dir=directory)
        out = os.fdopen(fd, "w", encoding="utf-8")
    try:
        report = analyze_files.analyze_stream(
            analyzer,
            analyze_files.read_lines(stream),
            out.write,
            source=source,
            rules=rules,
            threshold=settings.review_threshold,
            skip_bad=skip_bad,
        )
    except analyze_files.BadLine as bad:
        if tmp_name:
            out.close()
            os.unlink(tmp_name)
        raise Fail(f"{bad.error} (pakai --skip-bad untuk melewatinya)") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if tmp_name:
        out.close()
        os.replace(tmp_name, output_path)
    show_skipped(report.skipped)
    click.echo(
        f"{report.analyzed} pesan dianalisis"
        + (f", {len(report.skipped)} baris dilewati" if report.skipped else ""),
        err=True,
    )
