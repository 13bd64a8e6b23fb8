"""/publik/media/<signed name>: the cleaned file for the platforms, without signing in; 404 for
what we did not sign or an archived item, 410 once the link has expired."""

from __future__ import annotations

import io
from datetime import timedelta

from fastapi.testclient import TestClient
from PIL import Image

from paseban.clock import FixedClock
from paseban.content import media_links
from paseban.context import Context
from paseban.services.content import media as library
from paseban.web.app import create_app
from tests import mediafiles
from tests.services.content.publish_helpers import LURAH


def item(ctx: Context) -> int:
    data = mediafiles.photo(1080, 1350, seed=3, gps=True, device=True)
    return library.add_media(
        ctx, LURAH, library.Upload("poster.jpg", io.BytesIO(data), len(data)), library.Details()
    )


def test_the_signed_link_serves_the_cleaned_file_to_anyone(ctx: Context, clock: FixedClock) -> None:
    media_id = item(ctx)
    name = media_links.link_name(ctx.settings.secret_key, media_id, "jpg", now=ctx.now())
    with TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost") as client:
        response = client.get(f"/publik/media/{name}", follow_redirects=False)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert "private" in response.headers["cache-control"]
        picture = Image.open(io.BytesIO(response.content))
        assert not picture.getexif().get_ifd(0x8825)  # no GPS leaves Paseban
        assert client.head(f"/publik/media/{name}").status_code == 200
        clock.advance(media_links.LINK_TTL + timedelta(minutes=1))
        assert client.get(f"/publik/media/{name}").status_code == 410


def test_what_we_did_not_sign_or_an_archived_item_is_not_found(ctx: Context) -> None:
    media_id = item(ctx)
    name = media_links.link_name(ctx.settings.secret_key, media_id, "jpg", now=ctx.now())
    forged = media_links.link_name("not-our-key", media_id, "jpg", now=ctx.now())
    with TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost") as client:
        assert client.get(f"/publik/media/{forged}").status_code == 404
        assert client.get(f"/publik/media/{name[:-4]}.mp4").status_code == 404
        assert client.get("/publik/media/1-2-3.jpg").status_code == 404
        library.update_media(ctx, LURAH, media_id, library.Details(), archived=True)
        assert client.get(f"/publik/media/{name}").status_code == 404
