"""`/publik/media/<signed name>`: the cleaned file of one media item, for the platforms that
fetch a post's pictures and video themselves (Meta, TikTok). No sign-in: the link's HMAC and
expiry are the permission (content/media_links.py). 404 for a link we did not sign, an item
that is gone or archived; 410 for a link past its time. Never a redirect (TikTok refuses them),
and never cached by a shared cache (the link is private to the platform that was given it)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from paseban.content.media_links import PATH, LinkExpired
from paseban.services.content import publishing_media
from paseban.web.deps import CtxDep

router = APIRouter(include_in_schema=False)


@router.api_route(PATH + "{name}", methods=["GET", "HEAD"])
def media_file(name: str, ctx: CtxDep) -> Response:
    try:
        path, media_type = publishing_media.public_file(ctx, name)
    except LinkExpired:
        return Response("tautan media sudah kedaluwarsa", status_code=410, media_type="text/plain")
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=3600", "X-Robots-Tag": "noindex"},
    )
