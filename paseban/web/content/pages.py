"""Content pages under /konten (Bahasa Indonesia, phone-friendly, no inline script or style).
Views call services; the services check roles and scopes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from paseban.content import approvals as ap
from paseban.content.calendar import HARI, week_start
from paseban.content.campaigns import CampaignKit
from paseban.content.programs import Fact, Program
from paseban.content.quality import CONTENT_TYPE_LABELS, ContentType
from paseban.content.stories import IDEA_PLATFORM, STORY_PROMPTS
from paseban.domain import fmt
from paseban.domain.accounts import Role
from paseban.errors import InvalidInput, PasebanError
from paseban.services.content import access, network, planning, programs, publishing, stories
from paseban.services.content import posts as service
from paseban.web.content.auth import ContentActor, ContentWriter, page_context
from paseban.web.deps import CtxDep

router = APIRouter(prefix="/konten", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
assert templates.env.autoescape

NOTICES = {
    "created": "Konsep disimpan.",
    "saved": "Perubahan disimpan.",
    "acted": "Tindakan dicatat.",
    "checked_in": "Kehadiran Anda tercatat. Terima kasih!",
    "already": "Kehadiran Anda sudah tercatat sebelumnya.",
}


def _day(value: date | None) -> str:
    return "-" if value is None else fmt.day(value, HARI)


def render(
    request: Request, ctx: Any, actor: ap.Who, name: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    context = page_context(request, ctx)
    context.update(
        {
            "me": actor,
            "is_kominfo": actor.role is Role.DISKOMINFO,
            "wib": lambda v: fmt.local_time(v, ctx.tz),
            "day": _day,
            "status_labels": {s.value: label for s, label in ap.STATUS_LABELS.items()},
            "type_labels": {t.value: label for t, label in CONTENT_TYPE_LABELS.items()},
            "content_notice": NOTICES.get(request.query_params.get("ok", "")),
            **values,
        }
    )
    return templates.TemplateResponse(request, name, context, status_code=status)


def _back(url: str, ok: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}ok={ok}", status_code=303)


def _opt_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"angka tidak sah: {raw!r}")
    return int(raw)


def _local_dt(ctx: Any, raw: str | None) -> datetime | None:
    """A datetime-local form value, read as the city's local time."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"waktu tidak sah: {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=ctx.tz)


def _opt_date(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"tanggal tidak sah: {raw!r}") from None


def _with_local(ctx: Any, post: dict[str, Any]) -> dict[str, Any]:
    """The schedule as a datetime-local form value in the city's time."""
    at = post.get("scheduled_at")
    post["scheduled_local"] = (
        at.astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M") if isinstance(at, datetime) else ""
    )
    return post


def _lines(raw: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in raw.splitlines() if line.strip())


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
        accounts = access.visible_accounts(conn, actor)
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
            for a in access.visible_accounts(conn, actor)
            if ap.can_author(actor, access.account_ref(a))
        ]
        pillars = planning.pillars(conn)
    return {
        "accounts": accounts,
        "programs": programs.list_programs(ctx, active_only=True),
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
) -> HTMLResponse:
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
    }
    return render(
        request,
        ctx,
        actor,
        "content_post_form.html",
        {"post": post, "error": None, **_form_options(ctx, actor)},
    )


def _post_input(ctx: Any, form: dict[str, str]) -> service.PostInput:
    account_id = _opt_int(form.get("account_id"))
    if account_id is None:
        raise InvalidInput("pilih akun")
    return service.PostInput(
        account_id=account_id,
        body=form.get("body", ""),
        content_type=form.get("content_type", "informasi"),
        title=form.get("title", ""),
        program_id=_opt_int(form.get("program_id")),
        campaign_id=_opt_int(form.get("campaign_id")),
        pillar=form.get("pillar") or None,
        planned_on=_opt_date(form.get("planned_on")),
        scheduled_at=_local_dt(ctx, form.get("scheduled_at")),
        source_message_id=_opt_int(form.get("source_message_id")),
    )


@router.post("/draf", response_class=HTMLResponse)
async def post_create(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        post_id = service.create_post(ctx, actor, _post_input(ctx, form))
    except InvalidInput as exc:
        return render(
            request,
            ctx,
            actor,
            "content_post_form.html",
            {"post": {**form, "version": None}, "error": str(exc), **_form_options(ctx, actor)},
            status=422,
        )
    return _back(f"/konten/draf/{post_id}", "created")


@router.get("/draf/{post_id}", response_class=HTMLResponse)
def post_detail(request: Request, ctx: CtxDep, actor: ContentActor, post_id: int) -> HTMLResponse:
    post = service.get_post(ctx, actor, post_id)
    return render(
        request,
        ctx,
        actor,
        "content_post.html",
        {"post": post, "error": None, **_form_options(ctx, actor)},
    )


@router.post("/draf/{post_id}", response_class=HTMLResponse)
async def post_update(
    request: Request, ctx: CtxDep, actor: ContentWriter, post_id: int
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        service.update_post(
            ctx, actor, post_id, _post_input(ctx, form), version=_opt_int(form.get("version"))
        )
    except (InvalidInput, PasebanError) as exc:
        if not isinstance(exc, InvalidInput):
            raise
        post = _with_local(ctx, service.get_post(ctx, actor, post_id))
        post.update({k: form[k] for k in ("title", "body") if k in form})
        return render(
            request,
            ctx,
            actor,
            "content_post.html",
            {"post": post, "error": str(exc), **_form_options(ctx, actor)},
            status=422,
        )
    return _back(f"/konten/draf/{post_id}", "saved")


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
        scheduled_at=_local_dt(ctx, scheduled_at),
        external_id=external_id or None,
        permalink=permalink or None,
    )
    return _back(f"/konten/draf/{post_id}", "acted")


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


@router.get("/program", response_class=HTMLResponse)
def program_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request, ctx, actor, "content_programs.html", {"rows": programs.list_programs(ctx)}
    )


@router.get("/program/{code}", response_class=HTMLResponse)
def program_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    program = programs.get_program(ctx, code)
    can_edit = actor.role is Role.DISKOMINFO or (
        actor.role is Role.OPD_OFFICER and actor.scope.opd == program["owner_opd"]
    )
    return render(
        request,
        ctx,
        actor,
        "content_program.html",
        {"p": program, "can_edit": can_edit, "error": None},
    )


def _facts(raw: str) -> tuple[Fact, ...]:
    """One fact per line: text | source."""
    out = []
    for line in _lines(raw):
        text, _, source = line.partition("|")
        out.append(Fact(text.strip(), source.strip()))
    return tuple(out)


@router.post("/program", response_class=HTMLResponse)
async def program_save(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    program = Program(
        code=form.get("code", "").strip(),
        name=form.get("name", ""),
        owner_opd=form.get("owner_opd", "").strip(),
        summary=form.get("summary", ""),
        key_messages=_lines(form.get("key_messages", "")),
        facts=_facts(form.get("facts", "")),
        achievements=_facts(form.get("achievements", "")),
        hashtags=tuple(form.get("hashtags", "").split()),
        official_names=_lines(form.get("official_names", "")),
    )
    programs.save_program(ctx, actor, program)
    return _back(f"/konten/program/{quote(program.code)}", "saved")


@router.get("/kampanye", response_class=HTMLResponse)
def campaign_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request,
        ctx,
        actor,
        "content_campaigns.html",
        {
            "rows": programs.list_campaigns(ctx, actor),
            "programs": programs.list_programs(ctx, active_only=True),
            "today": ctx.now().astimezone(ctx.tz).date(),
        },
    )


@router.post("/kampanye")
async def campaign_create(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    raw = await request.form()
    chosen = [int(v) for v in raw.getlist("account_ids") if isinstance(v, str) and v.isdigit()]
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    starts, ends = _opt_date(form.get("starts_on")), _opt_date(form.get("ends_on"))
    if starts is None or ends is None:
        raise InvalidInput("isi tanggal mulai dan selesai")
    kit = CampaignKit(
        code=form.get("code", "").strip(),
        title=form.get("title", ""),
        message=form.get("message", ""),
        starts_on=starts,
        ends_on=ends,
        facts=_facts(form.get("facts", "")),
        media_links=_lines(form.get("media_links", "")),
        hashtags=tuple(form.get("hashtags", "").split()),
        program_id=_opt_int(form.get("program_id")),
    )
    programs.create_campaign(ctx, actor, kit, account_ids=chosen or None)
    return _back(f"/konten/kampanye/{quote(kit.code)}", "created")


@router.get("/kampanye/{code}", response_class=HTMLResponse)
def campaign_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    detail = programs.campaign_detail(ctx, actor, code)
    return render(request, ctx, actor, "content_campaign.html", {"c": detail})


@router.post("/kampanye/{code}/adaptasi")
def campaign_adapt(
    ctx: CtxDep, actor: ContentWriter, code: str, account_id: Annotated[int, Form()]
) -> Response:
    post_id = programs.adapt_for_account(ctx, actor, code, account_id)
    return _back(f"/konten/draf/{post_id}", "created")


# --- story bank ----------------------------------------------------------------------------------


@router.get("/profil", response_class=HTMLResponse)
def profile_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request, ctx, actor, "content_profiles.html", {"rows": stories.list_profiles(ctx, actor)}
    )


@router.get("/profil/{code}", response_class=HTMLResponse)
def profile_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    found = stories.get_profile(ctx, actor, code)
    return render(request, ctx, actor, "content_profile.html", {**found, "error": None})


@router.post("/profil/{code}", response_class=HTMLResponse)
async def profile_save(request: Request, ctx: CtxDep, actor: ContentWriter, code: str) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    values = {k: form.get(k, "") for k in (*stories.TEXT_FIELDS, *stories.LIST_FIELDS)}
    try:
        stories.save_profile(ctx, actor, code, values)
    except InvalidInput as exc:
        found = stories.get_profile(ctx, actor, code)
        return render(
            request, ctx, actor, "content_profile.html", {**found, "error": str(exc)}, status=422
        )
    return _back(f"/konten/profil/{code}", "saved")


@router.get("/ide", response_class=HTMLResponse)
def ideas_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        accounts = access.visible_accounts(conn, actor)
    by_wilayah = {a["owner_code"]: a["id"] for a in accounts if a["platform"] == IDEA_PLATFORM}
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
        account_id=_opt_int(account_id),
        content_type=content_type or None,
    )
    return _back("/konten/aturan", "saved")


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
    return _back("/konten/aturan", "saved")


@router.post("/aturan/sepi")
def rules_quiet(
    ctx: CtxDep,
    actor: ContentWriter,
    post_days: Annotated[int, Form()],
    answer_days: Annotated[int, Form()],
) -> Response:
    publishing.set_quiet_days(ctx, actor, post=post_days, answer=answer_days)
    return _back("/konten/aturan", "saved")


# --- the admin network -------------------------------------------------------------------------


@router.get("/jejaring", response_class=HTMLResponse)
def network_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return render(
        request,
        ctx,
        actor,
        "content_network.html",
        {
            "roster": network.roster(ctx, actor),
            "sessions": network.list_sessions(ctx),
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
    return _back("/konten/jejaring", "saved")


@router.post("/sesi")
def session_create(
    ctx: CtxDep,
    actor: ContentWriter,
    kind: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=200)],
    held_at: Annotated[str, Form(max_length=40)],
    place: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    when = _local_dt(ctx, held_at)
    if when is None:
        raise InvalidInput("isi waktu sesi")
    made = network.create_session(ctx, actor, kind=kind, title=title, held_at=when, place=place)
    return _back(f"/konten/sesi/{made['id']}", "created")


@router.get("/sesi/{session_id}", response_class=HTMLResponse)
def session_detail(
    request: Request, ctx: CtxDep, actor: ContentActor, session_id: int
) -> HTMLResponse:
    session = network.get_session(ctx, session_id)
    # the code and QR are shown to Diskominfo until check-in closes
    show_code = actor.role is Role.DISKOMINFO and ctx.now() <= session["checkin_closes_at"]
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
    session = network.get_session(ctx, session_id)
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
    return _back("/konten/hadir", "already" if result["already"] else "checked_in")
