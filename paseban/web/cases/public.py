"""The public tracking page: anyone with a ticket code follows the complaint at /lacak/{ticket}
(HTML) or /lacak/{ticket}.json. Personal data masked, no internal notes, no staff names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from paseban.domain import fmt
from paseban.domain.auth import Permission
from paseban.errors import Conflict, Forbidden, NotFound, PasebanError
from paseban.services.cases import confirmation, reads
from paseban.services.reference import store as ref
from paseban.storage.rows.cases import PublicCaseRow
from paseban.web import formatting
from paseban.web.deps import CtxDep, NotSignedIn, get_actor
from paseban.web.security import pin_links

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
pin_links(templates)  # absolute links from PASEBAN_BASE_URL, never the Host header
formatting.install(templates.env)


@router.get("/lacak", response_class=HTMLResponse)
def track_form(request: Request, ctx: CtxDep, tiket: str = "", kunci: str = "") -> Response:
    code, key = _split(tiket, kunci)
    if code:
        query = f"?{urlencode({'kunci': key})}" if key else ""
        return RedirectResponse(f"/lacak/{quote(code)}{query}", status_code=303)
    return _page(request, ctx, None, status_code=200)


@router.get("/lacak/{ticket}.json")
def track_json(ctx: CtxDep, ticket: str, kunci: str | None = None) -> JSONResponse:
    data = reads.public_case(ctx, ticket, kunci)
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
    kunci: Annotated[str, Query(max_length=64)] = "",
    dijawab: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    try:
        data = reads.public_case(ctx, ticket, kunci)
    except NotFound:
        if not kunci and _staff_sees(request, ctx, ticket):
            # an old link without its key: staff go to the case page, everyone else learns
            # nothing (the same answer as for a ticket that does not exist)
            return RedirectResponse(f"/kasus/{quote(ticket.strip().upper())}", status_code=303)
        return _page(request, ctx, None, status_code=404, missing=ticket[:20])
    return _page(request, ctx, data, status_code=200, key=kunci, answered=ANSWERED.get(dijawab))


@router.post("/lacak/{ticket}/konfirmasi", response_class=HTMLResponse)
def track_answer(
    request: Request,
    ctx: CtxDep,
    ticket: str,
    kunci: Annotated[str, Form(max_length=64)] = "",
    jawaban: Annotated[str, Form(max_length=10)] = "",
    catatan: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The citizen's "sudah beres" or "belum beres", with the key of the link a reply sent."""
    try:
        data = reads.public_case(ctx, ticket, kunci)
    except NotFound:
        return _page(request, ctx, None, status_code=404, missing=ticket[:20])
    if jawaban not in ANSWERED:
        return _page(
            request, ctx, data, status_code=422, key=kunci, problem="Pilih sudah atau belum."
        )
    try:
        confirmation.answer(
            ctx, data["ticket"], key=kunci, fixed=jawaban == "sudah", remark=catatan
        )
    except PasebanError as exc:
        status = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, Conflict) else 422
        return _page(request, ctx, data, status_code=status, key=kunci, problem=str(exc))
    target = f"/lacak/{data['ticket']}?{urlencode({'kunci': kunci, 'dijawab': jawaban})}"
    return RedirectResponse(target, status_code=303)


def _split(tiket: str, kunci: str) -> tuple[str, str]:
    """The form takes the ticket and its key in two boxes, or the whole code as the reply
    gives it ("BGR-2611-0042 ab12cd34") in one."""
    parts = tiket.strip().upper().replace("?KUNCI=", " ").split()
    code = parts[0][:20] if parts else ""
    key = (kunci.strip() or (parts[1] if len(parts) > 1 else ""))[:20].lower()
    return code, key


def _staff_sees(request: Request, ctx: CtxDep, ticket: str) -> bool:
    try:
        actor = get_actor(request, ctx)
    except NotSignedIn:
        return False
    if not actor.can(Permission.CASES_READ):
        return False
    try:
        reads.get_case(ctx, ticket.strip().upper(), scope=actor.scope)
    except NotFound:
        return False
    return True


def _page(
    request: Request,
    ctx: Any,
    data: PublicCaseRow | None,
    *,
    status_code: int,
    missing: str | None = None,
    key: str = "",
    answered: str | None = None,
    problem: str | None = None,
) -> HTMLResponse:
    if data is not None and data["city_name"]:
        city = data["city_name"]  # the case's own city: a province's deployment holds several
    else:
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
