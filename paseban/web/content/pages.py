"""Content pages under /konten (Bahasa Indonesia, phone-friendly, no inline script or style).
Views call services; the services check roles and scopes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from paseban.content import approvals as ap
from paseban.content.calendar import HARI, week_start
from paseban.content.quality import ContentType
from paseban.errors import InvalidInput, PasebanError
from paseban.services.content import (
    access,
    media_files,
    planning,
    platform_settings,
    post_media,
    programs,
    publishing,
    publishing_media,
)
from paseban.services.content import media as library
from paseban.services.content import posts as service
from paseban.storage.rows.content import PostDetailRow
from paseban.storage.rows.content_media import MediaDetailRow, MediaListRow
from paseban.web.content import post_editor
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.content.rendering import (
    back,
    local_dt,
    opt_date,
    opt_int,
    render,
    with_local,
)
from paseban.web.deps import CtxDep

router = APIRouter(prefix="/konten", include_in_schema=False)


# --- overview ----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def overview(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    waiting, waiting_total = service.list_posts(ctx, actor, waiting_for_me=True, limit=10)
    recent, total = service.list_posts(ctx, actor, limit=10)
    returned, _ = service.list_posts(ctx, actor, status="returned", limit=10)
    campaigns = [c for c in programs.list_campaigns(ctx, actor) if c["running"]]
    quiet = publishing.quiet_alerts(ctx, actor)
    return render(
        request,
        ctx,
        actor,
        "content_home.html",
        {
            "waiting": waiting,
            "waiting_total": waiting_total,
            "recent": recent,
            "total": total,
            "returned": [r for r in returned if r["created_by"] == actor.name],
            "campaigns": campaigns,
            "quiet": quiet,
        },
    )


# --- drafts ------------------------------------------------------------------------------------


@router.get("/draf", response_class=HTMLResponse)
def post_list(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    status: Annotated[str | None, Query(max_length=20)] = None,
    akun: int | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    per_page = 50
    rows, total = service.list_posts(
        ctx,
        actor,
        status=status or None,
        account_id=akun,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    with ctx.engine.connect() as conn:
        accounts = access.visible_accounts(ctx, conn, actor)
    return render(
        request,
        ctx,
        actor,
        "content_posts.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + per_page - 1) // per_page),
            "accounts": accounts,
            "statuses": list(ap.PostStatus),
            "filters": {"status": status or "", "akun": akun or ""},
        },
    )


def _form_options(ctx: Any, actor: ap.Who) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        accounts = [
            a
            for a in access.visible_accounts(ctx, conn, actor)
            if ap.can_author(actor, access.account_ref(a))
        ]
        pillars = planning.pillars(conn)
    return {
        "accounts": accounts,
        "programs": programs.list_programs(ctx, actor, active_only=True),
        "campaigns": programs.list_campaigns(ctx, actor),
        "pillars": pillars,
        "types": list(ContentType),
    }


@router.get("/draf/baru", response_class=HTMLResponse)
def post_new(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    akun: int | None = None,
    pesan: int | None = None,
    jenis: Annotated[str | None, Query(max_length=20)] = None,
    media: Annotated[list[int] | None, Query(max_length=35)] = None,
) -> HTMLResponse:
    chosen = [library.get_media(ctx, actor, i) for i in dict.fromkeys(media or [])]
    post = {
        "account_id": akun,
        "content_type": jenis or "informasi",
        "title": "",
        "body": "",
        "program_id": None,
        "campaign_id": None,
        "pillar": None,
        "planned_on": None,
        "scheduled_at": None,
        "source_message_id": pesan,
        "version": None,
        "media": [{**m, "post_alt_text": ""} for m in chosen],
        "cover_media_id": chosen[0]["id"] if len(chosen) > 1 else None,
    }
    options = _form_options(ctx, actor)
    fields = _new_fieldset(ctx, post, options["accounts"], akun, None, chosen)
    return render(
        request,
        ctx,
        actor,
        "content_post_form.html",
        {"post": post, "error": None, "platform_settings": fields, **options},
    )


def _new_fieldset(
    ctx: Any,
    post: dict[str, Any],
    accounts: list[Any],
    account_id: int | None,
    stored: dict[str, Any] | None,
    chosen: list[MediaDetailRow],
) -> dict[str, Any] | None:
    """What the account chosen on the new-draft page requires (TikTok's section) before the
    first save, as on the draft page; only for an account the person may write for."""
    found = next((dict(a) for a in accounts if a["id"] == account_id), None)
    if found is None:
        return None
    post["account"] = found
    video = chosen[0] if len(chosen) == 1 and chosen[0]["kind"] == "video" else None
    return platform_settings.fieldset(
        ctx,
        found,
        stored,
        is_video=video is not None,
        longest_ms=video["duration_ms"] if video else None,
    )


@router.get("/draf/baru/pengaturan", response_class=HTMLResponse)
def post_new_settings(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    akun: int | None = None,
    media: Annotated[list[int] | None, Query(max_length=35)] = None,
) -> HTMLResponse:
    """The platform's section for the account just chosen on the new-draft page (fetched by
    content.js when the account changes; empty for a platform that asks nothing)."""
    chosen = [library.get_media(ctx, actor, i) for i in dict.fromkeys(media or [])]
    post: dict[str, Any] = {"version": None}
    accounts = _form_options(ctx, actor)["accounts"]
    fields = _new_fieldset(ctx, post, accounts, akun, None, chosen)
    return render(
        request,
        ctx,
        actor,
        "_content_platform_slot.html",
        {"post": post, "platform_settings": fields},
    )


def _post_input(
    ctx: Any, form: dict[str, str], media: post_media.MediaChoice | None = None
) -> service.PostInput:
    account_id = opt_int(form.get("account_id"))
    if account_id is None:
        raise InvalidInput("pilih akun")
    return service.PostInput(
        account_id=account_id,
        body=form.get("body", ""),
        content_type=form.get("content_type", "informasi"),
        title=form.get("title", ""),
        program_id=opt_int(form.get("program_id")),
        campaign_id=opt_int(form.get("campaign_id")),
        pillar=form.get("pillar") or None,
        planned_on=opt_date(form.get("planned_on")),
        scheduled_at=local_dt(ctx, form.get("scheduled_at")),
        source_message_id=opt_int(form.get("source_message_id")),
        media=media,
        platform_options=platform_settings.from_form(ctx, form),
    )


@router.post("/draf", response_class=HTMLResponse)
async def post_create(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        media = post_editor.media_choice(raw)
        post_id = service.create_post(ctx, actor, _post_input(ctx, form, media))
    except InvalidInput as exc:
        post: dict[str, Any] = {**form, "version": None, "media": []}
        options = _form_options(ctx, actor)
        stored = platform_settings.from_form(ctx, form)
        fields = _new_fieldset(
            ctx, post, options["accounts"], opt_int(form.get("account_id")), stored, []
        )
        return render(
            request,
            ctx,
            actor,
            "content_post_form.html",
            {"post": post, "error": str(exc), "platform_settings": fields, **options},
            status=422,
        )
    return back(f"/konten/draf/{post_id}", "created")


@router.get("/draf/{post_id}", response_class=HTMLResponse)
def post_detail(request: Request, ctx: CtxDep, actor: ContentActor, post_id: int) -> HTMLResponse:
    # the form shows the schedule in the city's time: saving the page must not erase it
    post = with_local(ctx, service.get_post(ctx, actor, post_id))
    return render(
        request,
        ctx,
        actor,
        "content_post.html",
        {"post": post, "error": None, **_editor(ctx, actor, post), **_form_options(ctx, actor)},
    )


def _editor(ctx: Any, actor: ap.Who, post: PostDetailRow) -> dict[str, Any]:
    platform = post["account"]["platform"]
    covers: list[MediaListRow] = []
    if post["post_media"].format == "video":
        covers = library.list_media(ctx, actor, library.Filters(kind="image"), limit=30)[0]
    return {
        "preview": post_editor.preview(platform, post["body"], post["post_media"]),
        "cover_choices": covers,
        "publishing": publishing_media.progress(ctx, post.get("outbox_id")),
        # read from the platform only for who can change the post (the fieldset is in the form)
        "platform_settings": (
            platform_settings.for_editor(ctx, post)
            if post.get("can_edit") or post.get("can_review")
            else None
        ),
    }


@router.post("/draf/{post_id}/media")
async def post_attach(
    request: Request, ctx: CtxDep, actor: ContentWriter, post_id: int
) -> Response:
    """Attach the items chosen in the library (its "pilih" mode) at the end of the draft."""
    form = await request.form()
    ids = [int(v) for v in form.getlist("media") if isinstance(v, str) and v.isdigit()]
    if not ids:
        raise InvalidInput("pilih sedikitnya satu foto atau video")
    media_files.attach(ctx, actor, post_id, ids)
    return back(f"/konten/draf/{post_id}", "attached", anchor="media")


@router.post("/draf/{post_id}", response_class=HTMLResponse)
async def post_update(
    request: Request, ctx: CtxDep, actor: ContentWriter, post_id: int
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        media = post_editor.media_choice(raw)
        service.update_post(
            ctx, actor, post_id, _post_input(ctx, form, media), version=opt_int(form.get("version"))
        )
    except (InvalidInput, PasebanError) as exc:
        if not isinstance(exc, InvalidInput):
            raise
        post = with_local(ctx, service.get_post(ctx, actor, post_id))
        post["title"] = form.get("title", post["title"])  # what was typed, shown again
        post["body"] = form.get("body", post["body"])
        return render(
            request,
            ctx,
            actor,
            "content_post.html",
            {
                "post": post,
                "error": str(exc),
                **_editor(ctx, actor, post),
                **_form_options(ctx, actor),
            },
            status=422,
        )
    if form.get("media_op"):
        return back(f"/konten/draf/{post_id}", "saved", anchor="media")
    return back(f"/konten/draf/{post_id}", "saved")


@router.post("/draf/{post_id}/tindakan")
def post_act(
    ctx: CtxDep,
    actor: ContentWriter,
    post_id: int,
    action: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    scheduled_at: Annotated[str, Form(max_length=40)] = "",
    external_id: Annotated[str, Form(max_length=200)] = "",
    permalink: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    service.act(
        ctx,
        actor,
        post_id,
        action,
        note=note,
        scheduled_at=local_dt(ctx, scheduled_at),
        external_id=external_id or None,
        permalink=permalink or None,
    )
    return back(f"/konten/draf/{post_id}", "acted")


# --- calendar ----------------------------------------------------------------------------------


@router.get("/kalender", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    ctx: CtxDep,
    actor: ContentActor,
    akun: int | None = None,
    mulai: date | None = None,
) -> HTMLResponse:
    start = week_start(mulai or ctx.now().astimezone(ctx.tz).date())
    days, accounts = planning.calendar(ctx, actor, start=start, days=7, account_id=akun)
    return render(
        request,
        ctx,
        actor,
        "content_calendar.html",
        {
            "days": days,
            "accounts": list(accounts.values()),
            "by_id": accounts,
            "akun": akun,
            "start": start,
            "prev": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "today": ctx.now().astimezone(ctx.tz).date(),
        },
    )


# --- programs and campaigns --------------------------------------------------------------------


# --- story bank ----------------------------------------------------------------------------------


# --- rules: approval policies, pillars, quiet days (Diskominfo) ---------------------------------


@router.get("/aturan", response_class=HTMLResponse)
def rules_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        policies = service.policies(conn)
        pillars = planning.pillars(conn)
        post_days, answer_days = publishing.quiet_days(conn)
    return render(
        request,
        ctx,
        actor,
        "content_rules.html",
        {
            "policies": policies,
            "pillars": pillars,
            "post_days": post_days,
            "answer_days": answer_days,
            "hari": HARI,
            "types": list(ContentType),
        },
    )


@router.post("/aturan/persetujuan")
def rules_policy(
    ctx: CtxDep,
    actor: ContentWriter,
    owner_kind: Annotated[str, Form(max_length=20)] = "",
    account_id: Annotated[str, Form(max_length=12)] = "",
    content_type: Annotated[str, Form(max_length=20)] = "",
    steps: Annotated[list[str] | None, Form()] = None,
) -> Response:
    service.set_policy(
        ctx,
        actor,
        steps=steps or [],
        owner_kind=owner_kind or None,
        account_id=opt_int(account_id),
        content_type=content_type or None,
    )
    return back("/konten/aturan", "saved")


@router.post("/aturan/pilar")
async def rules_pillars(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    form = await request.form()
    rows = []
    for weekday in range(7):
        code = str(form.get(f"code_{weekday}", "")).strip()
        label = str(form.get(f"label_{weekday}", "")).strip()
        if code or label:
            rows.append(
                {
                    "weekday": weekday,
                    "code": code,
                    "label": label,
                    "description": str(form.get(f"description_{weekday}", "")).strip(),
                }
            )
    planning.set_pillars(ctx, actor, rows)
    return back("/konten/aturan", "saved")


@router.post("/aturan/sepi")
def rules_quiet(
    ctx: CtxDep,
    actor: ContentWriter,
    post_days: Annotated[int, Form()],
    answer_days: Annotated[int, Form()],
) -> Response:
    publishing.set_quiet_days(ctx, actor, post=post_days, answer=answer_days)
    return back("/konten/aturan", "saved")


# --- the admin network -------------------------------------------------------------------------
