"""Build the weekly/monthly report from the database and write it: HTML, PDF (WeasyPrint), XLSX
(openpyxl, one sheet per table) and CSV (one file per table)."""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from jinja2 import Environment, PackageLoader, select_autoescape

from paseban.csvfiles import neutralise
from paseban.domain import fmt
from paseban.domain.wilayah import EVERY_CITY, head_of
from paseban.errors import NotFound, PasebanError
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.measurement import (
    leaderboards,
    periods,
    queries,
    recognition,
    report_queries,
    reports,
    scorecard,
    svg,
)
from paseban.measurement.alerts import ALERT_STATUS_LABELS
from paseban.measurement.indices import INDEX_LABELS, INDICES
from paseban.measurement.kpis import UnitKpis
from paseban.measurement.leaderboards import PEER_LABELS
from paseban.measurement.periods import Period
from paseban.progress import Progress, quiet
from paseban.services.reference import cities
from paseban.storage import tables as t
from paseban.storage.rows.measurement import ReportFileRow

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.reports")

FORMATS = ("html", "pdf", "xlsx", "csv")
TREND_PERIODS = {"weekly": 8, "monthly": 6}


class ReportError(PasebanError):
    pass


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("paseban.measurement", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt.num
    env.filters["pct"] = fmt.pct
    env.filters["duration"] = fmt.duration
    env.filters["date"] = fmt.short_date  # 16 Nov 2026, never 2026-11-16
    env.filters["alert_status"] = lambda code: ALERT_STATUS_LABELS.get(code, code)
    env.globals["head_of"] = head_of  # "untuk Wali Kota", "untuk Bupati"
    return env


def trend_periods(kind: str, period: Period) -> list[Period]:
    out = [period]
    for _ in range(TREND_PERIODS[kind] - 1):
        out.append(out[-1].previous())
    return list(reversed(out))


def measure_pair(
    ctx: Context, period: Period, city: str | None = None
) -> tuple[queries.Measured, queries.Measured]:
    """The period and the one before, of one city's units (None: every unit); a province's
    city has its own totals too (its accounts and cases), a one-city deployment the
    deployment's, as before."""
    as_of = ctx.now()
    with ctx.engine.connect() as conn:
        all_units = queries.units(conn, city)
        totals = totals_city(conn, city)
        now, before = (
            queries.measure(conn, p, tz=ctx.tz, as_of=as_of, all_units=all_units, city=totals)
            for p in (period, period.previous())
        )
    return now, before


def totals_city(conn: sa.Connection, city: str | None) -> str | None:
    """Whose totals a city's figures are: its own in a province's deployment, else (one city,
    or every city) the deployment's."""
    return city if city is not None and len(cities.all_cities(conn)) > 1 else None


def city_totals(
    conn: sa.Connection, ctx: Context, now: queries.Measured, before: queries.Measured
) -> list[reports.CityTotals]:
    """Each city's totals of a province's deployment, side by side (one city: none). The
    per-account facts are the deployment's measures', read once."""
    known = cities.all_cities(conn)
    if len(known) < 2:
        return []
    out = []
    for c in known:
        units = queries.units(conn, c.code)
        mine = [
            queries.measure(
                conn,
                m.period,
                tz=ctx.tz,
                as_of=m.as_of,
                all_units=units,
                city=c.code,
                facts=m.facts,
            ).city
            for m in (now, before)
        ]
        out.append(reports.CityTotals(c.code, c.name, mine[0], mine[1]))
    return out


GROUPS = ("kelurahan", "kecamatan", "opd")


def standings(
    ctx: Context, period: Period, city: str | None = None
) -> tuple[reports.Standings, queries.Measured]:
    """Leaderboards, sosok ideal and the lagging list of a period (the dashboard's pages), of
    one city's units ranked among themselves (None: every unit of the deployment)."""
    ranked, now, _ = _standings(ctx, period, city)
    return ranked, now


def _standings(
    ctx: Context, period: Period, city: str | None = None
) -> tuple[reports.Standings, queries.Measured, queries.Measured]:
    now, before = measure_pair(ctx, period, city)
    with ctx.engine.connect() as conn:
        activity = report_queries.admin_activity(conn, period, city)
    ranked = reports.standings(
        period,
        {g: now.group(g) for g in GROUPS},
        {g: before.group(g) for g in GROUPS},
        activity,
    )
    return ranked, now, before


@dataclass(frozen=True)
class Scorecard:
    """One unit's page: its KPIs beside the period before, its place on both leaderboards of
    its peer group, its accounts one by one, and what lags with the action to take."""

    group: str
    code: str
    name: str
    period: Period
    now: UnitKpis
    before: UnitKpis
    lines: list[scorecard.Line]
    rows: dict[str, leaderboards.Row]  # index -> its row (ranked or "data kurang")
    accounts: list[tuple[queries.AccountKpis, list[scorecard.Line]]]
    lags: list[recognition.Lag]

    def tables(self) -> dict[str, reports.Table]:
        """The page's tables for CSV: `kpi` and `akun`."""
        accounts = reports.Table(
            f"Akun {self.name}",
            scorecard.ACCOUNT_HEADERS,
            [scorecard.account_cells(f"{a.platform}:{a.handle}", a.kpis) for a, _ in self.accounts],
        )
        return {"kpi": scorecard.as_table(f"KPI {self.name}", self.lines), "akun": accounts}


SCORECARD_GROUPS = ("kelurahan", "kecamatan", "opd", "city")


def unit_scorecard(ctx: Context, group: str, code: str, period: Period) -> Scorecard:
    """The scorecard of one kelurahan, kecamatan, OPD or the city; NotFound for anything else."""
    if group not in SCORECARD_GROUPS:
        raise NotFound(f"jenis unit {group!r} tidak dikenal")
    ranked, now, before_kpis = _standings(ctx, period)
    unit = now.units.get((group, code))
    if unit is None:
        raise NotFound(f"{group} {code!r} tidak ada")
    kpis_now = now.city if group == "city" else now.kpis[group, code]
    kpis_before = before_kpis.city if group == "city" else before_kpis.kpis[group, code]
    rows = {
        board.index: row
        for board in ranked.boards
        if board.group == group
        for row in board.rows
        if row.code == code
    }
    with ctx.engine.connect() as conn:
        ids = None if group == "city" else unit.accounts  # the city: every active account
        # the facts behind the units' figures, reused: not read from the database again
        mine = queries.measure_accounts(
            conn, period, tz=ctx.tz, as_of=now.as_of, account_ids=ids, measured=now
        )
        before = {
            a.id: a
            for a in queries.measure_accounts(
                conn,
                period.previous(),
                tz=ctx.tz,
                as_of=now.as_of,
                account_ids=ids,
                measured=before_kpis,
            )
        }
    accounts = [(a, scorecard.lines(a.kpis, before[a.id].kpis, account=True)) for a in mine]
    return Scorecard(
        group=group,
        code=code,
        name=unit.name,
        period=period,
        now=kpis_now,
        before=kpis_before,
        lines=scorecard.lines(kpis_now, kpis_before),
        rows=rows,
        accounts=accounts,
        lags=[lag for lag in ranked.lags if lag.group == group and lag.code == code],
    )


def build_report(
    ctx: Context,
    kind: str,
    period: Period,
    *,
    progress: Progress = quiet,
    city: str | None = None,
) -> reports.Report:
    """The weekly or monthly report, of one city (None: the whole deployment): its units, map,
    problems, topics, overdue cases, alerts, totals and weekly series. The whole deployment of
    a province also has every city's totals side by side."""
    progress("menghitung laporan", 0, 2)
    now, before = measure_pair(ctx, period, city)
    progress("menghitung laporan", 1, 2)
    lo, hi = period.bounds(ctx.tz)
    plo, phi = period.previous().bounds(ctx.tz)
    with ctx.engine.connect() as conn:
        known = cities.all_cities(conn)
        found = next((c for c in known if c.code == city), known[0] if len(known) == 1 else None)
        name = found.name if found else (EVERY_CITY if known else "Kota")
        counts = report_queries.complaints_by_kelurahan(conn, lo, hi, city)
        kecamatan_names = {u.code: u.name for u in now.units.values() if u.kind == "kecamatan"}
        places = [
            svg.Place(
                u.code,
                u.name,
                u.lat,
                u.lon,
                counts.get(u.code, 0),
                kecamatan_names.get(u.parent or "", ""),
            )
            for u in now.units.values()
            if u.kind == "kelurahan"
        ]
        totals = totals_city(conn, city)
        series = report_queries.weekly_series(
            conn, trend_periods(kind, period), ctx.tz, ctx.now(), totals
        )
        alerts = report_queries.alerts_list(conn, lo, hi, city=totals)
        alerts_before = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.alerts)
            .where(
                t.alerts.c.raised_at >= plo,
                t.alerts.c.raised_at < phi,
                report_queries.within_city(t.alerts.c.area, totals),
            )
        ).scalar_one()
        is_sample = bool(
            conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.is_sample.is_(True)).limit(1)
            ).first()
        )
        built = reports.build(
            kind=kind,
            period=period,
            generated_at=ctx.now(),
            city=name,
            now={g: now.group(g) for g in ("kelurahan", "kecamatan", "opd")},
            before={g: before.group(g) for g in ("kelurahan", "kecamatan", "opd")},
            city_now=now.city,
            city_before=before.city,
            series=series,
            places=places,
            admins=report_queries.admin_activity(conn, period, city),
            top_problems=report_queries.top_problems(conn, lo, hi, city=city),
            topics=report_queries.topics_count(conn, lo, hi, city),
            overdue=report_queries.overdue_by_opd(conn, ctx.now(), city),
            alerts=alerts,
            alerts_before=int(alerts_before),
            is_sample=is_sample,
            tz=ctx.tz.key,
            cities=city_totals(conn, ctx, now, before) if city is None else [],
        )
    progress("menghitung laporan", 2, 2)
    return built


def render_html(report: reports.Report, *, standalone: bool = True) -> str:
    template = _env().get_template("report.html")
    return template.render(
        r=report,
        standalone=standalone,
        index_labels=INDEX_LABELS,
        peer_labels=PEER_LABELS,
        indices=INDICES,
        local=lambda v: fmt.local_time(v, report.tz),
        sections=reports.SECTIONS,
    )


def render_pdf(html: str) -> bytes:
    try:
        # the one import inside a function that breaks no cycle: WeasyPrint loads Pango when it
        # is imported, and a server without Pango must still run everything but the PDF
        from weasyprint import HTML
    except OSError as exc:  # pango or its friends are missing
        raise ReportError(
            "PDF tidak dapat dibuat: pustaka sistem Pango tidak ada "
            f"(pasang paket Debian libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): {exc}"
        ) from None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_xlsx(report: reports.Report) -> bytes:
    # openpyxl (0.15 s to import) is loaded by the one writer that needs it, not by every
    # command of the CLI that imports this module (`paseban --help`, issue 12)
    from openpyxl import Workbook, styles

    book = Workbook()
    book.remove(book.active)
    for key, table in report.tables.items():
        sheet = book.create_sheet(key[:31])
        sheet.append([neutralise(table.title)])
        sheet["A1"].font = styles.Font(bold=True)
        sheet.append(list(table.headers))
        for cell in sheet[2]:
            cell.font = styles.Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v, report.tz) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column[1:]) if sheet.max_row > 1 else 10
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any, tz: str) -> Any:
    """Times in the city's zone: Excel has no time zones, so the wall clock a reader expects."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return neutralise(value)  # names and texts come from people: no formula runs (issue 16)


def render_csv(table: reports.Table, *, tz: str) -> str:
    """Times in the city's zone with their offset (2026-11-27T09:00:00+07:00), never UTC."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(
            [
                ""
                if v is None
                else (
                    v.astimezone(ZoneInfo(tz)).isoformat()
                    if isinstance(v, datetime)
                    else neutralise(v)
                )
                for v in row
            ]
        )
    return out.getvalue()


def write(
    report: reports.Report,
    folder: Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    progress: Progress = quiet,
) -> list[Path]:
    """Write the report's files into `folder`; return their paths. `progress` counts the
    formats written (the PDF takes the longest)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stem = folder / report.file_stem
    steps = [f for f in FORMATS if f in formats]
    progress("menulis berkas laporan", 0, len(steps))
    html = render_html(report)
    if "html" in formats:
        path = stem.with_suffix(".html")
        path.write_text(html, encoding="utf-8")
        written.append(path)
        progress("menulis berkas laporan", steps.index("html") + 1, len(steps))
    if "pdf" in formats:
        path = stem.with_suffix(".pdf")
        path.write_bytes(render_pdf(html))
        written.append(path)
        progress("menulis berkas laporan", steps.index("pdf") + 1, len(steps))
    if "xlsx" in formats:
        path = stem.with_suffix(".xlsx")
        path.write_bytes(render_xlsx(report))
        written.append(path)
        progress("menulis berkas laporan", steps.index("xlsx") + 1, len(steps))
    if "csv" in formats:
        csv_dir = folder / f"{report.file_stem}-csv"
        csv_dir.mkdir(exist_ok=True)
        for key, table in report.tables.items():
            path = csv_dir / f"{key}.csv"
            path.write_text(render_csv(table, tz=report.tz), encoding="utf-8")
            written.append(path)
        progress("menulis berkas laporan", steps.index("csv") + 1, len(steps))
    return written


# --- the scheduled reports -----------------------------------------------------------------------

REPORT_HOUR = 7  # a period's report is written from 07:00 local time on the day after it ends


def due_periods(now_local: datetime) -> list[tuple[str, Period]]:
    """The last full week and the last full month, each once its report is due (from 07:00 on
    the day after the period ends). Pure."""
    today = now_local.date()
    out = []
    for kind in ("weekly", "monthly"):
        period = periods.parse(kind, None, today=today)
        due = datetime.combine(period.end + timedelta(days=1), time(REPORT_HOUR))
        if now_local.replace(tzinfo=None) >= due:
            out.append((kind, period))
    return out


def report_folder(ctx: Context, city: str | None) -> Path:
    """Where the job writes a city's reports: `reports_dir` itself for a one-city deployment and
    for a province's report of every city, `reports_dir/<code>` for each city of a province."""
    root = Path(ctx.settings.reports_dir)
    if city is None or len(cities.cities(ctx)) < 2:
        return root
    return root / city


def write_reports(ctx: Context) -> dict[str, int]:
    """Hourly job: write the last full week's and month's report into `reports_dir` once (a
    report already there is left alone), then tell the delivery plugins (`report_written`).
    A province's deployment writes the report of every city (for the province role) and each
    city's own, in its own folder (`report_folder`). Files land in a temporary folder first and
    the HTML moves last, so a crash never leaves a report that looks complete and is not."""
    counts = {"written": 0, "present": 0, "without_pdf": 0}
    known = cities.cities(ctx)
    targets: list[str | None] = [None, *(c.code for c in known)] if len(known) > 1 else [None]
    for kind, period in due_periods(ctx.now().astimezone(ctx.tz)):
        for city in targets:
            _write_report(ctx, kind, period, city, counts)
    return counts


def _write_report(
    ctx: Context, kind: str, period: Period, city: str | None, counts: dict[str, int]
) -> None:
    folder = report_folder(ctx, city)
    stem = reports.file_stem(period)
    if (folder / f"{stem}.html").exists():
        counts["present"] += 1
        return
    report = build_report(ctx, kind, period, city=city)
    staging = folder / f".{stem}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        write(report, staging)
    except ReportError as exc:  # no Pango here: the other formats still go out
        log.warning("report without pdf", extra={"period": period.key, "reason": str(exc)})
        shutil.rmtree(staging, ignore_errors=True)
        write(report, staging, tuple(f for f in FORMATS if f != "pdf"))
        counts["without_pdf"] += 1
    html = staging / f"{stem}.html"
    paths = []
    for item in sorted(staging.iterdir(), key=lambda p: p == html):
        target = folder / item.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)
        paths.append(target)
    staging.rmdir()
    counts["written"] += 1
    log.info("report written", extra={"kind": kind, "period": period.key, "city": city})
    written = [str(p) for p in paths]
    try:
        ctx.pm.hook.report_written(ctx=ctx, kind=kind, period=period.key, paths=written, city=city)
    except Exception:  # delivery is the plugin's business; the files are written
        log.exception("report delivery failed", extra={"period": period.key})


def archive(ctx: Context, city: str | None = None) -> list[ReportFileRow]:
    """The reports the job has written for a city (None: the deployment's, or a province's of
    every city), newest first: period key, kind and the formats there."""
    folder = report_folder(ctx, city)
    if not folder.is_dir():
        return []
    out: list[ReportFileRow] = []
    for html in folder.glob("laporan-*.html"):
        key = html.stem.removeprefix("laporan-")
        formats = [ext for ext in ("pdf", "xlsx") if html.with_suffix(f".{ext}").exists()]
        out.append(
            {
                "key": key,
                "kind": "weekly" if "-W" in key else "monthly",
                "formats": ["html", *formats],
                "written_at": datetime.fromtimestamp(html.stat().st_mtime, UTC),
            }
        )
    return sorted(out, key=lambda r: r["written_at"], reverse=True)


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "write_reports",
            write_reports,
            every=timedelta(hours=1),
            description="Tulis laporan mingguan dan bulanan untuk Wali Kota (sekali per periode)",
        )
    ]
