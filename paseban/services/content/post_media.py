"""A post's media: the ordered library items with this post's alt text, and its cover, stored
with the post (content_post_media) and read back as the checks see them (content/media.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.media_limits import media_limits
from paseban.content import approvals as ap
from paseban.content.media import MediaKind, PostMedia
from paseban.content.media_quality import missing_media, over_daily_limit
from paseban.errors import Conflict, InvalidInput
from paseban.services.content import media as library
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.content import PostRow
from paseban.storage.rows.content_media import MediaItemRow, PostMediaRow

MAX_ITEMS = 35  # the most any platform takes (TikTok photos); each platform's own is checked
if TYPE_CHECKING:
    from paseban.context import Context

pm = t.content_post_media.c


@dataclass(frozen=True)
class MediaRef:
    media_id: int
    alt_text: str = ""


@dataclass(frozen=True)
class MediaChoice:
    """What the author chose: the items in order, the cover, or a moment of the video."""

    items: tuple[MediaRef, ...] = ()
    cover_media_id: int | None = None
    cover_offset_ms: int | None = None


def resolve(conn: sa.Connection, who: ap.Who, choice: MediaChoice) -> tuple[MediaChoice, PostMedia]:
    """Check the choice (every item visible to the author, none twice, the cover fitting the
    format) and put a carousel's cover first. Returns the choice as it will be stored and the
    media as the checker sees them."""
    ids = [r.media_id for r in choice.items]
    if len(ids) > MAX_ITEMS:
        raise InvalidInput(f"paling banyak {MAX_ITEMS} foto/video dalam satu unggahan")
    if len(set(ids)) != len(ids):
        raise InvalidInput("foto/video yang sama terpilih dua kali")
    for ref in choice.items:
        if len(ref.alt_text) > library.ALT_TEXT_MAX:
            raise InvalidInput(f"teks alternatif paling panjang {library.ALT_TEXT_MAX} huruf")
    rows = {i: library.load(conn, who, i) for i in ids}
    for i, row in rows.items():
        if row["archived"]:
            raise InvalidInput(f"media {i} sudah diarsipkan")
    items = list(choice.items)
    cover_row = None
    offset = choice.cover_offset_ms
    if choice.cover_media_id is not None:
        cover_row = rows.get(choice.cover_media_id) or library.load(
            conn, who, choice.cover_media_id
        )
        if cover_row["kind"] != MediaKind.IMAGE.value:
            raise InvalidInput("sampul harus foto")
        if len(items) > 1:
            if choice.cover_media_id not in rows:
                raise InvalidInput("sampul carousel harus salah satu isinya")
            items.sort(key=lambda r: r.media_id != choice.cover_media_id)  # stable: cover first
    if offset is not None:
        video = len(items) == 1 and rows[items[0].media_id]["kind"] == MediaKind.VIDEO.value
        duration = rows[items[0].media_id]["duration_ms"] if video else None
        if duration is None or not 0 <= offset <= duration:
            raise InvalidInput("detik sampul harus di dalam durasi video")
    stored = MediaChoice(tuple(items), choice.cover_media_id, offset)
    return stored, PostMedia(
        items=tuple(library.facts(rows[r.media_id]) for r in items),
        alt_texts=tuple(r.alt_text.strip() for r in items),
        cover=library.facts(cover_row) if cover_row is not None else None,
        cover_offset_ms=offset,
    )


def resolve_for_check(ctx: Context, who: ap.Who, choice: MediaChoice) -> PostMedia:
    """The media of a draft being typed, as the checker sees them (nothing is stored)."""
    with ctx.engine.connect() as conn:
        return resolve(conn, who, choice)[1]


def store(conn: sa.Connection, post_id: int, choice: MediaChoice) -> None:
    conn.execute(sa.delete(t.content_post_media).where(pm.post_id == post_id))
    if choice.items:
        conn.execute(
            sa.insert(t.content_post_media),
            [
                {
                    "post_id": post_id,
                    "position": n,
                    "media_id": ref.media_id,
                    "alt_text": ref.alt_text.strip(),
                }
                for n, ref in enumerate(choice.items)
            ],
        )


def stored_choice(conn: sa.Connection, post: PostRow) -> MediaChoice:
    rows = conn.execute(
        sa.select(pm.media_id, pm.alt_text).where(pm.post_id == post["id"]).order_by(pm.position)
    ).all()
    return MediaChoice(
        tuple(MediaRef(r.media_id, r.alt_text) for r in rows),
        post.get("cover_media_id"),
        post.get("cover_offset_ms"),
    )


def for_post(conn: sa.Connection, post: PostRow) -> tuple[PostMedia, list[PostMediaRow]]:
    """The post's media as the checker sees them and as the page shows them (every item, with
    the post's alt text), read without a scope check: whoever sees the post sees its media."""
    choice = stored_choice(conn, post)
    wanted = [r.media_id for r in choice.items]
    if choice.cover_media_id is not None:
        wanted.append(choice.cover_media_id)
    rows = {
        r["id"]: typed.row(MediaItemRow, r)
        for r in conn.execute(
            sa.select(t.media_items).where(t.media_items.c.id.in_(wanted))
        ).mappings()
    }
    shown = [
        PostMediaRow(**rows[ref.media_id], post_alt_text=ref.alt_text, position=n)
        for n, ref in enumerate(choice.items)
        if ref.media_id in rows
    ]
    cover = rows.get(choice.cover_media_id) if choice.cover_media_id is not None else None
    media = PostMedia(
        items=tuple(library.facts(r) for r in shown),
        alt_texts=tuple(r["post_alt_text"] for r in shown),
        cover=library.facts(cover) if cover else None,
        cover_offset_ms=choice.cover_offset_ms,
    )
    return media, shown


def published_media(conn: sa.Connection, campaign_id: int) -> dict[int, set[int]]:
    """Per account, the media of its published posts for this campaign (and what they were
    derived from), to tell whether the kit's asset went out."""
    c = t.content_posts.c
    rows = conn.execute(
        sa.select(c.account_id, pm.media_id, t.media_items.c.derived_from)
        .join(t.content_post_media, pm.post_id == c.id)
        .join(t.media_items, t.media_items.c.id == pm.media_id)
        .where(c.campaign_id == campaign_id, c.status == ap.PostStatus.PUBLISHED.value)
    ).all()
    out: dict[int, set[int]] = {}
    for r in rows:
        out.setdefault(r.account_id, set()).update(
            i for i in (r.media_id, r.derived_from) if i is not None
        )
    return out


def attach_refs(media_ids: Sequence[int], alt_texts: Sequence[str]) -> tuple[MediaRef, ...]:
    return tuple(
        MediaRef(i, alt_texts[n] if n < len(alt_texts) else "") for n, i in enumerate(media_ids)
    )


DAY = timedelta(days=1)
COUNTED = (
    ap.PostStatus.SCHEDULED.value,
    ap.PostStatus.PUBLISHING.value,
    ap.PostStatus.IN_INBOX.value,  # TikTok counts pending inbox drafts too
    ap.PostStatus.PUBLISHED.value,
)


def check_daily_limit(
    conn: sa.Connection, account: Mapping[str, Any], post_id: int, at: datetime
) -> None:
    """Refuse to schedule past the platform's posts-per-24-hours limit, for the account (and
    for the whole installation where the limit is the app's, as YouTube's upload quota)."""
    limits = media_limits(str(account["platform"]))
    if limits is None:
        return
    c = t.content_posts.c
    when = sa.func.coalesce(c.published_at, c.scheduled_at)
    near = sa.and_(c.id != post_id, c.status.in_(COUNTED), when > at - DAY, when < at + DAY)
    checks = (
        (limits.daily_posts_per_account, c.account_id == account["id"], "akun ini"),
        (
            limits.daily_posts_per_app,
            c.account_id.in_(
                sa.select(t.accounts.c.id).where(t.accounts.c.platform == account["platform"])
            ),
            f"semua akun {limits.label} Paseban",
        ),
    )
    for limit, whose, label in checks:
        if limit is None:
            continue
        times = conn.execute(sa.select(when).where(near, whose)).scalars().all()
        found = over_daily_limit([x for x in times if x is not None], at, limit, window=DAY)
        if found is not None:
            raise Conflict(
                f"{limits.label} membatasi {limit} unggahan per 24 jam; {label} sudah punya "
                f"{found} di sekitar waktu itu. Pilih waktu lain. ({limits.daily_note})"
            )


def require_ready(
    ctx: Context, conn: sa.Connection, account: Mapping[str, Any], post: PostRow
) -> None:
    """Refuse to submit, approve or schedule a post its platform would refuse, read from what
    is stored: without pictures or video where the platform needs them (Instagram, TikTok,
    YouTube), or without the choices the platform requires of the person (TikTok's privacy,
    interactions and disclosure). The outbox would otherwise fail it only at its time."""
    platform = str(account["platform"])
    media = for_post(conn, post)[0]
    limits = media_limits(platform)
    if limits is not None and limits.needs_media and not media.items:
        raise InvalidInput(missing_media(limits))
    settings = ctx.connectors.post_settings(platform)
    if settings is None:
        return
    video = media.items[0] if len(media.items) == 1 and media.items[0].is_video else None
    wrong = settings.problems(
        post.get("platform_options"),
        None,
        is_video=video is not None,
        longest_ms=video.duration_ms if video else None,
    )
    if wrong:
        raise InvalidInput(" ".join(wrong))
