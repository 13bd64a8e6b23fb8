"""What a platform requires the person to see and choose before every post (TikTok's required
UX, connectors/tiktok_settings.py), for the editor: the account as the platform describes it now
(read through the connector with the account's token when the editor is shown), the choices
kept with the post, and what still stops it. Nothing here names a platform: the connector
registry says which platforms ask (`post_settings`)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from paseban import __version__
from paseban.services.people import credentials as creds
from paseban.storage.rows.content import PostDetailRow

if TYPE_CHECKING:
    from paseban.context import Context


def http_client() -> httpx.Client:
    """A short timeout: the editor waits for this answer."""
    return httpx.Client(timeout=5.0, headers={"User-Agent": f"paseban/{__version__}"})


# how the editor reaches the platform; the tests point it at a local fake
client_factory: Callable[[], httpx.Client] = http_client


def read_creator(ctx: Context, platform: str, account_id: int) -> tuple[Any, str]:
    """(the account as the platform describes it, or None; why it could not be read)."""
    settings = ctx.connectors.post_settings(platform)
    if settings is None:
        return None, ""
    with ctx.engine.connect() as conn:
        credentials = creds.for_sending(conn, ctx, platform, account_id)
    if credentials is None:
        return None, "akun ini belum terhubung (belum ada token); hubungkan di halaman Akun"
    try:
        with client_factory() as client:
            return settings.creator(client, credentials), ""
    except (httpx.HTTPError, ValueError) as exc:
        return None, f"info akun tidak dapat dibaca dari platform ({str(exc)[:120]})"


AVATAR_MAX = 256 * 1024


def _avatar(url: str) -> str:
    """The creator's avatar as a data: URL (the pages' CSP allows no other hosts' images), or ""
    when it cannot be read, is not a picture or is too large."""
    if not url.startswith("https://"):
        return ""
    try:
        with client_factory() as client:
            response = client.get(url)
    except httpx.HTTPError:
        return ""
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code != 200 or kind not in IMAGE_TYPES or len(response.content) > AVATAR_MAX:
        return ""
    return f"data:{kind};base64,{base64.b64encode(response.content).decode()}"


IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def for_editor(ctx: Context, post: PostDetailRow) -> dict[str, Any] | None:
    """The editor's fieldset for the post's platform, or None where the platform asks nothing."""
    media = post["post_media"]
    video = media.items[0] if len(media.items) == 1 and media.items[0].is_video else None
    return fieldset(
        ctx,
        post["account"],
        post.get("platform_options"),
        is_video=video is not None,
        longest_ms=video.duration_ms if video else None,
    )


def fieldset(
    ctx: Context,
    account: Mapping[str, Any],
    stored: dict[str, Any] | None,
    *,
    is_video: bool,
    longest_ms: int | None,
) -> dict[str, Any] | None:
    """The fieldset for one account, on the draft page and on the new-draft page alike (the
    account chosen there, before anything is saved), or None where the platform asks nothing."""
    platform = str(account["platform"])
    settings = ctx.connectors.post_settings(platform)
    if settings is None:
        return None
    creator, error = read_creator(ctx, platform, int(account["id"]))
    return {
        "template": settings.template,
        "page": settings.page,
        "creator": creator,
        "avatar": _avatar(str(getattr(creator, "avatar_url", "") or "")),
        "creator_error": error,
        "choices": settings.choices(stored),
        "is_video": is_video,
        "problems": settings.problems(stored, creator, is_video=is_video, longest_ms=longest_ms),
    }


def from_form(ctx: Context, form: dict[str, str]) -> dict[str, Any] | None:
    """The choices in a submitted editor form (None when the form has no such fieldset)."""
    platform = form.get("platform_form", "")
    settings = ctx.connectors.post_settings(platform) if platform else None
    return settings.from_form(form) if settings is not None else None
