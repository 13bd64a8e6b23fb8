"""'Lapor langsung': a complaint heard offline (at the kelurahan office, at a meeting, by phone)
entered from the dashboard; it becomes an ordinary message of the wilayah's counter ("loket")
and goes through the same analysis, cases and routing (services.ingest.manual)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from paseban.context import Context
from paseban.domain.auth import Actor, Permission
from paseban.domain.wilayah import Level
from paseban.errors import Forbidden, InvalidInput
from paseban.services.ingest import manual
from paseban.services.people import audit
from paseban.services.reference import store as ref
from paseban.web.deps import CtxDep, MessagesWriter, client_ip, require
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
MayEnter = Annotated[Actor, Depends(require(Permission.MESSAGES_WRITE))]


def _choices(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """The kelurahan and kecamatan the actor may enter reports for, as (code, label)."""
    with ctx.engine.connect() as conn:
        regions = ref.wilayah_all(conn)
    names = {w.code: w.name for w in regions}
    out = []
    for w in regions:
        if w.level not in (Level.KECAMATAN, Level.KELURAHAN) or not actor.scope.covers_wilayah(
            w.code
        ):
            continue
        label = (
            f"Kec. {w.name}"
            if w.level is Level.KECAMATAN
            else (f"{w.name} (Kec. {names.get(w.parent_code or '', '')})")
        )
        out.append((w.code, label))
    return out


def _page(
    request: Request,
    ctx: CtxDep,
    actor: Actor,
    *,
    values: dict[str, Any],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        ctx,
        "manual.html",
        {"choices": _choices(ctx, actor), "values": values, "error": error},
        status_code=status_code,
    )


@router.get("/lapor-langsung", response_class=HTMLResponse)
def manual_form(request: Request, ctx: CtxDep, actor: MayEnter) -> HTMLResponse:
    return _page(request, ctx, actor, values={})


@router.post("/lapor-langsung", response_model=None)
def manual_submit(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    wilayah: Annotated[str, Form(max_length=13)],
    text: Annotated[str, Form(max_length=10_000)],
    author: Annotated[str, Form(max_length=200)] = "",
    contact: Annotated[str, Form(max_length=200)] = "",
    reference: Annotated[str, Form(max_length=100)] = "",
    when: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse | RedirectResponse:
    values = {
        "wilayah": wilayah,
        "text": text,
        "author": author,
        "contact": contact,
        "reference": reference,
        "when": when,
    }
    try:
        if not actor.scope.covers_wilayah(wilayah):
            raise Forbidden("wilayah ini di luar cakupan Anda")
        reported_at = None
        if when.strip():
            try:
                reported_at = datetime.fromisoformat(when.strip()).replace(tzinfo=ctx.tz)
            except ValueError:
                raise InvalidInput("waktu laporan tidak sah") from None
        report = manual.record_manual(
            ctx,
            wilayah=wilayah,
            text=text,
            actor=actor.name,
            author=author,
            contact=contact or None,
            reported_at=reported_at,
            reference=reference or None,
        )
    except InvalidInput as exc:
        return _page(request, ctx, actor, values=values, error=str(exc), status_code=422)
    _audit(request, ctx, actor, report, wilayah)
    return RedirectResponse(f"/kotak-masuk/{report.message_id}?ok=manual", status_code=303)


# --- the same for machine clients (a call centre's system, a kiosk): POST /api/v1/manual-reports

api_router = APIRouter(tags=["api"])


class ManualIn(BaseModel):
    wilayah: str = Field(max_length=13, description="kode kelurahan atau kecamatan")
    text: str = Field(max_length=10_000)
    author: str = Field("", max_length=200)
    contact: str | None = Field(None, max_length=200)
    reference: str | None = Field(None, max_length=100, description="nomor formulir; unik")
    reported_at: datetime | None = Field(None, description="ISO 8601 dengan zona waktu")
    lat: float | None = None
    lon: float | None = None


class ManualOut(BaseModel):
    message_id: int
    external_id: str
    created: bool


@api_router.post("/manual-reports", response_model=ManualOut, status_code=201)
def manual_api(request: Request, ctx: CtxDep, actor: MessagesWriter, body: ManualIn) -> ManualOut:
    """Record a complaint heard offline; 201 with the message id, `created: false` when the
    same `reference` was recorded before. 403 outside the token's area, 422 on bad input."""
    if not actor.scope.covers_wilayah(body.wilayah):
        raise Forbidden("wilayah ini di luar cakupan Anda")
    report = manual.record_manual(
        ctx,
        wilayah=body.wilayah,
        text=body.text,
        actor=actor.name,
        author=body.author,
        contact=body.contact,
        reported_at=body.reported_at,
        reference=body.reference,
        lat=body.lat,
        lon=body.lon,
    )
    _audit(request, ctx, actor, report, body.wilayah)
    return ManualOut(
        message_id=report.message_id, external_id=report.external_id, created=report.created
    )


def _audit(
    request: Request, ctx: Context, actor: Actor, report: manual.ManualReport, wilayah: str
) -> None:
    """The form and the API leave the same audit row for a manual report."""
    audit.record_now(
        ctx,
        actor=actor,
        action="message.manual",
        target_kind="message",
        target_id=report.message_id,
        ip=client_ip(request),
        detail={"wilayah": wilayah, "created": report.created},
    )
