"""Priority programs and campaign kits under /konten: the lists, a program's page and form, a
campaign's page, and adapting its kit for one account."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from paseban.connectors.media_limits import LIMITS
from paseban.content import approvals as ap
from paseban.content.campaigns import CampaignKit
from paseban.content.programs import Fact, Program
from paseban.context import Context
from paseban.domain.accounts import OPERATORS, Role
from paseban.domain.auth import Actor
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.services.content import access, kits, programs
from paseban.services.content import media as library
from paseban.services.reference import policy
from paseban.storage.rows.content_media import MediaListRow
from paseban.storage.rows.people import AccountRow
from paseban.storage.rows.reference import OpdRow
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.content.rendering import (
    back,
    lines_of,
    opt_date,
    opt_int,
    render,
)
from paseban.web.deps import CtxDep, writing_in

router = APIRouter(prefix="/konten", include_in_schema=False)


@router.get("/program", response_class=HTMLResponse)
def program_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return _programs_page(request, ctx, actor)


def _programs_page(
    request: Request,
    ctx: Context,
    actor: Actor,
    *,
    error: str | None = None,
    entered: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The programmes and the new-programme form; after a refusal, the form open again with
    the reason and everything typed (nothing stored)."""
    return render(
        request,
        ctx,
        actor,
        "content_programs.html",
        {
            "rows": programs.list_programs(ctx, actor),
            "opd_choices": _owner_choices(ctx, actor),
            "error": error,
            "p": entered or _BLANK_PROGRAM,
        },
        status=status_code,
    )


_BLANK_PROGRAM: dict[str, Any] = {
    "code": "",
    "name": "",
    "owner_opd": "",
    "summary": "",
    "key_messages": [],
    "facts": [],
    "achievements": [],
    "hashtags": [],
    "official_names": [],
}


@router.get("/program/{code}", response_class=HTMLResponse)
def program_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    return _program_page(request, ctx, actor, code)


def _program_page(
    request: Request,
    ctx: Context,
    actor: Actor,
    code: str,
    *,
    error: str | None = None,
    entered: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A programme's page; after a refused edit, its form open with the reason and the edit."""
    program = programs.get_program(ctx, actor, code)
    can_edit = actor.role in OPERATORS or (
        actor.role is Role.OPD_OFFICER and actor.scope.opd == program["owner_opd"]
    )
    return render(
        request,
        ctx,
        actor,
        "content_program.html",
        {
            "p": program,
            "form": {**program, **(entered or {})},
            "can_edit": can_edit,
            "opd_choices": _owner_choices(ctx, actor),
            "error": error,
        },
        status=status_code,
    )


def _owner_choices(ctx: Context, actor: Actor) -> list[OpdRow]:
    """The departments that may own a programme the person saves, by name: the active OPDs of
    their city (every city for the province), or an officer's own."""
    return [
        o
        for o in policy.list_opds(ctx)
        if o["active"]
        and actor.scope.covers_city(o["city"])
        and (actor.role is not Role.OPD_OFFICER or o["code"] == actor.scope.opd)
    ]


def _facts(raw: str) -> tuple[Fact, ...]:
    """One fact per line: text | source."""
    out = []
    for line in lines_of(raw):
        text, _, source = line.partition("|")
        out.append(Fact(text.strip(), source.strip()))
    return tuple(out)


@router.post("/program", response_class=HTMLResponse)
async def program_save(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    """Save the new-programme form (`baru`: a code already used is refused, never overwritten)
    or a programme's edit form. A refusal brings the form back with the reason and the entry."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    program = Program(
        code=form.get("code", "").strip(),
        name=form.get("name", ""),
        owner_opd=form.get("owner_opd", "").strip(),
        summary=form.get("summary", ""),
        key_messages=lines_of(form.get("key_messages", "")),
        facts=_facts(form.get("facts", "")),
        achievements=_facts(form.get("achievements", "")),
        hashtags=tuple(form.get("hashtags", "").split()),
        official_names=lines_of(form.get("official_names", "")),
    )
    new = form.get("baru") == "1"
    try:
        programs.save_program(ctx, actor, program, new=new)
    except (InvalidInput, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        entered = asdict(program)
        if new:
            return _programs_page(
                request, ctx, actor, error=str(exc), entered=entered, status_code=status
            )
        return _program_page(
            request, ctx, actor, program.code, error=str(exc), entered=entered, status_code=status
        )
    return back(f"/konten/program/{quote(program.code)}", "saved")


@router.get("/kampanye", response_class=HTMLResponse)
def campaign_list(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    return _campaigns_page(request, ctx, actor)


def _campaigns_page(
    request: Request,
    ctx: Context,
    actor: ap.Who,
    *,
    error: str | None = None,
    entered: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The campaigns and the new-kit form; after a refusal, the form open again with the
    reason and everything the person typed (nothing stored)."""
    return render(
        request,
        ctx,
        actor,
        "content_campaigns.html",
        {
            "rows": programs.list_campaigns(ctx, actor),
            "programs": programs.list_programs(ctx, actor, active_only=True),
            "accounts": _target_accounts(ctx, actor),
            "today": ctx.now().astimezone(ctx.tz).date(),
            "error": error,
            "entered": entered or {},
        },
        status=status_code,
    )


def _target_accounts(ctx: Context, actor: ap.Who) -> list[AccountRow]:
    """The accounts a campaign may target, as the person sees them (their city's): the form's
    picker; an empty choice sends the kit to every account."""
    with ctx.engine.connect() as conn:
        return access.visible_accounts(ctx, conn, actor)


@router.post("/kampanye")
async def campaign_create(request: Request, ctx: CtxDep, actor: ContentWriter) -> Response:
    raw = await request.form()
    chosen = [int(v) for v in raw.getlist("account_ids") if isinstance(v, str) and v.isdigit()]
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        code = _create_campaign(ctx, actor, form, chosen)
    except (InvalidInput, Conflict, NotFound) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        entered = {**form, "account_ids": set(chosen)}
        return _campaigns_page(
            request, ctx, actor, error=str(exc), entered=entered, status_code=status
        )
    return back(f"/konten/kampanye/{quote(code)}", "created")


def _create_campaign(ctx: Context, actor: Actor, form: dict[str, str], chosen: list[int]) -> str:
    actor = writing_in(ctx, actor, form.get("kota"), "kota")
    starts, ends = opt_date(form.get("starts_on")), opt_date(form.get("ends_on"))
    if starts is None or ends is None:
        raise InvalidInput("isi tanggal mulai dan selesai")
    kit = CampaignKit(
        code=form.get("code", "").strip(),
        title=form.get("title", ""),
        message=form.get("message", ""),
        starts_on=starts,
        ends_on=ends,
        facts=_facts(form.get("facts", "")),
        media_links=lines_of(form.get("media_links", "")),
        hashtags=tuple(form.get("hashtags", "").split()),
        program_id=opt_int(form.get("program_id")),
    )
    programs.create_campaign(ctx, actor, kit, account_ids=chosen or None)
    return kit.code


@router.get("/kampanye/{code}", response_class=HTMLResponse)
def campaign_detail(request: Request, ctx: CtxDep, actor: ContentActor, code: str) -> HTMLResponse:
    detail = programs.campaign_detail(ctx, actor, code)
    choices: list[MediaListRow] = []
    if actor.role in OPERATORS:
        rows, _ = library.list_media(ctx, actor, limit=100)
        choices = [r for r in rows if r["area_wilayah"] is None and r["area_opd"] is None]
    return render(
        request,
        ctx,
        actor,
        "content_campaign.html",
        {
            "c": detail,
            "variants": kits.VARIANTS,
            "asset_choices": choices,
            "platforms": [(p, limits.label) for p, limits in LIMITS.items()],
        },
    )


@router.post("/kampanye/{code}/aset")
def campaign_asset(
    ctx: CtxDep,
    actor: ContentWriter,
    code: str,
    media_id: Annotated[int, Form()],
    variant: Annotated[str, Form(max_length=20)],
) -> Response:
    kits.add_asset(ctx, actor, code, media_id, variant)
    return back(f"/konten/kampanye/{quote(code)}", "saved")


@router.post("/kampanye/{code}/aset/{media_id}/hapus")
def campaign_asset_remove(ctx: CtxDep, actor: ContentWriter, code: str, media_id: int) -> Response:
    kits.remove_asset(ctx, actor, code, media_id)
    return back(f"/konten/kampanye/{quote(code)}", "saved")


@router.post("/kampanye/{code}/teks")
def campaign_caption(
    ctx: CtxDep,
    actor: ContentWriter,
    code: str,
    platform: Annotated[str, Form(max_length=20)],
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    kits.set_caption(ctx, actor, code, platform, text)
    return back(f"/konten/kampanye/{quote(code)}", "saved")


@router.post("/kampanye/{code}/adaptasi")
def campaign_adapt(
    ctx: CtxDep, actor: ContentWriter, code: str, account_id: Annotated[int, Form()]
) -> Response:
    post_id = programs.adapt_for_account(ctx, actor, code, account_id)
    return back(f"/konten/draf/{post_id}", "created")
