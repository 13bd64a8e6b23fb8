"""The media library under /konten/media: upload (several files at once; static/media.js adds
progress over the plain multipart form), search and filter, an item's page with its details,
and the files themselves (original, thumbnail, the preview as a platform frames it).

Uploads are read with a bound: a request whose declared length is over the limit is refused
before a byte of its body is read (413), and one that sends more than it declared is cut off
when it passes the limit; the CSRF token is checked once the bounded form is parsed."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from paseban.content.media import KIND_LABELS, ORIGIN_LABELS
from paseban.context import Context
from paseban.domain.auth import Actor, Permission
from paseban.errors import InvalidInput
from paseban.services.content import kits, media_files, programs
from paseban.services.content import media as library
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.content.rendering import back, opt_int, render
from paseban.web.deps import CtxDep, check_csrf, require, writing_in
from paseban.web.rendering import wants_html

router = APIRouter(prefix="/konten/media", include_in_schema=False)
Uploader = Annotated[Actor, Depends(require(Permission.CONTENT_WRITE))]
PER_PAGE = 48


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"unggahan lebih dari {library.imaging_mb(limit)}; kirim lebih sedikit berkas "
            "sekaligus atau perkecil videonya"
        )


async def bounded_form(request: Request, limit: int, max_files: int) -> Request:
    """The request with its form parsed, never reading more than `limit` bytes of body."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise TooLarge(limit)
        return message

    bounded = Request(request.scope, receive)
    await bounded.form(max_files=max_files, max_fields=300)
    return bounded


def _flag(form: FormData, name: str) -> bool:
    return str(form.get(name, "")).strip() in ("1", "on", "ya", "true")


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def details_from(form: FormData) -> library.Details:
    return library.Details(
        alt_text=_text(form, "alt_text"),
        caption=_text(form, "caption"),
        source=_text(form, "source"),
        credit=_text(form, "credit"),
        program_id=opt_int(_text(form, "program_id")),
        campaign_id=opt_int(_text(form, "campaign_id")),
        kelurahan=_text(form, "kelurahan").strip() or None,
        in_story_bank=_flag(form, "in_story_bank"),
        shows_people=_flag(form, "shows_people"),
        consent_note=_text(form, "consent_note"),
        captions_burned_in=_flag(form, "captions_burned_in"),
    )


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _options(ctx: Context, actor: Actor) -> dict[str, Any]:
    return {
        "programs": programs.list_programs(ctx, actor, active_only=True),
        "campaigns": programs.list_campaigns(ctx, actor),
        "kelurahan": media_files.kelurahan_choices(ctx, actor),
        "kinds": KIND_LABELS,
        "origins": ORIGIN_LABELS,
        "limits": {
            "image": library.imaging_mb(ctx.settings.media_image_max_bytes),
            "video": library.imaging_mb(ctx.settings.media_video_max_bytes),
            "files": ctx.settings.media_upload_max_files,
        },
    }


def _filters(
    q: str,
    jenis: str,
    program: str,
    kampanye: str,
    kelurahan: str,
    asal: str,
    cerita: str,
    milik: str,
) -> library.Filters:
    return library.Filters(
        q=q.strip(),
        kind=jenis or None,
        program_id=opt_int(program),
        campaign_id=opt_int(kampanye),
        kelurahan=kelurahan or None,
        origin=asal or None,
        story=cerita == "1",
        mine=milik == "1",
    )


@router.get("", response_class=HTMLResponse)
def library_page(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    q: Annotated[str, Query(max_length=100)] = "",
    jenis: Annotated[str, Query(max_length=10)] = "",
    program: Annotated[str, Query(max_length=12)] = "",
    kampanye: Annotated[str, Query(max_length=12)] = "",
    kelurahan: Annotated[str, Query(max_length=13)] = "",
    asal: Annotated[str, Query(max_length=20)] = "",
    cerita: Annotated[str, Query(max_length=1)] = "",
    milik: Annotated[str, Query(max_length=1)] = "",
    pilih: int | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = _filters(q, jenis, program, kampanye, kelurahan, asal, cerita, milik)
    shown = {
        "q": q,
        "jenis": jenis,
        "program": program,
        "kampanye": kampanye,
        "kelurahan": kelurahan,
        "asal": asal,
        "cerita": cerita,
        "milik": milik,
    }
    return _library(request, ctx, actor, filters, shown, page=page, pick_for=pilih)


def _library(
    request: Request,
    ctx: Context,
    actor: Actor,
    filters: library.Filters,
    shown: dict[str, str],
    *,
    page: int = 1,
    pick_for: int | None = None,
    results: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The library page: the items found, the filters as the person set them, and after an
    upload without JavaScript what was kept and what was refused."""
    rows, total = library.list_media(
        ctx, actor, filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    return render(
        request,
        ctx,
        actor,
        "content_media.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + PER_PAGE - 1) // PER_PAGE),
            "f": shown,
            "pick_for": pick_for,
            "can_upload": actor.can(Permission.CONTENT_WRITE),
            "results": results,
            **_options(ctx, actor),
        },
        status=status,
    )


@router.post("")
async def upload(request: Request, ctx: CtxDep, actor: Uploader) -> Response:
    """One or more files; each is checked on its own, so one bad file does not lose the rest."""
    settings = ctx.settings
    try:
        bounded = await bounded_form(
            request, settings.media_upload_max_bytes(), settings.media_upload_max_files
        )
    except TooLarge as exc:
        return _refused(request, ctx, actor, 413, str(exc))
    await check_csrf(bounded, actor)
    form = await bounded.form()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        return _refused(request, ctx, actor, 422, "pilih sedikitnya satu foto atau video")
    details = details_from(form)
    if _text(form, "kota"):  # the province's choice; without one its kelurahan, programme or
        actor = writing_in(ctx, actor, _text(form, "kota"), "kota")  # campaign names the city
    keep = _flag(form, "keep_location")
    done: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for item in files:
        try:
            size = item.size if item.size is not None else 0
            media_id = library.add_media(
                ctx,
                actor,
                library.Upload(item.filename or "berkas", item.file, size),
                details,
                keep_location=keep,
            )
            done.append({"id": media_id, "name": item.filename})
        except InvalidInput as exc:
            errors.append({"name": item.filename or "berkas", "detail": str(exc)})
        finally:
            await item.close()
    attach = opt_int(_text(form, "lampirkan"))
    if attach is not None and done:
        media_files.attach(ctx, actor, attach, [d["id"] for d in done])
    kit, variant = _text(form, "kit"), _text(form, "varian")
    if kit and done:
        for d in done:
            kits.add_asset(ctx, actor, kit, d["id"], variant)
    if _wants_json(request) or not wants_html(request):
        return JSONResponse({"uploaded": done, "errors": errors}, status_code=200 if done else 422)
    if errors:
        return _results(request, ctx, actor, done, errors)
    if attach is not None:
        return back(f"/konten/draf/{attach}", "attached", anchor="media")
    if kit:
        return back(f"/konten/kampanye/{quote(kit)}", "saved")
    return back("/konten/media?milik=1", "uploaded")


def _results(
    request: Request,
    ctx: Context,
    actor: Actor,
    done: list[dict[str, Any]],
    errors: list[dict[str, str]],
    status: int | None = None,
) -> Response:
    return _library(
        request,
        ctx,
        actor,
        library.Filters(mine=True),
        {"milik": "1"},
        results={"done": done, "errors": errors},
        status=status or (200 if done else 422),
    )


def _refused(request: Request, ctx: Context, actor: Actor, status: int, detail: str) -> Response:
    if _wants_json(request) or not wants_html(request):
        return JSONResponse({"error": "InvalidInput", "detail": detail}, status_code=status)
    return _results(request, ctx, actor, [], [{"name": "", "detail": detail}], status)


@router.get("/{media_id}", response_class=HTMLResponse)
def item_page(request: Request, ctx: CtxDep, actor: ContentActor, media_id: int) -> HTMLResponse:
    return render(
        request,
        ctx,
        actor,
        "content_media_item.html",
        {"m": library.get_media(ctx, actor, media_id), "error": None, **_options(ctx, actor)},
    )


@router.post("/{media_id}", response_class=HTMLResponse)
async def item_save(request: Request, ctx: CtxDep, actor: ContentWriter, media_id: int) -> Response:
    form = await request.form()
    try:
        library.update_media(
            ctx,
            actor,
            media_id,
            details_from(form),
            privacy_checked=_flag(form, "privacy_checked"),
            archived=_flag(form, "archived"),
        )
    except InvalidInput as exc:
        item = {**library.get_media(ctx, actor, media_id), **details_from(form).__dict__}
        return render(
            request,
            ctx,
            actor,
            "content_media_item.html",
            {"m": item, "error": str(exc), **_options(ctx, actor)},
            status=422,
        )
    return back(f"/konten/media/{media_id}", "saved")


# --- the files -----------------------------------------------------------------------------------


def _file(ctx: Context, actor: Actor, media_id: int, which: str) -> Response:
    path, media_type = media_files.file_for(ctx, actor, media_id, which)
    return FileResponse(
        path, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get("/{media_id}/berkas")
def original(ctx: CtxDep, actor: ContentActor, media_id: int) -> Response:
    return _file(ctx, actor, media_id, "file")


@router.get("/{media_id}/kecil")
def thumb(ctx: CtxDep, actor: ContentActor, media_id: int) -> Response:
    return _file(ctx, actor, media_id, "thumb")


@router.get("/{media_id}/pratinjau")
def preview(
    ctx: CtxDep,
    actor: ContentActor,
    media_id: int,
    rasio: Annotated[float, Query(gt=0.01, lt=100)] = 1.0,
    isi: Annotated[str, Query(pattern="^(cover|contain|natural)$")] = "cover",
) -> Response:
    """The picture as a platform frames it (the editor's preview)."""
    data = media_files.preview(ctx, actor, media_id, ratio=rasio, fit=isi)
    return Response(
        data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )
