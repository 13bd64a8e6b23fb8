"""A campaign kit's assets and caption variants (issue 18): Diskominfo attaches the poster in
each size (feed, story, reel cover) and the video from the media library, and writes the caption
for each platform. Each account's draft starts from the kit with the assets its platform takes
already in place, and the campaign page shows, per account, whether the kit's asset went out
(from the media of its published post)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.connectors.media_limits import LIMITS, media_limits
from paseban.content import approvals as ap
from paseban.content.media import MediaKind, kit_choice
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.services.content import access, post_media
from paseban.services.content import media as library
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.content_media import KitAssetRow

if TYPE_CHECKING:
    from paseban.context import Context

VARIANTS: dict[str, tuple[str, MediaKind]] = {
    "feed": ("Poster feed", MediaKind.IMAGE),
    "story": ("Poster story", MediaKind.IMAGE),
    "reel_cover": ("Sampul reel", MediaKind.IMAGE),
    "video": ("Video", MediaKind.VIDEO),
}
CAPTION_MAX = 5000
a = t.campaign_assets.c


def campaign_id(conn: sa.Connection, who: ap.Who, ref: str | int) -> int:
    """A campaign of the person's city by id or code (another city's is not found)."""
    column = t.campaigns.c.id if str(ref).isdigit() else t.campaigns.c.code
    found = conn.execute(
        sa.select(t.campaigns.c.id).where(column == ref, access.of_city(t.campaigns.c.city, who))
    ).scalar()
    if found is None:
        raise NotFound(f"kampanye {ref!r} tidak ada")
    return int(found)


def add_asset(ctx: Context, who: ap.Who, ref: str | int, media_id: int, variant: str) -> None:
    access.require_diskominfo(who, "mengubah aset kit kampanye")
    if variant not in VARIANTS:
        raise InvalidInput(f"jenis aset {variant!r} tidak dikenal (pilihan: {', '.join(VARIANTS)})")
    with ctx.engine.begin() as conn:
        cid = campaign_id(conn, who, ref)
        item = library.load(conn, who, media_id)
        city = conn.execute(sa.select(t.campaigns.c.city).where(t.campaigns.c.id == cid)).scalar()
        if item["city"] != city:
            raise InvalidInput("aset kit harus media kota/kabupaten kampanye itu")
        if item["kind"] != VARIANTS[variant][1].value:
            raise InvalidInput(
                f"{VARIANTS[variant][0]} harus {'video' if variant == 'video' else 'foto'}"
            )
        if item["area_wilayah"] is not None or item["area_opd"] is not None:
            raise InvalidInput(
                "aset kit harus milik kota (unggahan Diskominfo) agar semua akun sasaran "
                "dapat memakainya"
            )
        if conn.execute(
            sa.select(a.id).where(a.campaign_id == cid, a.media_id == media_id)
        ).first():
            raise Conflict("media itu sudah ada di kit ini")
        position = conn.execute(
            sa.select(sa.func.count()).where(a.campaign_id == cid, a.variant == variant)
        ).scalar_one()
        conn.execute(
            sa.insert(t.campaign_assets).values(
                campaign_id=cid, media_id=media_id, variant=variant, position=int(position)
            )
        )
        if item["campaign_id"] is None:  # tag the item, so the library finds it by campaign
            conn.execute(
                sa.update(t.media_items)
                .where(t.media_items.c.id == media_id)
                .values(campaign_id=cid)
            )


def remove_asset(ctx: Context, who: ap.Who, ref: str | int, media_id: int) -> None:
    access.require_diskominfo(who, "mengubah aset kit kampanye")
    with ctx.engine.begin() as conn:
        cid = campaign_id(conn, who, ref)
        conn.execute(
            sa.delete(t.campaign_assets).where(a.campaign_id == cid, a.media_id == media_id)
        )


def set_caption(ctx: Context, who: ap.Who, ref: str | int, platform: str, text: str) -> None:
    """The kit's caption for one platform (empty: drafts adapt the kit's message instead)."""
    access.require_diskominfo(who, "mengubah teks kit kampanye")
    if platform not in LIMITS:
        raise InvalidInput(f"platform {platform!r} tidak dipakai untuk kit bergambar")
    if len(text) > CAPTION_MAX:
        raise InvalidInput(f"teks paling panjang {CAPTION_MAX} huruf")
    c = t.campaign_captions.c
    with ctx.engine.begin() as conn:
        cid = campaign_id(conn, who, ref)
        conn.execute(
            sa.delete(t.campaign_captions).where(c.campaign_id == cid, c.platform == platform)
        )
        if text.strip():
            conn.execute(
                sa.insert(t.campaign_captions).values(
                    campaign_id=cid, platform=platform, text=text.strip()
                )
            )


def assets(conn: sa.Connection, cid: int) -> list[KitAssetRow]:
    m = t.media_items.c
    rows = conn.execute(
        sa.select(
            a.variant,
            a.position,
            m.id,
            m.kind,
            m.original_name,
            m.width,
            m.height,
            m.alt_text,
            m.duration_ms,
        )
        .join(t.media_items, m.id == a.media_id)
        .where(a.campaign_id == cid)
        .order_by(a.variant, a.position)
    ).mappings()
    order = list(VARIANTS)
    out = [row(KitAssetRow, {**r, "variant_label": VARIANTS[r["variant"]][0]}) for r in rows]
    return sorted(out, key=lambda r: (order.index(r["variant"]), r["position"]))


def captions(conn: sa.Connection, cid: int) -> dict[str, str]:
    c = t.campaign_captions.c
    rows = conn.execute(sa.select(c.platform, c.text).where(c.campaign_id == cid))
    return {str(r.platform): str(r.text) for r in rows}


def draft_start(
    conn: sa.Connection, cid: int, platform: str
) -> tuple[str | None, post_media.MediaChoice | None]:
    """The kit's caption for the platform (None: adapt the message) and the assets a draft for
    it starts with (a feed poster, or the video with its reel cover)."""
    limits = media_limits(platform)
    text = captions(conn, cid).get(platform)
    kit = assets(conn, cid)
    if limits is None or not kit:
        return text, None
    chosen = kit_choice(limits, [(r["variant"], MediaKind(r["kind"])) for r in kit])
    if not chosen:
        return text, None
    items = [kit[chosen[0]]]
    cover = kit[chosen[1]]["id"] if len(chosen) > 1 else None
    refs = tuple(post_media.MediaRef(int(r["id"])) for r in items)
    return text, post_media.MediaChoice(refs, cover, None)


def published_assets(conn: sa.Connection, cid: int) -> dict[int, list[str]]:
    """Per account, the kit's assets that went out in its published posts."""
    kit = {int(r["id"]): str(r["variant_label"]) for r in assets(conn, cid)}
    return {
        account: [kit[i] for i in sorted(kit) if i in used]
        for account, used in post_media.published_media(conn, cid).items()
    }
