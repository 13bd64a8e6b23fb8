"""The public tracking page: anyone with a ticket code follows the complaint at /lacak/{ticket}
(HTML) or /lacak/{ticket}.json. Personal data masked, no internal notes, no staff names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from paseban.domain import fmt
from paseban.errors import NotFound
from paseban.services.cases import reads
from paseban.services.reference import store as ref
from paseban.web.deps import CtxDep
from paseban.web.security import pin_links

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
pin_links(templates)  # absolute links from PASEBAN_BASE_URL, never the Host header


@router.get("/lacak", response_class=HTMLResponse)
def track_form(request: Request, ctx: CtxDep, tiket: str = "") -> Response:
    if tiket.strip():
        return RedirectResponse(f"/lacak/{tiket.strip().upper()[:20]}", status_code=303)
    return _page(request, ctx, None, status_code=200)


@router.get("/lacak/{ticket}.json")
def track_json(ctx: CtxDep, ticket: str) -> JSONResponse:
    data = reads.public_case(ctx, ticket)
    return JSONResponse(_jsonable(data))


@router.get("/lacak/{ticket}", response_class=HTMLResponse)
def track(request: Request, ctx: CtxDep, ticket: str) -> Response:
    try:
        data = reads.public_case(ctx, ticket)
    except NotFound:
        return _page(request, ctx, None, status_code=404, missing=ticket[:20])
    return _page(request, ctx, data, status_code=200)


def _page(
    request: Request,
    ctx: Any,
    data: dict[str, Any] | None,
    *,
    status_code: int,
    missing: str | None = None,
) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        city = ref.get_parameter(conn, "city_name", "")
    overdue = bool(data and data["due_at"] and data["due_at"] < ctx.now())
    return templates.TemplateResponse(
        request,
        "lacak.html",
        {
            "city": city,
            "case": data,
            "missing": missing,
            "overdue": overdue,
            "local": lambda v: fmt.local_time(v, ctx.tz),
            "zone": fmt.zone_name(ctx.tz, ctx.now().astimezone(ctx.tz)),
        },
        status_code=status_code,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
