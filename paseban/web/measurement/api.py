"""Measurement for machines under /api/v1/measurement: the leaderboards and one unit's KPIs as
numbers (a command-centre wall, the city's data portal). Same sign-in as the API (a token or a
session) and the same permission as the dashboard's pages; views call services, no SQL here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from paseban.measurement import scorecard
from paseban.measurement.periods import Period
from paseban.services.measurement import reports as report_service
from paseban.web.deps import CasesReader, CtxDep
from paseban.web.measurement.pages import KIND, PERIOD, chosen_period

router = APIRouter(prefix="/measurement", tags=["measurement"])


def _period(period: Period) -> dict[str, Any]:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "key": period.key,
        "label": period.label,
    }


@router.get("/leaderboards")
def leaderboards(
    ctx: CtxDep, actor: CasesReader, kind: KIND = "rolling", period: PERIOD = None
) -> dict[str, Any]:
    """Every leaderboard of the period (`kind` rolling = last 30 days, weekly `2026-W47`,
    monthly `2026-10`), with the published weights."""
    chosen = chosen_period(ctx, kind, period)
    ranked, _ = report_service.standings(ctx, chosen, actor.scope.city)
    return {
        "period": _period(chosen),
        "boards": [scorecard.board_json(b) for b in ranked.boards],
        "weights": scorecard.weights_json(),
    }


@router.get("/units/{group}/{code}")
def unit(
    ctx: CtxDep,
    actor: CasesReader,
    group: Annotated[str, Path(max_length=20, description="kelurahan, kecamatan, opd, city")],
    code: Annotated[str, Path(max_length=40)],
    kind: KIND = "rolling",
    period: PERIOD = None,
) -> dict[str, Any]:
    """One unit's KPIs for the period and the one before, its rows on both leaderboards, what
    lags, and its accounts measured one by one."""
    chosen = chosen_period(ctx, kind, period)
    card = report_service.unit_scorecard(ctx, group, code, chosen)
    return {
        "unit": {"group": card.group, "code": card.code, "name": card.name},
        "period": _period(chosen),
        "kpis": scorecard.kpis_json(card.now),
        "previous": scorecard.kpis_json(card.before),
        "standing": {index: scorecard.row_json(row) for index, row in card.rows.items()},
        "lags": [
            {"measure": lag.measure, "action": lag.action, "severity": lag.severity}
            for lag in card.lags
        ],
        "accounts": [
            {
                "id": a.id,
                "platform": a.platform,
                "handle": a.handle,
                "active": a.active,
                "kpis": scorecard.kpis_json(a.kpis),
            }
            for a, _ in card.accounts
        ],
    }
