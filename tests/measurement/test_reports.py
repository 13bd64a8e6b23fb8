"""The report of the sample data: the PDF opens and has its sections; XLSX and CSV hold every
table; the CLI writes it and refuses bad periods in one line."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from paseban.cli import cli
from paseban.context import Context
from paseban.measurement import periods, reports, svg
from paseban.services import accounts, sample_measurement
from paseban.services import reports as service
from paseban.storage import tables as t


def load_sample(ctx: Context) -> dict[str, int]:
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        accounts.import_users(ctx, path / "users.csv", sample=True)
    return sample_measurement.load(ctx)


def test_sample_data_is_three_months_and_loads_once(ctx: Context) -> None:
    counts = load_sample(ctx)
    assert counts["posts"] > 3000 and counts["messages"] > 8000 and counts["cases"] > 2000
    assert counts["alerts"] == 1  # the flood burst of the last hours
    assert sample_measurement.load(ctx) == {}
    with ctx.engine.connect() as conn:
        first, last = conn.execute(
            sa.select(
                sa.func.min(t.account_snapshots.c.day), sa.func.max(t.account_snapshots.c.day)
            )
        ).one()
        assert (last - first).days == sample_measurement.DAYS
        accounts_with_snaps = conn.execute(
            sa.select(sa.func.count(sa.distinct(t.account_snapshots.c.account_id)))
        ).scalar()
        assert accounts_with_snaps == 82  # every sample account except WhatsApp and manual entry


def test_monthly_report_of_the_sample(ctx: Context, tmp_path: Path) -> None:
    load_sample(ctx)
    today = ctx.now().astimezone(ctx.tz).date()
    period = periods.parse("monthly", None, today=today)  # October 2026
    report = service.build_report(ctx, "monthly", period)
    ranked = next(
        b for b in report.boards if b.index == "responsiveness" and b.group == "kelurahan"
    )
    assert len(ranked.ranked) > 40  # real leaderboards, not a handful
    assert report.highlights and report.lags and report.admins
    written = service.write(report, tmp_path)
    pdf = tmp_path / f"laporan-{period.key}.pdf"
    assert pdf in written
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 5
    text = "\n".join(page.extract_text() for page in reader.pages)
    for number, section in enumerate(reports.SECTIONS, start=1):
        assert f"{number}. {section}" in text, section
    assert "Laporan Bulanan" in text and "Oktober 2026" in text and "Data contoh" in text
    assert ranked.ranked[0].name in text
    book = load_workbook(tmp_path / f"laporan-{period.key}.xlsx")
    assert set(book.sheetnames) == {k[:31] for k in report.tables}
    sheet = book["responsivitas-kelurahan"]
    assert sheet["A2"].value == "peringkat" and sheet.max_row == 2 + 68
    rows = list(
        csv.reader(
            io.StringIO(
                (tmp_path / f"laporan-{period.key}-csv" / "perlu-didorong.csv").read_text(
                    encoding="utf-8"
                )
            )
        )
    )
    assert rows[0] == ["kelompok", "kode", "nama", "ukuran yang tertinggal", "saran tindakan"]
    assert len(rows) == len(report.lags) + 1
    html = (tmp_path / f"laporan-{period.key}.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4


def test_report_escapes_names(ctx: Context) -> None:
    html = svg.complaint_map(
        [svg.Place("1", "<script>x</script>", -6.6, 106.8, 3, "A&B")], title="t"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PASEBAN_DATABASE_URL", db_url)
    monkeypatch.setenv("PASEBAN_LOG_FORMAT", "console")
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_cli_report_and_metrics_import(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("report", "weekly", "--period", "2026-W47", "--out", "out", "--format", "html,csv")
    assert result.exit_code == 0, result.output
    assert (
        "Laporan Mingguan" in result.output
        and (tmp_path / "out" / "laporan-2026-W47.html").exists()
    )
    assert not (tmp_path / "out" / "laporan-2026-W47.pdf").exists()
    bad = run("report", "weekly", "--period", "2026-13")
    assert bad.exit_code == 1 and "galat: periode mingguan harus seperti 2026-W47" in bad.output
    assert run("report", "monthly", "--format", "doc").exit_code == 1
    path = tmp_path / "m.csv"
    path.write_text(
        "date,platform,handle,followers\n2026-11-20,instagram,tidakada,5\n", encoding="utf-8"
    )
    failed = run("metrics", "import", str(path))
    assert failed.exit_code == 1
    assert f"galat: {path}:2: akun instagram/tidakada tidak terdaftar" in failed.output
