"""Serving the library's files to the people who may see them, the previews a platform would
show (cropped or letterboxed, cached in the store), and attaching items to a draft."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paseban.content import approvals as ap
from paseban.content.media import MediaKind
from paseban.errors import InvalidInput
from paseban.services.content import imaging, post_media
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.content.media_store import content_type, open_store
from paseban.services.reference import store as ref
from paseban.storage.rows.content import PostDetailRow, PostRow

if TYPE_CHECKING:
    from paseban.context import Context


def file_for(ctx: Context, who: ap.Who, media_id: int, which: str) -> tuple[Path, str]:
    """The stored file (or its thumbnail) of an item this person may see."""
    with ctx.engine.connect() as conn:
        row = library.load(conn, who, media_id)
    key = row["storage_key"] if which == "file" else row["thumb_key"]
    with open_store(ctx.settings).local_path(key) as path:
        return path, content_type(key)


def preview(ctx: Context, who: ap.Who, media_id: int, *, ratio: float, fit: str) -> bytes:
    """The item framed as a platform shows it, 540 px wide (a video: its poster frame)."""
    with ctx.engine.connect() as conn:
        row = library.load(conn, who, media_id)
    store = open_store(ctx.settings)
    source = row["storage_key"] if row["kind"] == MediaKind.IMAGE.value else row["thumb_key"]
    variant = f"r{round(ratio * 1000)}{fit[:2]}"
    digest = hashlib.sha256(f"{row['sha256']}-{variant}".encode()).hexdigest()
    created = row["created_at"]
    key = f"cache/{created:%Y}/{created:%m}/{digest}-{variant}.jpg"
    if store.exists(key):
        return store.read(key)
    data = imaging.framed(store.read(source), ratio=ratio, fit=fit)
    store.put_bytes(key, data)
    return data


def kelurahan_choices(ctx: Context, who: ap.Who) -> list[tuple[str, str]]:
    """The kelurahan an item can be tagged with: those of the person's area (all for the city
    and for an OPD)."""
    with ctx.engine.connect() as conn:
        places = [w for w in ref.wilayah_all(conn) if w.level == 4]
    return sorted(
        ((w.code, w.name) for w in places if who.scope.opd or who.scope.covers_wilayah(w.code)),
        key=lambda p: p[1],
    )


def attach(ctx: Context, who: ap.Who, post_id: int, media_ids: Sequence[int]) -> PostDetailRow:
    """Add library items at the end of a draft's media (an edit of the post, so an approved
    post goes back for approval as with any edit)."""
    post = content.get_post(ctx, who, post_id)
    with ctx.engine.connect() as conn:
        current = post_media.stored_choice(conn, post)
    have = {r.media_id for r in current.items}
    added = [post_media.MediaRef(i) for i in media_ids if i not in have]
    if not added:
        raise InvalidInput("media itu sudah ada di konsep ini")
    choice = post_media.MediaChoice(
        (*current.items, *added), current.cover_media_id, current.cover_offset_ms
    )
    return content.update_post(
        ctx, who, post_id, as_input(post, media=choice), version=post["version"]
    )


def as_input(post: PostRow, **changes: Any) -> content.PostInput:
    """The post as it stands, as the input of an edit (with `changes`)."""
    values: dict[str, Any] = {
        "account_id": post["account_id"],
        "body": post["body"],
        "content_type": post["content_type"],
        "title": post["title"],
        "program_id": post["program_id"],
        "campaign_id": post["campaign_id"],
        "pillar": post["pillar"],
        "planned_on": post["planned_on"],
        "scheduled_at": post["scheduled_at"],
        "source_message_id": post["source_message_id"],
    }
    values.update(changes)
    return content.PostInput(**values)
