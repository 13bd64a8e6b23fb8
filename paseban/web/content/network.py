"""The story bank, story ideas and quiet accounts, and the admin network under /konten: who runs
each account, training sessions and kopdar with their QR check-in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from paseban.content.stories import STORY_PROMPTS
from paseban.context import Context
from paseban.domain.accounts import OPERATORS
from paseban.domain.auth import Actor
from paseban.errors import InvalidInput, PasebanError
from paseban.services.content import access, network, publishing, stories
from paseban.services.content import media as library
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.content.rendering import (
    back,
    local_dt,
    render,
)
from paseban.web.deps import CtxDep, writing_in

router = APIRouter(prefix="/konten", include_in_schema=False)


@router.get("/profil", response_class=HTMLResponse)
def profile_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request, ctx, actor, "content_profiles.html", {"rows": stories.list_profiles(ctx, actor)}
    )


@router.get("/profil/{code}", response_class=HTMLResponse)
def profile_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    found = stories.get_profile(ctx, actor, code)
    return render(
        request,
        ctx,
        actor,
        "content_profile.html",
        {**found, **_photos(ctx, actor, code), "error": None},
    )


def _photos(ctx: Context, actor: Actor, code: str) -> dict[str, Any]:
    """The story bank's photos of this kelurahan, with their consent notes."""
    rows, _ = library.list_media(ctx, actor, library.Filters(kelurahan=code, story=True), limit=24)
    return {"story_photos": rows}


@router.post("/profil/{code}", response_class=HTMLResponse)
async def profile_save(request: Request, ctx: CtxDep, actor: ContentWriter, code: str) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    values = {k: form.get(k, "") for k in (*stories.TEXT_FIELDS, *stories.LIST_FIELDS)}
    try:
        stories.save_profile(ctx, actor, code, values)
    except InvalidInput as exc:
        found = stories.get_profile(ctx, actor, code)
        return render(
            request,
            ctx,
            actor,
            "content_profile.html",
            {**found, **_photos(ctx, actor, code), "error": str(exc)},
            status=422,
        )
    return back(f"/konten/profil/{code}", "saved")


@router.get("/ide", response_class=HTMLResponse)
def ideas_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        accounts = access.visible_accounts(ctx, conn, actor)
    # a story idea becomes a draft for the kelurahan's own account on its main channel
    main = ctx.connectors.main_channel()
    by_wilayah = {a["owner_code"]: a["id"] for a in accounts if a["platform"] == main}
    return render(
        request,
        ctx,
        actor,
        "content_ideas.html",
        {
            "ideas": stories.story_ideas(ctx, actor),
            "by_wilayah": by_wilayah,
            "prompts": STORY_PROMPTS,
        },
    )


@router.get("/sepi", response_class=HTMLResponse)
def quiet_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        post_days, answer_days = publishing.quiet_days(conn)
    return render(
        request,
        ctx,
        actor,
        "content_quiet.html",
        {
            "rows": publishing.quiet_alerts(ctx, actor),
            "post_days": post_days,
            "answer_days": answer_days,
        },
    )


@router.get("/jejaring", response_class=HTMLResponse)
def network_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request,
        ctx,
        actor,
        "content_network.html",
        {
            "roster": network.roster(ctx, actor),
            "sessions": network.list_sessions(ctx, actor),
            "kinds": network.KINDS,
        },
    )


@router.post("/jejaring/admin")
def network_add_admin(
    ctx: CtxDep,
    actor: ContentWriter,
    account_id: Annotated[int, Form()],
    name: Annotated[str, Form(max_length=200)],
    username: Annotated[str, Form(max_length=100)] = "",
    position: Annotated[str, Form(max_length=100)] = "Jubir digital",
) -> Response:
    network.add_admin(
        ctx, actor, account_id, name=name, username=username or None, position=position
    )
    return back("/konten/jejaring", "saved")


@router.post("/sesi")
def session_create(
    ctx: CtxDep,
    actor: ContentWriter,
    kind: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=200)],
    held_at: Annotated[str, Form(max_length=40)],
    place: Annotated[str, Form(max_length=200)] = "",
    kota: Annotated[str, Form(max_length=13)] = "",
) -> Response:
    actor = writing_in(ctx, actor, kota, "kota")
    when = local_dt(ctx, held_at)
    if when is None:
        raise InvalidInput("isi waktu sesi")
    made = network.create_session(ctx, actor, kind=kind, title=title, held_at=when, place=place)
    return back(f"/konten/sesi/{made['id']}", "created")


@router.get("/sesi/{session_id}", response_class=HTMLResponse)
def session_detail(
    request: Request, ctx: CtxDep, actor: ContentActor, session_id: int
) -> HTMLResponse:
    session = network.get_session(ctx, actor, session_id)
    # the code and QR are shown to Diskominfo until check-in closes
    show_code = actor.role in OPERATORS and ctx.now() <= session["checkin_closes_at"]
    return render(
        request,
        ctx,
        actor,
        "content_session.html",
        {
            "s": session,
            "show_code": show_code,
            "checkin_url": network.checkin_url(ctx, session["checkin_code"]) if show_code else "",
            "result": network.before_after(ctx, actor, session_id),
        },
    )


@router.get("/sesi/{session_id}/qr.svg")
def session_qr(ctx: CtxDep, actor: ContentActor, session_id: int) -> Response:
    access.require_diskominfo(actor, "menampilkan kode hadir")
    session = network.get_session(ctx, actor, session_id)
    return Response(
        network.qr_svg(ctx, session["checkin_code"]),
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/hadir", response_class=HTMLResponse)
def checkin_page(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    kode: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    return render(request, ctx, actor, "content_checkin.html", {"kode": kode, "error": None})


@router.post("/hadir", response_class=HTMLResponse)
def checkin_submit(
    request: Request,
    ctx: CtxDep,
    actor: ContentWriter,
    kode: Annotated[str, Form(max_length=12)],
    cara: Annotated[str, Form(max_length=10)] = "kode",
) -> Response:
    try:
        result = network.check_in(ctx, actor, kode, method="qr" if cara == "qr" else "kode")
    except PasebanError as exc:
        return render(
            request,
            ctx,
            actor,
            "content_checkin.html",
            {"kode": kode, "error": str(exc)},
            status=422,
        )
    return back("/konten/hadir", "already" if result["already"] else "checked_in")
