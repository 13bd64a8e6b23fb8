"""Turun ke lapangan and early warning in the dashboard: log a field visit from a phone (photo,
time, the browser's location through static/lapangan.js, the case or purpose), before/after
photos of a resolved case, the photos themselves for people of the area, and the alerts with
their acknowledgement. Views call services; no SQL here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from paseban.context import Context
from paseban.domain.auth import Actor, Permission
from paseban.errors import InvalidInput
from paseban.measurement.alerts import ALERT_STATUS_LABELS
from paseban.services.cases import reads
from paseban.services.measurement import fieldwork
from paseban.web.deps import CtxDep, client_ip, require, writer
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.CASES_READ))]
FieldWriter = Annotated[Actor, Depends(writer(Permission.FIELD_WRITE))]
AlertWriter = Annotated[Actor, Depends(writer(Permission.CASES_WRITE))]
MAX_UPLOAD = 12 * 1024 * 1024  # the media limit itself is PASEBAN_MEDIA_MAX_BYTES
ALERT_STATUSES = ALERT_STATUS_LABELS
# every other page forbids the browser's location (web/security.py); these two ask for it
GEOLOCATION_POLICY = "camera=(), microphone=(), geolocation=(self), payment=()"


def _with_location(response: HTMLResponse) -> HTMLResponse:
    response.headers["permissions-policy"] = GEOLOCATION_POLICY
    return response


async def _photo(upload: UploadFile | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput("foto terlalu besar")
    return data or None


def _local_input(ctx: Context, value: str) -> datetime:
    """A `datetime-local` field (the city's time) as an aware datetime; empty: now."""
    if not value.strip():
        return ctx.now()
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("waktu kunjungan tidak sah") from None
    if naive.tzinfo is not None:
        raise InvalidInput("waktu kunjungan tidak sah")
    return naive.replace(tzinfo=ctx.tz)


# --- field visits ---------------------------------------------------------------------------------


@router.get("/kunjungan", response_class=HTMLResponse)
def visits_page(
    request: Request,
    ctx: CtxDep,
    actor: Reader,
    days: Annotated[int, Query(ge=1, le=92)] = 30,
    kasus: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    now = ctx.now()
    can_log = actor.can(Permission.FIELD_WRITE)
    page = render(
        request,
        ctx,
        "pengukuran/kunjungan.html",
        {
            "visits": fieldwork.visits(ctx, actor, now - timedelta(days=days), now + timedelta(1)),
            "days": days,
            "can_log": can_log,
            "units": fieldwork.visit_units(ctx, actor) if can_log else [],
            "choose_unit": actor.scope.is_city,
            "kelurahan": fieldwork.kelurahan_choices(ctx, actor) if can_log else [],
            "ticket": kasus,
            "default_time": now.astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    return _with_location(page) if can_log else page


@router.post("/kunjungan")
async def log_visit(
    request: Request,
    ctx: CtxDep,
    actor: FieldWriter,
    purpose: Annotated[str, Form(max_length=500)] = "",
    ticket: Annotated[str, Form(max_length=40)] = "",
    unit: Annotated[str, Form(max_length=40)] = "",
    kelurahan: Annotated[str, Form(max_length=13)] = "",
    visited_at: Annotated[str, Form(max_length=20)] = "",
    lat: Annotated[str, Form(max_length=20)] = "",
    lon: Annotated[str, Form(max_length=20)] = "",
    accuracy: Annotated[str, Form(max_length=20)] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    fieldwork.log_visit(
        ctx,
        actor,
        visited_at=_local_input(ctx, visited_at),
        purpose=purpose,
        unit=unit or None,
        kelurahan=kelurahan or None,
        ticket=ticket or None,
        spot=fieldwork.spot_from_form(lat, lon, accuracy),
        photo=await _photo(photo),
        ip=client_ip(request),
    )
    return RedirectResponse("/kunjungan?ok=created", status_code=303)


@router.get("/foto/{name:path}")
def photo_file(ctx: CtxDep, actor: Reader, name: str) -> FileResponse:
    """A visit's or a case's photo, for people whose area covers it."""
    path, media_type = fieldwork.photo(ctx, actor, name)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})


# --- before/after photos of a resolved case -------------------------------------------------------


@router.get("/kasus/{ticket}/foto", response_class=HTMLResponse)
def pair_page(request: Request, ctx: CtxDep, actor: Reader, ticket: str) -> HTMLResponse:
    case = reads.case_for(ctx, actor, ticket)
    page = render(
        request,
        ctx,
        "pengukuran/foto.html",
        {
            "c": case,
            "pair": fieldwork.photo_pair(ctx, case["id"]),
            "resolved": case["status"] in fieldwork.RESOLVED_STATUSES,
            "can_upload": actor.can(Permission.FIELD_WRITE),
            "same_spot": fieldwork.SAME_SPOT_METRES,
        },
    )
    return _with_location(page)


@router.post("/kasus/{ticket}/foto")
async def add_pair(
    request: Request,
    ctx: CtxDep,
    actor: FieldWriter,
    ticket: str,
    before: Annotated[UploadFile, File()],
    after: Annotated[UploadFile, File()],
    before_lat: Annotated[str, Form(max_length=20)] = "",
    before_lon: Annotated[str, Form(max_length=20)] = "",
    after_lat: Annotated[str, Form(max_length=20)] = "",
    after_lon: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    before_photo, after_photo = await _photo(before), await _photo(after)
    if before_photo is None or after_photo is None:
        raise InvalidInput("unggah foto sebelum dan foto sesudah")
    fieldwork.add_photo_pair(
        ctx,
        actor,
        ticket,
        before=before_photo,
        after=after_photo,
        before_spot=fieldwork.spot_from_form(before_lat, before_lon),
        after_spot=fieldwork.spot_from_form(after_lat, after_lon),
        ip=client_ip(request),
    )
    return RedirectResponse(f"/kasus/{ticket.upper()}/foto?ok=created", status_code=303)


# --- early warning --------------------------------------------------------------------------------


@router.get("/peringatan", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    ctx: CtxDep,
    actor: Reader,
    status: Annotated[str, Query(pattern="^(open|acknowledged|closed|all)$")] = "all",
) -> HTMLResponse:
    rows = fieldwork.alerts(ctx, actor, status=None if status == "all" else status)
    return render(
        request,
        ctx,
        "pengukuran/peringatan.html",
        {
            "alerts": [
                {
                    **row,
                    "can_ack": row["status"] == "open" and fieldwork.can_acknowledge(actor, row),
                }
                for row in fieldwork.with_messages(ctx, actor, rows)
            ],
            "status": status,
            "statuses": ALERT_STATUSES,
        },
    )


@router.post("/peringatan/{alert_id}/tanggapi")
def acknowledge(
    request: Request, ctx: CtxDep, actor: AlertWriter, alert_id: int
) -> RedirectResponse:
    fieldwork.acknowledge_alert(ctx, actor, alert_id, ip=client_ip(request))
    return RedirectResponse("/peringatan?ok=acknowledged", status_code=303)
