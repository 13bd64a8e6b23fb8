"""The report of the sample data: the PDF opens and has its sections; XLSX and CSV hold every
table; the CLI writes it and refuses bad periods in one line."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from paseban.cli import cli
from paseban.context import Context
from paseban.domain.cases import OPEN, is_ticket
from paseban.hookspecs import hookimpl
from paseban.measurement import periods, reports, svg
from paseban.sample import measurement as sample_measurement
from paseban.sample.cases import PROGRESS
from paseban.services.measurement import reports as service
from paseban.storage import tables as t
from tests.conftest import SAMPLE_PROGRESS

OPEN_VALUES = sorted(status.value for status in OPEN)


@pytest.mark.sample_data
def test_sample_data_is_three_months_and_loads_once(ctx: Context) -> None:
    """Reads the sample template (tests/conftest.py loads it with the same `load_sample`, once
    per backend): loading three months again on a copy would cost 40 s on SQLite and over two
    minutes on PostgreSQL, and prove nothing more."""
    assert sample_measurement.load(ctx) == {}  # loading again adds nothing
    # the template's loading told its progress day by day, up to the last (`init --sample`
    # draws it as a bar: the cases' three months take a minute)
    days = [done for what, done, total in SAMPLE_PROGRESS if total == sample_measurement.DAYS]
    assert SAMPLE_PROGRESS[-1] == (PROGRESS, sample_measurement.DAYS, sample_measurement.DAYS)
    assert days == sorted(days) and len(set(days)) > sample_measurement.DAYS - 5
    with ctx.engine.connect() as conn:
        counts = {
            table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (t.post_metrics, t.messages, t.cases, t.alerts)
        }
        assert counts["post_metrics"] > 3000 and counts["messages"] > 8000
        assert counts["cases"] > 1500
        assert counts["alerts"] == 1  # the flood burst of the last hours
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
    sample_cases_went_through_triage(ctx)


def sample_cases_went_through_triage(ctx: Context) -> None:
    """Issue 14: the sample's cases are made by the real triage and actions, so the one flood in
    the last hours is one case of seven reports (not three cases with the same text), every
    open case's stored stage and deadline mirror its running clock, and every ticket code in a
    reply resolves on the tracking page."""
    c, s = t.cases.c, t.case_stages.c
    with ctx.engine.connect() as conn:
        flood = conn.execute(
            sa.select(t.messages.c.case_id)
            .where(t.messages.c.external_id.like("sample-banjir-%"))
            .distinct()
        ).all()
        assert len(flood) == 1  # seven reports, one case
        reports = conn.execute(sa.select(c.report_count).where(c.id == flood[0][0])).scalar()
        assert reports is not None and reports >= 7
        open_cases = conn.execute(
            sa.select(c.id, c.stage, c.due_at).where(c.status.in_(OPEN_VALUES))
        ).all()
        running = {
            r.case_id: (r.stage, r.due_at)
            for r in conn.execute(
                sa.select(s.case_id, s.stage, s.due_at).where(s.finished_at.is_(None))
            )
        }
        assert open_cases and all(running[r.id] == (r.stage, r.due_at) for r in open_cases)
        texts = conn.execute(sa.select(t.outbox.c.text).where(t.outbox.c.text.like("%/lacak/%")))
        linked = {m for (text,) in texts for m in re.findall(r"/lacak/([A-Z0-9-]+)", text)}
        known = set(conn.execute(sa.select(c.ticket).where(c.ticket.in_(linked))).scalars())
    assert linked and linked == known and all(is_ticket(code) for code in linked)


@pytest.mark.sample_data
def test_monthly_report_of_the_sample(ctx: Context, tmp_path: Path) -> None:
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


# --- the scheduled reports -----------------------------------------------------------------------


def test_a_report_is_due_from_seven_on_the_morning_after_its_period() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def due(year: int, month: int, day: int, hour: int, minute: int) -> list[tuple[str, str]]:
        local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))
        return [(k, p.key) for k, p in service.due_periods(local)]

    assert due(2026, 11, 23, 6, 59) == [("monthly", "2026-10")]  # week 47 ends Sunday 22
    assert due(2026, 11, 23, 7, 0) == [("weekly", "2026-W47"), ("monthly", "2026-10")]
    # 1 December before seven: November is not due yet; the last full week (23-29) is
    assert due(2026, 12, 1, 6, 0) == [("weekly", "2026-W48")]
    assert due(2026, 12, 1, 7, 0) == [("weekly", "2026-W48"), ("monthly", "2026-11")]


class Courier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, list[str]]] = []

    @hookimpl
    def report_written(self, ctx: Context, kind: str, period: str, paths: list[str]) -> None:
        self.sent.append((kind, period, paths))


@pytest.mark.sample_data
def test_the_job_writes_each_report_once_and_hands_it_to_delivery(
    ctx: Context, tmp_path: Path
) -> None:
    ctx.settings = dataclasses.replace(ctx.settings, reports_dir=str(tmp_path / "laporan"))
    courier = Courier()
    ctx.pm.register(courier, "courier")
    assert service.write_reports(ctx) == {"written": 2, "present": 0, "without_pdf": 0}
    folder = tmp_path / "laporan"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "laporan-2026-10-csv",
        "laporan-2026-10.html",
        "laporan-2026-10.pdf",
        "laporan-2026-10.xlsx",
        "laporan-2026-W47-csv",
        "laporan-2026-W47.html",
        "laporan-2026-W47.pdf",
        "laporan-2026-W47.xlsx",
    ]  # no staging folder left behind
    assert PdfReader(folder / "laporan-2026-W47.pdf").pages
    assert [(k, p) for k, p, _ in courier.sent] == [("weekly", "2026-W47"), ("monthly", "2026-10")]
    assert str(folder / "laporan-2026-10.pdf") in courier.sent[1][2]
    # the next hour: nothing new, nothing sent again
    assert service.write_reports(ctx) == {"written": 0, "present": 2, "without_pdf": 0}
    assert len(courier.sent) == 2
    assert [
        (r["key"], r["formats"]) for r in sorted(service.archive(ctx), key=lambda r: r["key"])
    ] == [
        ("2026-10", ["html", "pdf", "xlsx"]),
        ("2026-W47", ["html", "pdf", "xlsx"]),
    ]


def test_without_pango_the_report_still_goes_out_without_its_pdf(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx.settings = dataclasses.replace(ctx.settings, reports_dir=str(tmp_path / "laporan"))

    def no_pango(html: str) -> bytes:
        raise service.ReportError("PDF tidak dapat dibuat: pustaka sistem Pango tidak ada")

    monkeypatch.setattr(service, "render_pdf", no_pango)
    assert service.write_reports(ctx) == {"written": 2, "present": 0, "without_pdf": 2}
    assert not list((tmp_path / "laporan").glob("*.pdf"))
    assert (tmp_path / "laporan" / "laporan-2026-W47.xlsx").exists()


def test_the_report_job_is_registered(ctx: Context) -> None:
    from paseban import jobs

    assert jobs.registry(ctx)["write_reports"].every == timedelta(hours=1)
