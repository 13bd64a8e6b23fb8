"""Content posts: drafts, the quality check, the approval flow with its history, the calendar.

Every function takes `who` (a signed-in user, an API token, or the system) and enforces the
scope: an admin sees and edits only their own accounts' content. One transaction per action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.media import PostMedia
from paseban.content.quality import (
    CONTENT_TYPE_LABELS,
    ContentType,
)
from paseban.domain.accounts import OwnerKind
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.content import post_media
from paseban.services.content.access import (
    account_ref,
    check_city_refs,
    load_account,
    require_diskominfo,
    visible_accounts,
    within,
)
from paseban.services.content.checking import CheckInput, _content_type, check_draft
from paseban.services.content.planning import pillars
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.content import (
    ContentEventRow,
    PostCampaignRow,
    PostDetailRow,
    PostListRow,
    PostProgramRow,
    PostRow,
)
from paseban.storage.rows.people import AccountRow

if TYPE_CHECKING:
    from paseban.context import Context

# --- who is acting -----------------------------------------------------------------------------


# --- programs as domain values, and the name book --------------------------------------------


# --- the quality check -------------------------------------------------------------------------


# --- policies ----------------------------------------------------------------------------------


def policies(conn: sa.Connection) -> list[ap.Policy]:
    rows = conn.execute(sa.select(t.content_policies).order_by(t.content_policies.c.id)).mappings()
    return [
        ap.Policy(
            tuple(ap.Step(s) for s in r["steps"]),
            OwnerKind(r["owner_kind"]) if r["owner_kind"] else None,
            r["account_id"],
            r["content_type"],
            r["id"],
        )
        for r in rows
    ]


def set_policy(
    ctx: Context,
    who: ap.Who,
    *,
    steps: Sequence[str],
    owner_kind: str | None = None,
    account_id: int | None = None,
    content_type: str | None = None,
) -> int:
    """Add or replace the policy for (owner kind, account, content type)."""
    require_diskominfo(who, "mengubah aturan persetujuan")
    try:
        parsed = ap.parse_steps(steps)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    kind = None
    if owner_kind:
        try:
            kind = OwnerKind(owner_kind)
        except ValueError:
            raise InvalidInput(f"jenis pemilik {owner_kind!r} tidak dikenal") from None
    if content_type:
        _content_type(content_type)
    if kind is None and account_id is None:
        raise InvalidInput("pilih jenis pemilik akun atau satu akun")
    with ctx.engine.begin() as conn:
        if account_id is not None:
            load_account(conn, account_id)
        match = (
            (t.content_policies.c.owner_kind == kind.value)
            if kind
            else t.content_policies.c.owner_kind.is_(None),
            (t.content_policies.c.account_id == account_id)
            if account_id is not None
            else t.content_policies.c.account_id.is_(None),
            (t.content_policies.c.content_type == content_type)
            if content_type
            else t.content_policies.c.content_type.is_(None),
        )
        values = {
            "steps": [s.value for s in parsed],
            "updated_at": ctx.now(),
            "updated_by": who.name,
        }
        existing = conn.execute(sa.select(t.content_policies.c.id).where(*match)).scalar()
        if existing:
            conn.execute(
                sa.update(t.content_policies)
                .where(t.content_policies.c.id == existing)
                .values(**values)
            )
            return int(existing)
        return int(
            conn.execute(
                sa.insert(t.content_policies)
                .values(
                    owner_kind=kind.value if kind else None,
                    account_id=account_id,
                    content_type=content_type or None,
                    **values,
                )
                .returning(t.content_policies.c.id)
            ).scalar_one()
        )


# --- posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostInput:
    account_id: int
    body: str
    content_type: str = "informasi"
    title: str = ""
    program_id: int | None = None
    campaign_id: int | None = None
    pillar: str | None = None
    planned_on: date | None = None
    scheduled_at: datetime | None = None
    source_message_id: int | None = None
    media: post_media.MediaChoice | None = None  # None: keep the post's media as they are
    # what the platform asks of the person (TikTok's choices); None: keep them as they are
    platform_options: dict[str, Any] | None = None


def _validate_post(
    conn: sa.Connection, item: PostInput, who: ap.Who, *, now: datetime, city: str
) -> None:  # the programme and campaign only of the account's city
    if not item.body.strip():
        raise InvalidInput("isi konten kosong")
    if len(item.title) > 200:
        raise InvalidInput("judul paling panjang 200 huruf")
    if item.scheduled_at is not None:
        if item.scheduled_at.tzinfo is None:
            raise InvalidInput("waktu terbit harus menyertakan zona waktu")
        if item.scheduled_at <= now:
            raise InvalidInput("waktu terbit harus di masa depan")
    check_city_refs(conn, city, program_id=item.program_id, campaign_id=item.campaign_id)
    if item.source_message_id is not None:
        _check_source(conn, item.source_message_id, who)
    if item.pillar:
        codes = {p.code for p in pillars(conn)}
        if item.pillar not in codes:
            raise InvalidInput(
                f"pilar {item.pillar!r} tidak dikenal (pilihan: {', '.join(sorted(codes))})"
            )


def _check_source(conn: sa.Connection, message_id: int, who: ap.Who) -> None:
    """A draft may quote a citizen's message only from an account its author works, or about
    the author's own area (issue 16: a draft could reference any message in the city). A message
    outside reads the same as one that does not exist."""
    found = conn.execute(
        sa.select(t.messages.c.account_id, t.messages.c.kelurahan).where(
            t.messages.c.id == message_id
        )
    ).first()
    if found is not None and (
        ap.can_author(who, account_ref(load_account(conn, found.account_id)))
        or (found.kelurahan is not None and who.scope.covers_wilayah(found.kelurahan))
    ):
        return
    raise InvalidInput(f"pesan {message_id} tidak ada")


def _event(
    conn: sa.Connection,
    post_id: int,
    action: ap.Action,
    *,
    before: str | None,
    after: str,
    at: datetime,
    actor: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        sa.insert(t.content_events).values(
            post_id=post_id,
            action=action.value,
            from_status=before,
            to_status=after,
            at=at,
            actor=actor,
            note=note,
            data=data,
        )
    )


def _quality_values(
    ctx: Context, conn: sa.Connection, item: PostInput, account: AccountRow, media: PostMedia
) -> dict[str, Any]:
    fields = (item.content_type, item.program_id, item.campaign_id, media, account["city"])
    report = check_draft(
        ctx,
        CheckInput(item.body, account["platform"], *fields),
        live=False,
        conn=conn,
    )
    return {"quality_score": report.score, "quality": report.as_dict()}


def _media(
    conn: sa.Connection, who: ap.Who, item: PostInput, post: PostRow | None
) -> tuple[post_media.MediaChoice | None, PostMedia]:
    """The media to store (None: unchanged) and the media as the checker sees them."""
    if item.media is not None:
        return post_media.resolve(conn, who, item.media)
    if post is None:
        return None, PostMedia()
    return None, post_media.for_post(conn, post)[0]


def _cover_values(
    choice: post_media.MediaChoice | None, item: PostInput | None = None
) -> dict[str, Any]:
    kept = (
        {}
        if item is None or item.platform_options is None
        else {"platform_options": item.platform_options}
    )
    if choice is None:
        return kept
    return kept | {
        "cover_media_id": choice.cover_media_id,
        "cover_offset_ms": choice.cover_offset_ms,
    }


def create_post(ctx: Context, who: ap.Who, item: PostInput, *, sample: bool = False) -> int:
    _content_type(item.content_type)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        account = load_account(conn, item.account_id)
        if not ap.can_author(who, account_ref(account)):
            raise Forbidden("Anda hanya dapat menulis konten untuk akun Anda sendiri")
        if not ctx.connectors.publishes(account["platform"]):
            raise InvalidInput(f"akun {account['platform']} tidak dipakai untuk unggahan")
        _validate_post(conn, item, who, now=now, city=account["city"])
        choice, media = _media(conn, within(who, account["city"]), item, None)
        post_id = int(
            conn.execute(
                sa.insert(t.content_posts)
                .values(
                    account_id=item.account_id,
                    content_type=item.content_type,
                    title=item.title.strip(),
                    body=item.body,
                    pillar=item.pillar or None,
                    program_id=item.program_id,
                    campaign_id=item.campaign_id,
                    source_message_id=item.source_message_id,
                    status=ap.PostStatus.DRAFT.value,
                    planned_on=item.planned_on,
                    scheduled_at=item.scheduled_at,
                    created_by=who.name,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    is_sample=sample,
                    **_cover_values(choice, item),
                    **_quality_values(ctx, conn, item, account, media),
                )
                .returning(t.content_posts.c.id)
            ).scalar_one()
        )
        if choice is not None:
            post_media.store(conn, post_id, choice)
        _event(conn, post_id, ap.Action.CREATE, before=None, after="draft", at=now, actor=who.name)
    return post_id


def _load_post(conn: sa.Connection, post_id: int) -> PostRow:
    found = (
        conn.execute(sa.select(t.content_posts).where(t.content_posts.c.id == post_id))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound(f"konten {post_id} tidak ada")
    return row(PostRow, found)


def _state(post: Mapping[str, Any], account: Mapping[str, Any]) -> ap.PostState:
    return ap.PostState(
        ap.PostStatus(post["status"]),
        account_ref(account),
        post["content_type"],
        post["created_by"],
        post["scheduled_at"],
    )


def update_post(
    ctx: Context, who: ap.Who, post_id: int, item: PostInput, *, version: int | None = None
) -> PostDetailRow:
    """Change a draft's text and plan. Approved or scheduled posts go back for approval."""
    _content_type(item.content_type)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        post = _load_post(conn, post_id)
        if version is not None and version != post["version"]:
            raise Conflict("konten ini sudah diubah orang lain; muat ulang halaman")
        account = load_account(conn, post["account_id"])
        if item.account_id != post["account_id"]:
            raise InvalidInput("akun konten tidak dapat dipindah; buat konsep baru")
        state = _state(post, account)
        policy = ap.policy_for(state.account, item.content_type, policies(conn))
        outcome = _decide(state, ap.Action.EDIT, who, policy, now=now)
        _validate_post(conn, item, who, now=now, city=account["city"])
        choice, media = _media(conn, within(who, account["city"]), item, post)
        before = post_media.stored_choice(conn, post)
        values = {
            "content_type": item.content_type,
            "title": item.title.strip(),
            "body": item.body,
            "pillar": item.pillar or None,
            "program_id": item.program_id,
            "campaign_id": item.campaign_id,
            "planned_on": item.planned_on,
            "scheduled_at": item.scheduled_at,
            "status": outcome.status.value,
            "updated_at": now,
            "version": post["version"] + 1,
            **_cover_values(choice, item),
            **_quality_values(ctx, conn, item, account, media),
        }
        conn.execute(
            sa.update(t.content_posts).where(t.content_posts.c.id == post_id).values(**values)
        )
        if choice is not None:
            post_media.store(conn, post_id, choice)
        changed = [
            k for k in ("body", "title", "scheduled_at", "content_type") if post[k] != values[k]
        ]
        if values.get("platform_options", post["platform_options"]) != post["platform_options"]:
            changed.append("platform_options")
        if choice is not None and choice != before:
            changed.append("media")
        _event(
            conn,
            post_id,
            ap.Action.EDIT,
            before=post["status"],
            after=outcome.status.value,
            at=now,
            actor=who.name,
            note=outcome.note,
            data={"changed": changed, "quality_score": values["quality_score"]},
        )
    return get_post(ctx, who, post_id)


def _decide(
    state: ap.PostState,
    action: ap.Action,
    who: ap.Who,
    policy: ap.Policy,
    *,
    now: datetime,
    blockers: Sequence[str] = (),
    note: str = "",
) -> ap.Outcome:
    try:
        return ap.decide(state, action, who, policy, now=now, blockers=blockers, note=note)
    except ap.NotAllowed as exc:
        if not ap.can_see(who, state.account):
            raise Forbidden("Anda tidak berwenang atas akun ini") from None
        raise Conflict(str(exc)) from None


def act(
    ctx: Context,
    who: ap.Who,
    post_id: int,
    action: str,
    *,
    note: str = "",
    scheduled_at: datetime | None = None,
    external_id: str | None = None,
    permalink: str | None = None,
) -> PostDetailRow:
    """Submit, approve, return, schedule, unschedule, mark published, cancel, or comment."""
    try:
        wanted = ap.Action(action)
    except ValueError:
        raise InvalidInput(f"tindakan {action!r} tidak dikenal") from None
    if wanted in (ap.Action.CREATE, ap.Action.EDIT) or wanted in ap.SYSTEM_STEPS:
        raise InvalidInput(f"tindakan {action!r} tidak dapat diminta langsung")
    if len(note) > 2000:
        raise InvalidInput("catatan paling panjang 2000 huruf")
    if permalink and not permalink.startswith("https://"):
        raise InvalidInput("tautan unggahan harus diawali https://")
    now = ctx.now()
    with ctx.engine.begin() as conn:
        post = _load_post(conn, post_id)
        account = load_account(conn, post["account_id"])
        if wanted is ap.Action.SCHEDULE:
            if scheduled_at is None or scheduled_at.tzinfo is None:
                raise InvalidInput("isi waktu terbit (dengan zona waktu)")
            post["scheduled_at"] = scheduled_at
        state = _state(post, account)
        policy = ap.policy_for(state.account, post["content_type"], policies(conn))
        blockers = [str(b) for b in (post["quality"] or {}).get("blockers") or ()]
        outcome = _decide(state, wanted, who, policy, now=now, blockers=blockers, note=note)
        if wanted in (ap.Action.SUBMIT, ap.Action.APPROVE, ap.Action.SCHEDULE):
            post_media.require_ready(ctx, conn, account, post)
        values: dict[str, Any] = {"status": outcome.status.value, "updated_at": now}
        if outcome.status is ap.PostStatus.SCHEDULED and post["scheduled_at"] is not None:
            post_media.check_daily_limit(conn, account, post_id, post["scheduled_at"])
        if wanted is ap.Action.SCHEDULE:
            values["scheduled_at"] = scheduled_at
        if wanted is ap.Action.PUBLISHED:
            values.update(
                published_at=now,
                external_id=(external_id or None),
                permalink=(permalink or None),
            )
        if wanted is not ap.Action.COMMENT:
            values["version"] = post["version"] + 1
            conn.execute(
                sa.update(t.content_posts)
                .where(
                    t.content_posts.c.id == post_id,
                    t.content_posts.c.version == post["version"],
                )
                .values(**values)
            )
        _event(
            conn,
            post_id,
            wanted,
            before=post["status"],
            after=outcome.status.value,
            at=now,
            actor=who.name,
            note=note or outcome.note,
            data={"scheduled_at": scheduled_at.isoformat()} if scheduled_at else None,
        )
    return get_post(ctx, who, post_id)


def get_post(ctx: Context, who: ap.Who, post_id: int) -> PostDetailRow:
    with ctx.engine.connect() as conn:
        post = _load_post(conn, post_id)
        account = load_account(conn, post["account_id"])
        ref_ = account_ref(account)
        if not ap.can_see(who, ref_):
            raise Forbidden("Anda tidak berwenang atas akun ini")
        events = [
            row(ContentEventRow, r)
            for r in conn.execute(
                sa.select(t.content_events)
                .where(t.content_events.c.post_id == post_id)
                .order_by(t.content_events.c.id)
            ).mappings()
        ]
        policy = ap.policy_for(ref_, post["content_type"], policies(conn))
        media, media_rows = post_media.for_post(conn, post)
        program = campaign = None
        if post["program_id"]:
            program = (
                conn.execute(
                    sa.select(t.programs.c.id, t.programs.c.code, t.programs.c.name).where(
                        t.programs.c.id == post["program_id"]
                    )
                )
                .mappings()
                .first()
            )
        if post["campaign_id"]:
            campaign = (
                conn.execute(
                    sa.select(t.campaigns.c.id, t.campaigns.c.code, t.campaigns.c.title).where(
                        t.campaigns.c.id == post["campaign_id"]
                    )
                )
                .mappings()
                .first()
            )
    status = ap.PostStatus(post["status"])
    state = _state(post, account)
    step = ap.current_step(state)
    return PostDetailRow(
        **post,
        status_label=ap.STATUS_LABELS[status],
        content_type_label=CONTENT_TYPE_LABELS.get(ContentType(post["content_type"]), ""),
        account=account,
        policy=policy.label,
        events=events,
        media=media_rows,
        post_media=media,
        program=row(PostProgramRow, program) if program else None,
        campaign=row(PostCampaignRow, campaign) if campaign else None,
        can_edit=status in ap.EDITABLE | ap.RE_APPROVE and ap.can_author(who, ref_),
        is_author=ap.can_author(who, ref_),  # may schedule, mark published, cancel
        can_review=step is not None and ap.can_review(who, ref_, step),
    )


def list_posts(
    ctx: Context,
    who: ap.Who,
    *,
    status: str | None = None,
    account_id: int | None = None,
    campaign_id: int | None = None,
    waiting_for_me: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PostListRow], int]:
    """Posts on the accounts this person may see, newest first. `waiting_for_me`: the reviews
    this person can act on now."""
    with ctx.engine.connect() as conn:
        accounts = {a["id"]: a for a in visible_accounts(ctx, conn, who)}
        query = sa.select(t.content_posts).where(t.content_posts.c.account_id.in_(list(accounts)))
        if status:
            try:
                ap.PostStatus(status)
            except ValueError:
                raise InvalidInput(f"status {status!r} tidak dikenal") from None
            query = query.where(t.content_posts.c.status == status)
        if account_id is not None:
            query = query.where(t.content_posts.c.account_id == account_id)
        if campaign_id is not None:
            query = query.where(t.content_posts.c.campaign_id == campaign_id)
        if waiting_for_me:
            query = query.where(t.content_posts.c.status.in_([s.value for s in ap.IN_REVIEW]))
        rows = [
            row(PostRow, r)
            for r in conn.execute(
                query.order_by(t.content_posts.c.updated_at.desc(), t.content_posts.c.id.desc())
            ).mappings()
        ]
    if waiting_for_me:
        rows = [
            r
            for r in rows
            if ap.can_review(
                who,
                account_ref(accounts[r["account_id"]]),
                ap.current_step(_state(r, accounts[r["account_id"]])),  # type: ignore[arg-type]
            )
            and r["created_by"] != who.name
        ]
    total = len(rows)
    page = [
        PostListRow(
            **r,
            account=accounts[r["account_id"]],
            status_label=ap.STATUS_LABELS[ap.PostStatus(r["status"])],
        )
        for r in rows[offset : offset + limit]
    ]
    return page, total


# --- pillars and the calendar ------------------------------------------------------------------
