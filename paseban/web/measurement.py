"""Measurement pages: the public leaderboard /papan (no personal data) and the report in the
dashboard. Views call services; no SQL here."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from paseban.measurement import leaderboards, periods
from paseban.measurement.indices import INDEX_LABELS
from paseban.services import reports as report_service
from paseban.web.deps import ActorDep, CtxDep
from paseban.web.rendering import templates

router = APIRouter(include_in_schema=False)


@router.get("/papan", response_class=HTMLResponse)
def public_board(request: Request, ctx: CtxDep) -> HTMLResponse:
    """Public: every kelurahan's responsiveness and the leaderboards of the last 30 days. Units
    and numbers only: no names of people, no message text."""
    today = ctx.now().astimezone(ctx.tz).date()
    period = periods.Period(today - timedelta(days=30), today - timedelta(days=1))
    now, before = report_service.measure_pair(ctx, period)
    boards = [
        leaderboards.build(now.group(g), index, g, previous=before.group(g))
        for index, g in (
            ("responsiveness", "kelurahan"),
            ("responsiveness", "kecamatan"),
            ("activity", "kelurahan"),
        )
    ]
    kelurahan = sorted(now.group("kelurahan"), key=lambda k: k.name)
    return templates.TemplateResponse(
        request,
        "papan.html",
        {
            "city": "",
            "period": period,
            "boards": boards,
            "kelurahan": kelurahan,
            "labels": INDEX_LABELS,
        },
    )


@router.get("/laporan", response_class=HTMLResponse)
def report_page(
    ctx: CtxDep,
    actor: ActorDep,
    kind: Annotated[str, Query(pattern="^(weekly|monthly)$")] = "weekly",
    period: Annotated[str | None, Query(max_length=30)] = None,
    fmt: Annotated[str, Query(pattern="^(html|pdf|xlsx)$")] = "html",
) -> Response:
    """The weekly/monthly report in the dashboard, and its PDF and XLSX (signed-in users)."""
    from paseban.errors import InvalidInput

    try:
        chosen = periods.parse(kind, period, today=ctx.now().astimezone(ctx.tz).date())
    except periods.BadPeriod as exc:
        raise InvalidInput(str(exc)) from None
    report = report_service.build_report(ctx, kind, chosen)
    if fmt == "pdf":
        body = report_service.render_pdf(report_service.render_html(report))
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{report.file_stem}.pdf"'},
        )
    if fmt == "xlsx":
        return Response(
            report_service.render_xlsx(report),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{report.file_stem}.xlsx"'},
        )
    return HTMLResponse(report_service.render_html(report))
