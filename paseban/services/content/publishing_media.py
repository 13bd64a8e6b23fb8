"""Publishing posts with pictures and video (issue 18, phase 2), the content side of it, as a
built-in plugin: the outbox asks (`outbox_media` hook) what a queued post carries, and gets
each item with a signed public link (content/media_links.py) and a reader of its bytes; the
public route serves a linked file; the post page reads how far the outbox has come.

The outbox (services/ingest/outbox.py) and the connectors' stepwise publishers do the sending;
nothing here talks to a platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.base import AccountRef
from paseban.connectors.connector import NotConfigured
from paseban.connectors.media_post import MediaFile, MediaPost
from paseban.content import media_links
from paseban.content.media import MediaKind
from paseban.errors import NotFound
from paseban.hookspecs import hookimpl
from paseban.services.content import post_media
from paseban.services.content.media_store import LocalMediaStore, content_type, open_store
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.content import PostRow

if TYPE_CHECKING:
    from paseban.context import Context

# what the post page says while the outbox works, and after (Bahasa Indonesia)
OUTBOX_WORDS = {
    "pending": "menunggu giliran kirim",
    "sent": "terkirim",
    "failed": "gagal",
    "cancelled": "dibatalkan",
}


def public_base(ctx: Context) -> str:
    """PASEBAN_BASE_URL: the platforms fetch the files from there. Without it (or without a
    secret key to sign with) nothing with media can be published."""
    if not ctx.settings.public_url:
        raise NotConfigured(
            "PASEBAN_BASE_URL belum diisi: platform mengambil foto dan video dari alamat publik "
            "Paseban"
        )
    if not ctx.settings.secret_key:
        raise NotConfigured("PASEBAN_SECRET_KEY belum diisi: tautan media harus ditandatangani")
    return ctx.settings.base_url()


def _reader(store: LocalMediaStore, key: str) -> Callable[[int, int], bytes]:
    def read(offset: int, length: int) -> bytes:
        with store.local_path(key) as path, path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    return read


def _file(
    ctx: Context, store: LocalMediaStore, row: Mapping[str, Any], alt_text: str, now: datetime
) -> MediaFile:
    key = str(row["storage_key"])
    ext = key.rsplit(".", 1)[1]
    url = media_links.media_url(public_base(ctx), ctx.settings.secret_key, row["id"], ext, now=now)
    return MediaFile(
        media_id=int(row["id"]),
        kind=str(row["kind"]),
        mime=content_type(key),
        size=int(row["bytes"]),
        width=int(row["width"]),
        height=int(row["height"]),
        duration_ms=row["duration_ms"],
        alt_text=alt_text or str(row["alt_text"] or ""),
        url=url,
        read=_reader(store, key),
    )


@hookimpl
def outbox_media(ctx: Context, outbox_id: int, account: AccountRef, text: str) -> MediaPost | None:
    """The media of the post this outbox row publishes, with links signed now."""
    with ctx.engine.connect() as conn:
        found = (
            conn.execute(sa.select(t.content_posts).where(t.content_posts.c.outbox_id == outbox_id))
            .mappings()
            .first()
        )
        if found is None:
            return None
        post = typed.row(PostRow, found)
        _, shown = post_media.for_post(conn, post)
        cover = None
        if post["cover_media_id"] is not None:
            cover = (
                conn.execute(
                    sa.select(t.media_items).where(t.media_items.c.id == post["cover_media_id"])
                )
                .mappings()
                .first()
            )
    if not shown:
        return None
    store = open_store(ctx.settings)
    now = ctx.now()
    items = tuple(_file(ctx, store, row, row["post_alt_text"], now) for row in shown)
    cover_file = None
    video = len(items) == 1 and items[0].kind == MediaKind.VIDEO.value
    if cover is not None and video:  # a carousel's "cover" is its first item, already there
        cover_file = _file(ctx, store, dict(cover), "", now)
    return MediaPost(
        platform=account.platform,
        account=account,
        caption=text,
        title=str(post["title"] or ""),
        items=items,
        cover=cover_file,
        cover_offset_ms=post["cover_offset_ms"] if video else None,
        options=dict(post["platform_options"] or {}),
    )


def public_file(ctx: Context, name: str) -> tuple[Path, str]:
    """The file a signed link opens: NotFound for a link we did not sign or an item that is
    gone or archived; media_links.LinkExpired past its time."""
    try:
        media_id = media_links.verify(ctx.settings.secret_key, name, now=ctx.now())
    except media_links.LinkInvalid:
        raise NotFound("berkas tidak ditemukan") from None
    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.media_items.c.storage_key, t.media_items.c.archived).where(
                t.media_items.c.id == media_id
            )
        ).first()
    if row is None or row.archived or not name.endswith("." + row.storage_key.rsplit(".", 1)[1]):
        raise NotFound("berkas tidak ditemukan")
    with open_store(ctx.settings).local_path(row.storage_key) as path:
        return path, content_type(row.storage_key)


def progress(ctx: Context, outbox_id: int | None) -> dict[str, Any] | None:
    """How far the outbox has come with a post: its state in words, the step it waits on, the
    note of the result (TikTok: a draft in the creator's inbox), the permalink."""
    if outbox_id is None:
        return None
    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                t.outbox.c.status,
                t.outbox.c.last_error,
                t.outbox.c.progress,
                t.outbox.c.permalink,
                t.outbox.c.attempts,
                t.outbox.c.next_attempt_at,
            ).where(t.outbox.c.id == outbox_id)
        ).first()
    if row is None:
        return None
    state = row.progress or {}
    return {
        "status": row.status,
        "status_label": OUTBOX_WORDS.get(row.status, row.status),
        "detail": row.last_error or "",
        "note": str(state.get("note") or ""),
        "mode": str(state.get("mode_label") or ""),
        "permalink": row.permalink,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
    }
