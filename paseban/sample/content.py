"""The content part of the sample dataset (`paseban init --sample`): programs, a running
campaign, drafts at every stage of the approval flow, published posts with numbers, profiles for
all kelurahan, the admin roster and training sessions. Dates are relative to the day it is
loaded, so the campaign is always running; loading it again adds nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban import sample
from paseban.clock import FixedClock
from paseban.content import approvals as ap
from paseban.content.campaigns import CampaignKit
from paseban.content.programs import Program
from paseban.csvfiles import package_file, package_rows
from paseban.domain.accounts import Role
from paseban.errors import Conflict, InvalidInput
from paseban.progress import Progress, quiet
from paseban.sample import posters
from paseban.services.content import access, checking, network, programs, stories
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.content.post_media import MediaChoice, MediaRef
from paseban.services.people import accounts
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context


def _folder() -> Any:
    return package_file("sample", "content")


def program_from_data(item: Mapping[str, Any]) -> Program:
    try:
        return Program(
            code=str(item["code"]),
            name=str(item["name"]),
            owner_opd=str(item["owner_opd"]),
            summary=str(item.get("summary", "")),
            key_messages=tuple(item.get("key_messages", ())),
            facts=checking._facts(item.get("facts")),
            achievements=checking._facts(item.get("achievements")),
            hashtags=tuple(item.get("hashtags", ())),
            official_names=tuple(item.get("official_names", ())),
            misspellings=tuple(item.get("misspellings", ())),
            active=bool(item.get("active", True)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"program tidak lengkap: {exc}") from None


def save_programs(
    ctx: Context,
    who: ap.Who,
    items: Sequence[Mapping[str, Any]],
    *,
    source: str = "",
    sample: bool = False,
    progress: Progress = quiet,
) -> int:
    """Programs from JSON data (the sample, `paseban content program-import`): all or none."""
    parsed = []
    for i, item in enumerate(items, start=1):
        try:
            parsed.append(program_from_data(item))
        except InvalidInput as exc:
            raise InvalidInput(f"{source} program ke-{i}: {exc}") from None
    return programs.save_programs(ctx, who, parsed, source=source, sample=sample, progress=progress)


def _local(ctx: Context, days: int, hour: int) -> datetime:
    today = ctx.now().astimezone(ctx.tz).date() + timedelta(days=days)
    return datetime.combine(today, time(hour), tzinfo=ctx.tz)


def _at(ctx: Context, moment: datetime) -> Context:
    """The same context with the clock set to `moment` (for back-dated sample history)."""
    return dataclasses.replace(ctx, clock=FixedClock(moment))


def load(ctx: Context) -> dict[str, int]:
    folder = _folder()
    data = json.loads(folder.joinpath("content.json").read_text(encoding="utf-8"))
    counts = {"programs": 0, "campaigns": 0, "posts": 0, "profiles": 0, "sessions": 0}
    for user in data["users"]:
        with contextlib.suppress(Conflict):  # already there
            accounts.add_user(
                ctx,
                user["username"],
                role=user["role"],
                scope=user["scope"],
                full_name=user["full_name"],
                sample=True,
                kota=sample.CITY,
            )
    operator = access.person(ctx, "operator")
    items = json.loads(folder.joinpath("programs.json").read_text(encoding="utf-8"))
    counts["programs"] = save_programs(ctx, operator, items, source="programs.json", sample=True)
    with ctx.engine.connect() as conn:
        handles = {
            r.handle: r.id
            for r in conn.execute(
                sa.select(t.accounts.c.handle, t.accounts.c.id).where(
                    t.accounts.c.platform == "instagram", t.accounts.c.city == sample.CITY
                )
            )
        }
        program_ids = dict(conn.execute(sa.select(t.programs.c.code, t.programs.c.id)).all())
        has_posts = conn.execute(
            sa.select(t.content_posts.c.id).where(t.content_posts.c.is_sample.is_(True)).limit(1)
        ).first()
        has_sessions = conn.execute(
            sa.select(t.training_sessions.c.id)
            .where(t.training_sessions.c.is_sample.is_(True))
            .limit(1)
        ).first()
        campaign_id = conn.execute(
            sa.select(t.campaigns.c.id).where(t.campaigns.c.code == data["campaign"]["code"])
        ).scalar()
        kelurahan_ig = [
            r.id
            for r in conn.execute(
                sa.select(t.accounts.c.id).where(
                    t.accounts.c.platform == "instagram",
                    t.accounts.c.owner_kind == "kelurahan",
                    t.accounts.c.city == sample.CITY,
                )
            )
        ]
    if campaign_id is None:
        c = data["campaign"]
        kit = CampaignKit(
            code=c["code"],
            title=c["title"],
            message=c["message"],
            starts_on=_local(ctx, c["starts_days"], 0).date(),
            ends_on=_local(ctx, c["ends_days"], 0).date(),
            facts=checking._facts(c["facts"]),
            media_links=tuple(c["media_links"]),
            hashtags=tuple(c["hashtags"]),
            program_id=program_ids.get(c["program"]),
            is_sample=True,
        )
        starter = _at(ctx, _local(ctx, c["starts_days"], 7))
        campaign_id = programs.create_campaign(
            starter, operator, kit, account_ids=kelurahan_ig, sample=True
        )
        counts["campaigns"] = 1
    if not has_posts:
        for spec in data["posts"]:
            _sample_post(ctx, spec, handles, program_ids, campaign_id)
            counts["posts"] += 1
        for item in data["roster"]:
            network.add_admin(
                ctx,
                operator,
                handles[item["account"]],
                name=item["name"],
                username=item["username"],
                position=item["position"],
                sample=True,
            )
    counts["profiles"] = _profiles(ctx, operator)
    if not has_sessions:
        for spec in data["sessions"]:
            held = (
                _local(ctx, spec["days"], spec["hour"])
                if spec.get("hour") is not None
                else ctx.now()
            )
            made = network.create_session(
                _at(ctx, min(held, ctx.now()) - timedelta(days=7)),
                operator,
                kind=spec["kind"],
                title=spec["title"],
                held_at=held,
                place=spec["place"],
                kecamatan=spec["kecamatan"],
                sample=True,
            )
            for username in spec["attendees"]:
                network.check_in(
                    _at(ctx, held + timedelta(minutes=10)),
                    access.person(ctx, username),
                    made["checkin_code"],
                )
            counts["sessions"] += 1
    return counts


def _reviewer(ctx: Context, status: ap.PostStatus, account: ap.AccountRef, author: str) -> ap.Who:
    if status is ap.PostStatus.REVIEW_KECAMATAN:
        with ctx.engine.connect() as conn:
            names = conn.execute(
                sa.select(t.users.c.username).where(
                    t.users.c.role == Role.KECAMATAN_ADMIN.value,
                    t.users.c.scope_code == (account.wilayah or "").rsplit(".", 1)[0],
                )
            ).scalars()
            found = next(iter(names), None)
        if found:
            return access.person(ctx, found)
    return access.person(ctx, "editor.diskominfo" if author == "operator" else "operator")


def _sample_post(
    ctx: Context,
    spec: Mapping[str, Any],
    handles: Mapping[str, int],
    program_ids: Mapping[str, int],
    campaign_id: int,
) -> int:
    stage = ap.PostStatus(spec["stage"])
    author = access.person(ctx, spec["author"])
    moment = _local(ctx, spec["days"], spec.get("hour", 9)) if "days" in spec else None
    planned = _local(ctx, spec["planned_days"], 9).date() if "planned_days" in spec else None
    past = moment is not None and moment < ctx.now()
    # history happens a day before a past publication, or now
    when = _at(ctx, moment - timedelta(days=1)) if past and moment else ctx
    item = content.PostInput(
        account_id=handles[spec["account"]],
        body=spec["body"],
        content_type=spec["type"],
        title=spec.get("title", ""),
        program_id=program_ids.get(spec.get("program", "")),
        campaign_id=campaign_id if spec.get("campaign") else None,
        pillar=spec.get("pillar"),
        planned_on=planned if moment is None else None,
        scheduled_at=moment if (moment and not past) else None,
    )
    if stage is not ap.PostStatus.DRAFT:  # every post past a draft carries its picture
        poster = _poster(when, author, spec, item.account_id)
        item = dataclasses.replace(item, media=poster)
    post_id = content.create_post(when, author, item, sample=True)
    if stage is ap.PostStatus.DRAFT:
        return post_id
    if stage is ap.PostStatus.CANCELLED:
        content.act(when, author, post_id, "cancel", note="tidak jadi diunggah")
        return post_id
    post = content.act(when, author, post_id, "submit")
    account = access.account_ref(post["account"])
    while ap.PostStatus(post["status"]) in ap.IN_REVIEW:
        reviewer = _reviewer(ctx, ap.PostStatus(post["status"]), account, spec["author"])
        if stage is ap.PostStatus(post["status"]):
            return post_id
        if stage is ap.PostStatus.RETURNED:
            content.act(when, reviewer, post_id, "return", note=spec.get("note", "perbaiki"))
            return post_id
        post = content.act(when, reviewer, post_id, "approve")
    if stage is ap.PostStatus.PUBLISHED and moment is not None:
        content.act(
            _at(ctx, moment), author, post_id, "published", external_id=spec.get("external_id")
        )
        if spec.get("metrics"):
            programs.record_metrics(
                ctx,
                platform="instagram",
                external_id=spec["external_id"],
                metrics=dict(spec["metrics"]),
            )
    return post_id


def _poster(ctx: Context, author: ap.Who, spec: Mapping[str, Any], account_id: int) -> MediaChoice:
    """The post's poster, uploaded to the library by its author (cleaned like any upload)."""
    title = str(spec.get("title") or spec["type"]).split("(")[0].strip()
    with ctx.engine.connect() as conn:
        area = str(access.load_account(conn, account_id)["name"])
    seed = len(spec["body"])
    data = posters.poster(title, area, seed)
    alt = f"Poster bertuliskan “{title}” dengan latar polos dan tagar #KotaBogor."
    media_id = library.add_media(
        ctx,
        author,
        library.Upload(f"poster-{seed}.jpg", io.BytesIO(data), len(data)),
        library.Details(alt_text=alt, source="Poster contoh Paseban", credit=area),
        sample=True,
    )
    return MediaChoice((MediaRef(media_id, alt),))


def _profiles(ctx: Context, who: ap.Who) -> int:
    """A profile row for every kelurahan: what we know for sure (with its source), and empty
    fields that the dashboard turns into prompts. Nothing is invented."""
    known = {r["kelurahan"]: r for r in package_rows("sample", "content", "profiles.csv")}
    with ctx.engine.connect() as conn:
        existing = set(conn.execute(sa.select(t.kelurahan_profiles.c.kelurahan)).scalars())
        kelurahan = sample.city_wilayah().where(t.wilayah.c.level == 4)
        codes = conn.execute(kelurahan.with_only_columns(t.wilayah.c.code)).scalars()
        missing = [c for c in codes if c not in existing]
    for code in missing:
        row = known.get(code, {})
        values = {
            "name_origin": row.get("name_origin", ""),
            "history": row.get("history", ""),
            "landmarks": [x for x in (row.get("landmarks") or "").split("|") if x],
            "sources": [x for x in (row.get("sources") or "").split("|") if x],
        }
        stories.save_profile(ctx, who, code, values, sample=True)
    return len(missing)


def today(ctx: Context) -> date:
    return ctx.now().astimezone(ctx.tz).date()
