"""The draft editor's media: the ordered items from the form (with the buttons that move,
remove or make an item the cover, so that it works without JavaScript), and the preview of the
post as its platform shows it: each picture in the platform's frame, the caption cut where the
platform cuts it, and the platform's limits with their sources."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from paseban.connectors.media_limits import Fit, media_limits
from paseban.content.media import FORMAT_LABELS, PostMedia, fold, frame_for, ratio_label, shown
from paseban.errors import InvalidInput
from paseban.services.content import post_media
from paseban.web.content.rendering import opt_int

PREVIEW_WIDTH = 300


def _ints(values: list[Any]) -> list[int]:
    out = []
    for v in values:
        n = opt_int(v if isinstance(v, str) else "")
        if n is not None:
            out.append(n)
    return out


def media_choice(form: FormData) -> post_media.MediaChoice | None:
    """The media chosen in the form, after the button pressed (media_op = up:N, down:N,
    remove:N or cover:N); None when the form carries no media part (they stay unchanged)."""
    if form.get("media_form") != "1":
        return None
    ids = _ints(form.getlist("media_id"))
    alts = [a if isinstance(a, str) else "" for a in form.getlist("media_alt")]
    alts += [""] * (len(ids) - len(alts))
    items = [post_media.MediaRef(i, a) for i, a in zip(ids, alts, strict=False)]
    cover = opt_int(str(form.get("cover_media_id", "") or ""))
    seconds = str(form.get("cover_offset_s", "") or "").strip().replace(",", ".")
    offset = None
    if seconds:
        try:
            offset = round(float(seconds) * 1000)
        except ValueError:
            raise InvalidInput(f"detik sampul tidak sah: {seconds!r}") from None
    op, _, raw = str(form.get("media_op", "") or "").partition(":")
    n = int(raw) if raw.isdigit() and int(raw) < len(items) else None
    if n is not None:
        if op == "up" and n > 0:
            items[n - 1], items[n] = items[n], items[n - 1]
        elif op == "down" and n < len(items) - 1:
            items[n + 1], items[n] = items[n], items[n + 1]
        elif op == "remove":
            if items[n].media_id == cover:
                cover = None
            del items[n]
        elif op == "cover":
            cover = items[n].media_id
    if cover is not None and len(items) > 1 and cover not in {i.media_id for i in items}:
        cover = None
    return post_media.MediaChoice(tuple(items), cover, offset)


def preview(platform: str, body: str, media: PostMedia) -> dict[str, Any] | None:
    """What the editor shows under "Pratinjau": None for a platform without media rules."""
    limits = media_limits(platform)
    if limits is None:
        return None
    frame = frame_for(limits, media)
    caption = fold(body, limits)
    pictures = []
    for item in shown(limits, media):
        height = round(PREVIEW_WIDTH / item.ratio)
        pictures.append(
            {
                "src": f"/konten/media/{item.media_id}/pratinjau?rasio={item.ratio:.4f}"
                f"&isi={item.fit.value}",
                "width": PREVIEW_WIDTH,
                "height": height,
                "alt": media.alt(item.index) or "",
                "video": media.items[item.index].is_video,
                "ratio": ratio_label(item.ratio),
                "cropped": item.fit is Fit.COVER and item.crop is not None,
                "letterboxed": item.fit is Fit.CONTAIN,
            }
        )
    return {
        "platform": limits.label,
        "format": FORMAT_LABELS[media.format],
        "note": frame.note if frame else "",
        "pictures": pictures,
        "caption": caption,
        "fold_source": limits.caption_fold_source,
        "publishing_note": limits.publishing_note,
        "needs_media": limits.needs_media and not media.items,
        "limits": limits,
    }
