"""The public tracking page: anyone with a ticket code follows the complaint at /lacak/{ticket}
(HTML) or /lacak/{ticket}.json. Personal data masked, no internal notes, no staff names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from paseban.domain import fmt
from paseban.errors import Conflict, Forbidden, NotFound, PasebanError
from paseban.services.cases import confirmation, reads
from paseban.services.reference import store as ref
from paseban.web import formatting
from paseban.web.deps import CtxDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
formatting.install(templates.env)


@router.get("/lacak", response_class=HTMLResponse)
def track_form(request: Request, ctx: CtxDep, tiket: str = "") -> Response:
    if tiket.strip():
        return RedirectResponse(f"/lacak/{tiket.strip().upper()[:20]}", status_code=303)
    return _page(request, ctx, None, status_code=200)


@router.get("/lacak/{ticket}.json")
def track_json(ctx: CtxDep, ticket: str) -> JSONResponse:
    data = reads.public_case(ctx, ticket)
    return JSONResponse(_jsonable(data))


ANSWERED = {
    "sudah": "Terima kasih. Aduan ditutup sebagai sudah beres menurut Anda.",
    "belum": "Terima kasih. Aduan dibuka kembali dan OPD-nya diberi tahu.",
}


@router.get("/lacak/{ticket}", response_class=HTMLResponse)
def track(
    request: Request,
    ctx: CtxDep,
    ticket: str,
    k: Annotated[str, Query(max_length=64)] = "",
    dijawab: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    try:
        data = reads.public_case(ctx, ticket)
    except NotFound:
        return _page(request, ctx, None, status_code=404, missing=ticket[:20])
    return _page(request, ctx, data, status_code=200, key=k, answered=ANSWERED.get(dijawab))


@router.post("/lacak/{ticket}/konfirmasi", response_class=HTMLResponse)
def track_answer(
    request: Request,
    ctx: CtxDep,
    ticket: str,
    k: Annotated[str, Form(max_length=64)] = "",
    jawaban: Annotated[str, Form(max_length=10)] = "",
    catatan: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The citizen's "sudah beres" or "belum beres", with the key of the link a reply sent."""
    try:
        data = reads.public_case(ctx, ticket)
    except NotFound:
        return _page(request, ctx, None, status_code=404, missing=ticket[:20])
    if jawaban not in ANSWERED:
        return _page(request, ctx, data, status_code=422, key=k, problem="Pilih sudah atau belum.")
    try:
        confirmation.answer(ctx, data["ticket"], key=k, fixed=jawaban == "sudah", remark=catatan)
    except PasebanError as exc:
        status = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, Conflict) else 422
        return _page(request, ctx, data, status_code=status, key=k, problem=str(exc))
    target = f"/lacak/{data['ticket']}?{urlencode({'dijawab': jawaban})}"
    return RedirectResponse(target, status_code=303)


def _page(
    request: Request,
    ctx: Any,
    data: dict[str, Any] | None,
    *,
    status_code: int,
    missing: str | None = None,
    key: str = "",
    answered: str | None = None,
    problem: str | None = None,
) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        city = ref.get_parameter(conn, "city_name", "")
    overdue = bool(data and data["overdue"])
    return templates.TemplateResponse(
        request,
        "lacak.html",
        {
            "city": city,
            "case": data,
            "missing": missing,
            "overdue": overdue,
            "key": key,
            "key_ok": data is not None and confirmation.may_answer(ctx, data["ticket"], key),
            "answered": answered,
            "problem": problem,
            "local": lambda v: fmt.local_time(v, ctx.tz),
            "zone": fmt.zone_name(ctx.tz, ctx.now().astimezone(ctx.tz)),
            "names": formatting.Names(ctx),
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
