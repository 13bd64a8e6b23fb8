"""Measurement pages: the public leaderboard /papan (no personal data), and in the dashboard the
leaderboards, sosok ideal, who needs a push, and the report to the Wali Kota with its exports.
Views call services; no SQL here."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from paseban.context import Context
from paseban.domain import fmt
from paseban.domain.accounts import Scope
from paseban.domain.auth import Actor, Permission
from paseban.domain.wilayah import is_within
from paseban.errors import InvalidInput, NotFound
from paseban.measurement import leaderboards, periods, scorecard
from paseban.measurement.indices import INDEX_LABELS, INDICES
from paseban.measurement.kpis import UnitKpis
from paseban.measurement.leaderboards import PEER_LABELS
from paseban.measurement.reports import Standings
from paseban.services.measurement import reports as report_service
from paseban.services.reference import cities
from paseban.web.deps import CtxDep, require
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.CASES_READ))]
ReportsReader = Annotated[Actor, Depends(require(Permission.REPORTS_READ))]
KIND = Annotated[str, Query(pattern="^(rolling|weekly|monthly)$")]
PERIOD = Annotated[str | None, Query(max_length=30)]
ROLLING_DAYS = 30
PAGES = [
    ("/peringkat", "Peringkat"),
    ("/sosok-ideal", "Sosok ideal"),
    ("/perlu-didorong", "Perlu didorong"),
    ("/laporan", "Laporan"),
]


CSV = "text/csv; charset=utf-8"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers=_attachment(filename))


def chosen_period(ctx: Context, kind: str, text: str | None) -> periods.Period:
    """`rolling`: the last 30 days up to yesterday; `weekly`/`monthly`: the period named (or
    the last full week or month)."""
    today = ctx.now().astimezone(ctx.tz).date()
    if kind == "rolling":
        return periods.Period(today - timedelta(days=ROLLING_DAYS), today - timedelta(days=1))
    try:
        return periods.parse(kind, text, today=today)
    except periods.BadPeriod as exc:
        raise InvalidInput(str(exc)) from None


def _mine(scope: Scope, group: str, code: str) -> bool:
    """Whether a unit lies in the actor's area (to mark it, and to filter the lagging list)."""
    if scope.is_city:
        return True
    if group == "opd":
        return scope.opd == code
    return scope.wilayah is not None and is_within(code, scope.wilayah)


def _page(request: Request, actor: Actor, kind: str, period: periods.Period) -> dict[str, object]:
    return {
        "pages": PAGES,
        "can_report": actor.can(Permission.REPORTS_READ),
        "kind": kind,
        "period": period,
        "period_text": request.query_params.get("period", ""),
        "labels": INDEX_LABELS,
        "peers": PEER_LABELS,
    }


PUBLIC_TTL = 300.0  # seconds the public board is computed once for everyone


@dataclass(frozen=True)
class _Board:
    made: float  # time.monotonic()
    period: periods.Period
    boards: list[leaderboards.Leaderboard]
    kelurahan: list[UnitKpis]


def _public_board(request: Request, ctx: Context, city: str | None) -> _Board:
    """The public board of the last 30 days (of one city's units when `city` is given),
    computed at most once every 5 minutes per city: the page needs no sign-in, so a crowd (or a
    script) reading it must not recompute it each time."""
    period = chosen_period(ctx, "rolling", None)
    boards_made: dict[str | None, _Board] = getattr(request.app.state, "public_boards", {})
    cached = boards_made.get(city)
    if cached and cached.period == period and time.monotonic() - cached.made < PUBLIC_TTL:
        return cached
    now, before = report_service.measure_pair(ctx, period, city)
    boards = [
        leaderboards.build(now.group(g), index, g, previous=before.group(g))
        for index, g in (
            ("responsiveness", "kelurahan"),
            ("responsiveness", "kecamatan"),
            ("activity", "kelurahan"),
        )
    ]
    kelurahan = sorted(now.group("kelurahan"), key=lambda k: k.name)
    board = _Board(time.monotonic(), period, boards, kelurahan)
    request.app.state.public_boards = {**boards_made, city: board}
    return board


@router.get("/papan", response_class=HTMLResponse)
def public_board(
    request: Request, ctx: CtxDep, kota: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    """Public: every kelurahan's responsiveness and the leaderboards of the last 30 days. Units
    and numbers only: no names of people, no message text. A province's deployment lists its
    kota/kabupaten here, and `?kota=32.01` is one city's board (its units ranked among
    themselves); a one-city deployment shows its board at once, as before."""
    known = cities.cities(ctx)
    code = cities.choose(known, kota) if kota else None
    several = len(known) > 1
    chosen = next((c for c in known if c.code == code), None)
    if several and chosen is None:
        response = render(request, ctx, "papan_kota.html", {"cities": known, "city": ""})
    else:
        board = _public_board(request, ctx, code if several else None)
        response = render(
            request,
            ctx,
            "papan.html",
            {
                "period": board.period,
                "boards": board.boards,
                "kelurahan": board.kelurahan,
                "labels": INDEX_LABELS,
                "peers": PEER_LABELS,
                "indices": INDICES,
                "seconds": fmt.duration,
                # the header and title name the city shown, not the deployment's first
                **({"city": chosen.name, "several": True} if several and chosen else {}),
            },
        )
    response.headers["Cache-Control"] = f"public, max-age={int(PUBLIC_TTL)}"
    return response


def _standings_page(
    request: Request,
    ctx: Context,
    actor: Actor,
    kind: str,
    period: str | None,
    template: str,
    values: Callable[[Standings], dict[str, Any]],
) -> HTMLResponse:
    """A page drawn from the period's standings (leaderboards, sosok ideal, who needs a push)."""
    chosen = chosen_period(ctx, kind, period)
    ranked, _ = report_service.standings(ctx, chosen, actor.scope.city)
    return render(request, ctx, template, {**_page(request, actor, kind, chosen), **values(ranked)})


@router.get("/peringkat", response_class=HTMLResponse)
def leaderboard_page(
    request: Request, ctx: CtxDep, actor: Reader, kind: KIND = "rolling", period: PERIOD = None
) -> HTMLResponse:
    return _standings_page(
        request,
        ctx,
        actor,
        kind,
        period,
        "pengukuran/peringkat.html",
        lambda ranked: {
            "boards": ranked.boards,
            "indices": INDICES,
            "mine": lambda group, code: not actor.scope.is_city and _mine(actor.scope, group, code),
        },
    )


GROUP = Annotated[str, Path(max_length=20)]  # an unknown kind of unit is a 404, like its code
CODE = Annotated[str, Path(max_length=40)]


@router.get("/peringkat/{group}/{code}", response_class=HTMLResponse)
def scorecard_page(
    request: Request,
    ctx: CtxDep,
    actor: Reader,
    group: GROUP,
    code: CODE,
    kind: KIND = "rolling",
    period: PERIOD = None,
) -> HTMLResponse:
    """One unit's scorecard: every KPI beside the period before, its rank on both leaderboards
    with the components, its accounts one by one, and what lags."""
    chosen = chosen_period(ctx, kind, period)
    card = report_service.unit_scorecard(ctx, group, code, chosen)
    sections: dict[str, list[scorecard.Line]] = {}
    for line in card.lines:
        sections.setdefault(line.section, []).append(line)
    return render(
        request,
        ctx,
        "pengukuran/unit.html",
        {
            **_page(request, actor, kind, chosen),
            "card": card,
            "sections": sections,
            "indices": INDICES,
            "account_headers": scorecard.ACCOUNT_HEADERS,
            "account_cells": scorecard.account_cells,
            "group_label": {**PEER_LABELS, "city": "Kota"}[group],
            "download": f"kind={kind}&period={chosen.key}",
        },
    )


@router.get("/peringkat/{group}/{code}/unduh/{table}.csv")
def scorecard_csv(
    ctx: CtxDep,
    actor: Reader,
    group: GROUP,
    code: CODE,
    table: Annotated[str, Path(max_length=20)],
    kind: KIND = "rolling",
    period: PERIOD = None,
) -> Response:
    chosen = chosen_period(ctx, kind, period)
    card = report_service.unit_scorecard(ctx, group, code, chosen)
    tables = card.tables()
    if table not in tables:
        raise NotFound(f"tabel {table!r} tidak ada (kpi atau akun)")
    body = report_service.render_csv(tables[table], tz=ctx.tz.key).encode("utf-8")
    return _download(body, CSV, f"{table}-{group}-{code}-{chosen.key}.csv")


@router.get("/sosok-ideal", response_class=HTMLResponse)
def ideal_page(
    request: Request, ctx: CtxDep, actor: Reader, kind: KIND = "rolling", period: PERIOD = None
) -> HTMLResponse:
    return _standings_page(
        request,
        ctx,
        actor,
        kind,
        period,
        "pengukuran/sosok.html",
        lambda ranked: {"highlights": ranked.highlights, "admins": ranked.admins},
    )


@router.get("/perlu-didorong", response_class=HTMLResponse)
def lagging_page(
    request: Request, ctx: CtxDep, actor: Reader, kind: KIND = "rolling", period: PERIOD = None
) -> HTMLResponse:
    """Every lagging measure with a suggested action; an admin or OPD sees its own units."""
    return _standings_page(
        request,
        ctx,
        actor,
        kind,
        period,
        "pengukuran/didorong.html",
        lambda ranked: {
            "lags": [lag for lag in ranked.lags if _mine(actor.scope, lag.group, lag.code)],
            "whole_city": actor.scope.is_city,
        },
    )


@router.get("/laporan", response_class=HTMLResponse)
def report_page(
    request: Request,
    ctx: CtxDep,
    actor: ReportsReader,
    kind: Annotated[str, Query(pattern="^(weekly|monthly)$")] = "weekly",
    period: PERIOD = None,
) -> HTMLResponse:
    """The weekly or monthly report to the Wali Kota, with its PDF, XLSX and CSV downloads."""
    chosen = chosen_period(ctx, kind, period)
    report = report_service.build_report(ctx, kind, chosen, city=actor.scope.city)
    return render(
        request,
        ctx,
        "pengukuran/laporan.html",
        {
            **_page(request, actor, kind, chosen),
            "report": report,
            "body": report_service.render_html(report, standalone=False),
            "download": f"kind={kind}&period={chosen.key}",
            "archive": report_service.archive(ctx, actor.scope.city),
        },
    )


ARCHIVED = re.compile(r"^laporan-(\d{4}-W\d{2}|\d{4}-\d{2})\.(html|pdf|xlsx)$")
ARCHIVE_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/laporan/arsip/{name}")
def archived_report(ctx: CtxDep, actor: ReportsReader, name: str) -> FileResponse:
    """A report the `write_reports` job wrote for the reader's city, as it was sent (names are
    checked against the report pattern, so no other file of the server can be asked for)."""
    match = ARCHIVED.match(name)
    path = report_service.report_folder(ctx, actor.scope.city) / name
    if match is None or not path.is_file():
        raise NotFound(f"laporan {name!r} tidak ada di arsip")
    return FileResponse(  # a download: the HTML report carries its own styles
        path, media_type=ARCHIVE_TYPES[match[2]], headers=_attachment(name)
    )


@router.get("/laporan/unduh/{name}")
def report_file(
    ctx: CtxDep,
    actor: ReportsReader,
    name: str,
    kind: Annotated[str, Query(pattern="^(weekly|monthly)$")] = "weekly",
    period: PERIOD = None,
) -> Response:
    """`laporan.pdf`, `laporan.xlsx`, or one table as CSV (`<table>.csv`)."""
    chosen = chosen_period(ctx, kind, period)
    report = report_service.build_report(ctx, kind, chosen, city=actor.scope.city)
    stem, _, ext = name.rpartition(".")
    if name == "laporan.pdf":
        body = report_service.render_pdf(report_service.render_html(report))
        media = "application/pdf"
    elif name == "laporan.xlsx":
        body = report_service.render_xlsx(report)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif ext == "csv" and stem in report.tables:
        body = report_service.render_csv(report.tables[stem], tz=report.tz).encode("utf-8")
        media = CSV
    else:
        raise NotFound(f"berkas laporan {name!r} tidak ada")
    filename = f"{report.file_stem}.{ext}" if stem == "laporan" else f"{report.file_stem}-{name}"
    return _download(body, media, filename)
