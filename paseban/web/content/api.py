"""REST API for content under /api/v1/content (OpenAPI at /docs). Same services, same scopes
as the dashboard pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from paseban.content.calendar import week_start
from paseban.content.campaigns import CampaignKit
from paseban.content.programs import Fact, Program
from paseban.services.content import (
    checking,
    network,
    planning,
    post_media,
    programs,
    publishing,
    stories,
)
from paseban.services.content import media as library
from paseban.services.content import posts as service
from paseban.storage.rows.content import PostListRow, ProfilePageRow
from paseban.storage.rows.content_media import MediaListRow
from paseban.web.content import media as media_pages
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.deps import CtxDep, writing_in

router = APIRouter(prefix="/content", tags=["content"])


class CheckIn(BaseModel):
    text: str = Field(max_length=70_000)
    platform: str = Field(default="instagram", max_length=20)
    content_type: str = Field(default="informasi", max_length=20)
    program_id: int | None = None
    campaign_id: int | None = None
    # the post's media in order (None: judge the text only), their alt texts and the cover
    media_ids: list[int] | None = Field(default=None, max_length=35)
    media_alts: list[str] = Field(default_factory=list, max_length=35)
    cover_media_id: int | None = None
    cover_offset_ms: int | None = None


@router.post("/check")
def check(ctx: CtxDep, actor: ContentActor, body: CheckIn) -> dict[str, Any]:
    """Score a draft (0-100) with a reason per point; the draft page calls this while typing.
    With `media_ids` the pictures and video are judged too, for the platform given. It reads
    only, so it needs no CSRF token. The programme and campaign are of the person's city (another
    city's: 404)."""
    if body.program_id is not None:
        programs.get_program(ctx, actor, body.program_id)
    if body.campaign_id is not None:
        programs.get_campaign(ctx, actor, body.campaign_id)
    media = None
    if body.media_ids is not None:
        choice = post_media.MediaChoice(
            post_media.attach_refs(body.media_ids, body.media_alts),
            body.cover_media_id,
            body.cover_offset_ms,
        )
        media = post_media.resolve_for_check(ctx, actor, choice)
    report = checking.check_draft(
        ctx,
        checking.CheckInput(
            body.text,
            body.platform,
            body.content_type,
            body.program_id,
            body.campaign_id,
            media,
            actor.scope.city,
        ),
    )
    return report.as_dict()


class PostIn(BaseModel):
    account_id: int
    body: str = Field(max_length=70_000)
    content_type: str = Field(default="informasi", max_length=20)
    title: str = Field(default="", max_length=200)
    program_id: int | None = None
    campaign_id: int | None = None
    pillar: str | None = Field(default=None, max_length=40)
    planned_on: date | None = None
    scheduled_at: datetime | None = None
    source_message_id: int | None = None
    version: int | None = None  # for updates: the version you edited (409 when stale)
    # what the platform requires the person to choose (TikTok: privacy_level, allow_comment,
    # allow_duet, allow_stitch, disclose, your_brand, branded_content); null keeps them
    platform_options: dict[str, str | bool] | None = Field(default=None, max_length=20)

    def as_input(self) -> service.PostInput:
        return service.PostInput(
            account_id=self.account_id,
            body=self.body,
            content_type=self.content_type,
            title=self.title,
            program_id=self.program_id,
            campaign_id=self.campaign_id,
            pillar=self.pillar or None,
            planned_on=self.planned_on,
            scheduled_at=self.scheduled_at,
            source_message_id=self.source_message_id,
            platform_options=self.platform_options,
        )


def _post_out(post: PostListRow) -> dict[str, Any]:
    account = post.get("account") or {}
    out = {k: v for k, v in post.items() if k not in ("account", "quality")}
    out["account"] = {k: account.get(k) for k in ("id", "platform", "handle", "name")}
    out["quality"] = post.get("quality")
    return out


@router.get("/posts")
def list_posts(
    ctx: CtxDep,
    actor: ContentActor,
    status: Annotated[str | None, Query(max_length=20)] = None,
    account_id: int | None = None,
    campaign_id: int | None = None,
    waiting: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    rows, total = service.list_posts(
        ctx,
        actor,
        status=status,
        account_id=account_id,
        campaign_id=campaign_id,
        waiting_for_me=waiting,
        limit=limit,
        offset=offset,
    )
    return {"total": total, "items": [_post_out(r) for r in rows]}


@router.post("/posts", status_code=201)
def create_post(ctx: CtxDep, actor: ContentWriter, body: PostIn) -> dict[str, Any]:
    post_id = service.create_post(ctx, actor, body.as_input())
    return _post_out(service.get_post(ctx, actor, post_id))


@router.get("/posts/{post_id}")
def get_post(ctx: CtxDep, actor: ContentActor, post_id: int) -> dict[str, Any]:
    return _post_out(service.get_post(ctx, actor, post_id))


@router.put("/posts/{post_id}")
def update_post(ctx: CtxDep, actor: ContentWriter, post_id: int, body: PostIn) -> dict[str, Any]:
    return _post_out(
        service.update_post(ctx, actor, post_id, body.as_input(), version=body.version)
    )


class ActionIn(BaseModel):
    action: str = Field(max_length=20)
    note: str = Field(default="", max_length=2000)
    scheduled_at: datetime | None = None
    external_id: str | None = Field(default=None, max_length=200)
    permalink: str | None = Field(default=None, max_length=500)


@router.post("/posts/{post_id}/actions")
def act(ctx: CtxDep, actor: ContentWriter, post_id: int, body: ActionIn) -> dict[str, Any]:
    """submit, approve, return (note required), schedule (scheduled_at), unschedule,
    published (external_id/permalink when posted by hand), cancel, comment."""
    return _post_out(
        service.act(
            ctx,
            actor,
            post_id,
            body.action,
            note=body.note,
            scheduled_at=body.scheduled_at,
            external_id=body.external_id,
            permalink=body.permalink,
        )
    )


@router.get("/calendar")
def calendar(
    ctx: CtxDep,
    actor: ContentActor,
    start: date | None = None,
    days: Annotated[int, Query(ge=1, le=42)] = 7,
    account_id: int | None = None,
) -> dict[str, Any]:
    first = start or week_start(ctx.now().astimezone(ctx.tz).date())
    result, _ = planning.calendar(ctx, actor, start=first, days=days, account_id=account_id)
    return {
        "start": first,
        "days": [
            {
                "day": d.day,
                "weekday": d.label,
                "pillar": d.pillar.label if d.pillar else None,
                "gap": d.gap,
                "entries": [
                    {
                        "post_id": e.post_id,
                        "account_id": e.account_id,
                        "title": e.title,
                        "status": e.status,
                        "at": e.at,
                        "pillar": e.pillar,
                    }
                    for e in d.entries
                ],
            }
            for d in result
        ],
    }


@router.get("/programs")
def list_programs(ctx: CtxDep, actor: ContentActor) -> list[dict[str, Any]]:
    # plain dicts: the response stays as it was (pydantic on 3.11 refuses typing.TypedDict)
    return [dict(p) for p in programs.list_programs(ctx, actor)]


@router.get("/programs/{code}")
def get_program(ctx: CtxDep, actor: ContentActor, code: str) -> dict[str, Any]:
    return dict(programs.get_program(ctx, actor, code))


class FactIn(BaseModel):
    text: str = Field(max_length=1000)
    source: str = Field(default="", max_length=300)
    as_of: date | None = None


class ProgramIn(BaseModel):
    name: str = Field(max_length=200)
    owner_opd: str = Field(max_length=40)
    summary: str = Field(default="", max_length=5000)
    key_messages: list[str] = Field(default_factory=list, max_length=30)
    facts: list[FactIn] = Field(default_factory=list, max_length=50)
    achievements: list[FactIn] = Field(default_factory=list, max_length=50)
    hashtags: list[str] = Field(default_factory=list, max_length=30)
    official_names: list[str] = Field(default_factory=list, max_length=20)
    active: bool = True


def _fact(f: FactIn) -> Fact:
    return Fact(f.text, f.source, f.as_of)


@router.put("/programs/{code}")
def put_program(ctx: CtxDep, actor: ContentWriter, code: str, body: ProgramIn) -> dict[str, Any]:
    """Add or update a program (Diskominfo, or the owning OPD's officer)."""
    programs.save_program(
        ctx,
        actor,
        Program(
            code=code,
            name=body.name,
            owner_opd=body.owner_opd,
            summary=body.summary,
            key_messages=tuple(body.key_messages),
            facts=tuple(_fact(f) for f in body.facts),
            achievements=tuple(_fact(f) for f in body.achievements),
            hashtags=tuple(body.hashtags),
            official_names=tuple(body.official_names),
            active=body.active,
        ),
    )
    return dict(programs.get_program(ctx, actor, code))


class CampaignIn(BaseModel):
    code: str = Field(max_length=40)
    title: str = Field(max_length=200)
    message: str = Field(max_length=5000)
    starts_on: date
    ends_on: date
    facts: list[FactIn] = Field(default_factory=list, max_length=30)
    media_links: list[str] = Field(default_factory=list, max_length=20)
    hashtags: list[str] = Field(default_factory=list, max_length=30)
    program_id: int | None = None
    account_ids: list[int] | None = None  # None: every publishing account
    # the kota/kabupaten's code: required of the province role with no city chosen (?kota=)
    city: str | None = Field(default=None, max_length=13)


@router.post("/campaigns", status_code=201)
def create_campaign(ctx: CtxDep, actor: ContentWriter, body: CampaignIn) -> dict[str, Any]:
    """Diskominfo pushes a campaign kit to all publishing accounts, or to `account_ids`; the
    province role with no city chosen names the campaign's `city`."""
    actor = writing_in(ctx, actor, body.city, "city")
    programs.create_campaign(
        ctx,
        actor,
        CampaignKit(
            code=body.code,
            title=body.title,
            message=body.message,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            facts=tuple(_fact(f) for f in body.facts),
            media_links=tuple(body.media_links),
            hashtags=tuple(body.hashtags),
            program_id=body.program_id,
        ),
        account_ids=body.account_ids,
    )
    return get_campaign(ctx, actor, body.code)


@router.get("/campaigns")
def list_campaigns(ctx: CtxDep, actor: ContentActor) -> list[dict[str, Any]]:
    return [dict(c) for c in programs.list_campaigns(ctx, actor)]


@router.get("/campaigns/{code}")
def get_campaign(ctx: CtxDep, actor: ContentActor, code: str) -> dict[str, Any]:
    detail = programs.campaign_detail(ctx, actor, code)
    accounts = [
        {**a, "account": {k: a["account"][k] for k in ("id", "platform", "handle", "name")}}
        for a in detail["accounts"]
    ]
    return {**detail, "accounts": accounts}


@router.get("/profiles")
def list_profiles(ctx: CtxDep, actor: ContentActor) -> list[dict[str, Any]]:
    return [dict(p) for p in stories.list_profiles(ctx, actor)]


def _profile_out(found: ProfilePageRow) -> dict[str, Any]:
    p = found["profile"]
    return {
        "kelurahan": p.kelurahan,
        "name": p.name,
        "name_origin": p.name_origin,
        "history": p.history,
        "landmarks": list(p.landmarks),
        "umkm": list(p.umkm),
        "sosok": list(p.sosok),
        "highlights": p.highlights,
        "challenges": p.challenges,
        "sources": list(p.sources),
        "completeness": found["completeness"],
        "prompts": [{"field": x.field, "label": x.label, "text": x.text} for x in found["prompts"]],
        "can_edit": found["can_edit"],
    }


@router.get("/profiles/{code}")
def get_profile(ctx: CtxDep, actor: ContentActor, code: str) -> dict[str, Any]:
    return _profile_out(stories.get_profile(ctx, actor, code))


class ProfileIn(BaseModel):
    name_origin: str = Field(default="", max_length=5000)
    history: str = Field(default="", max_length=5000)
    landmarks: list[str] = Field(default_factory=list, max_length=50)
    umkm: list[str] = Field(default_factory=list, max_length=50)
    sosok: list[str] = Field(default_factory=list, max_length=50)
    highlights: str = Field(default="", max_length=5000)
    challenges: str = Field(default="", max_length=5000)
    sources: list[str] = Field(default_factory=list, max_length=50)


@router.put("/profiles/{code}")
def put_profile(ctx: CtxDep, actor: ContentWriter, code: str, body: ProfileIn) -> dict[str, Any]:
    stories.save_profile(ctx, actor, code, body.model_dump())
    return _profile_out(stories.get_profile(ctx, actor, code))


@router.get("/ideas")
def ideas(
    ctx: CtxDep, actor: ContentActor, days: Annotated[int, Query(ge=1, le=365)] = 30
) -> list[dict[str, Any]]:
    return [dict(i) for i in stories.story_ideas(ctx, actor, days=days)]


@router.get("/quiet")
def quiet(ctx: CtxDep, actor: ContentActor) -> list[dict[str, Any]]:
    return [dict(q) for q in publishing.quiet_alerts(ctx, actor)]


class CheckinIn(BaseModel):
    code: str = Field(min_length=4, max_length=12)


@router.post("/checkin")
def checkin(ctx: CtxDep, actor: ContentWriter, body: CheckinIn) -> dict[str, Any]:
    return network.check_in(ctx, actor, body.code)


# --- the media library (issue 18) ----------------------------------------------------------------

MEDIA_FIELDS = (
    "id",
    "kind",
    "mime",
    "width",
    "height",
    "bytes",
    "duration_ms",
    "fps",
    "video_codec",
    "audio_codec",
    "text_ratio",
    "original_name",
    "alt_text",
    "caption",
    "source",
    "credit",
    "program_id",
    "campaign_id",
    "kelurahan",
    "owner",
    "origin",
    "keep_location",
    "removed_metadata",
    "in_story_bank",
    "shows_people",
    "consent_note",
    "created_at",
)


def _media_out(row: MediaListRow) -> dict[str, Any]:
    out = {k: row.get(k) for k in MEDIA_FIELDS}
    out["file_url"] = f"/konten/media/{row['id']}/berkas"
    out["thumbnail_url"] = f"/konten/media/{row['id']}/kecil"
    return out


@router.get("/media")
def list_media(
    ctx: CtxDep,
    actor: ContentActor,
    q: Annotated[str, Query(max_length=100)] = "",
    kind: Annotated[str | None, Query(max_length=10)] = None,
    kelurahan: Annotated[str | None, Query(max_length=13)] = None,
    campaign_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The media library as this token or user sees it (scoped by role and area)."""
    rows, total = library.list_media(
        ctx,
        actor,
        library.Filters(q=q, kind=kind, kelurahan=kelurahan, campaign_id=campaign_id),
        limit=limit,
        offset=offset,
    )
    return {"total": total, "items": [_media_out(r) for r in rows]}


@router.get("/media/{media_id}")
def get_media(ctx: CtxDep, actor: ContentActor, media_id: int) -> dict[str, Any]:
    return _media_out(library.get_media(ctx, actor, media_id))


@router.post("/media")
async def upload_media(request: Request, ctx: CtxDep, actor: media_pages.Uploader) -> Response:
    """Upload pictures or videos (multipart, field `files`, with the details fields of the
    library's form). Answers `{"uploaded": [...], "errors": [...]}`; 413 when the request is
    over the limit, before its body is read."""
    return await media_pages.upload(request, ctx, actor)
