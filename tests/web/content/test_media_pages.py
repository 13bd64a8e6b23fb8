"""The media library's pages and the editor's media and preview, through real sessions and
CSRF (issue 18)."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from starlette.requests import Request

from paseban.context import Context
from paseban.services.content import media as library
from paseban.storage import tables as t
from paseban.web.app import create_app
from paseban.web.content.media import TooLarge, bounded_form
from tests import mediafiles
from tests.web.content.conftest import As
from tests.web.content.test_content_pages import INLINE, LURAH_BT, LURAH_TG, OPERATOR, post_id


def files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "image/jpeg")) for name, data in items]


def count(ctx: Context) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.media_items)).scalar_one())


def test_upload_several_files_one_refused(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    answer = client.post(
        "/konten/media",
        data={"alt_text": "Kerja bakti RW 03", "kelurahan": "32.71.01.1001"},
        files=files(
            ("a.jpg", mediafiles.photo(seed=1, gps=True)), ("b.jpg", b"%PDF-1.4 bukan foto")
        ),
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert [u["name"] for u in body["uploaded"]] == ["a.jpg"]
    assert body["errors"] == [
        {
            "name": "b.jpg",
            "detail": "b.jpg: isinya dokumen PDF, bukan foto (JPEG, PNG, WebP) atau video "
            "(MP4, MOV, WebM).",
        }
    ]
    item = library.get_media(ctx, LURAH_BT, body["uploaded"][0]["id"])
    assert item["alt_text"] == "Kerja bakti RW 03" and item["location_lat"] is None
    # the plain form (no JavaScript): a page that says what went wrong, in Bahasa Indonesia
    page = client.post("/konten/media", files=files(("c.jpg", b"<svg onload=alert(1)>")))
    assert page.status_code == 422
    assert "c.jpg: isinya tidak dikenali" in page.text and "<svg onload" not in page.text


def test_an_upload_without_csrf_is_refused(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    del client.headers["X-CSRF-Token"]
    before = count(ctx)  # the sample posts' posters
    answer = client.post("/konten/media", files=files(("a.jpg", mediafiles.photo(seed=2))))
    assert answer.status_code == 403 and count(ctx) == before


def test_too_large_a_request_is_refused_before_it_is_read(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    small = dataclasses.replace(
        ctx.settings,
        media_image_max_bytes=65536,
        media_video_max_bytes=65536,
        media_upload_max_files=1,
    )
    limit = small.media_upload_max_bytes()

    async def never() -> dict[str, Any]:
        raise AssertionError("the body was read")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/konten/media",
        "headers": [(b"content-length", str(limit + 1).encode())],
    }
    with pytest.raises(TooLarge, match="unggahan lebih dari"):
        asyncio.run(bounded_form(Request(scope, never), limit, 1))

    head = (
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )
    chunks = [head + b"x" * 600_000, *[b"x" * 600_000] * 3]  # no length declared, too much
    sent = iter(chunks)

    async def streaming() -> dict[str, Any]:
        return {"type": "http.request", "body": next(sent), "more_body": True}

    scope["headers"] = [(b"content-type", b"multipart/form-data; boundary=x")]
    with pytest.raises(TooLarge):
        asyncio.run(bounded_form(Request(scope, streaming), limit, 1))
    assert next(sent, None) is not None  # it stopped reading as soon as it passed the limit

    before = count(ctx)  # the sample posts' posters
    tight = dataclasses.replace(ctx, settings=small)
    with TestClient(create_app(tight, start_jobs=False), base_url="http://localhost") as client:
        holder = As(tight, client)
        holder.who = OPERATOR
        big = mediafiles.photo(3200, 2400, seed=3)
        assert len(big) > limit
        answer = client.post(
            "/konten/media", files=files(("besar.jpg", big)), headers={"Accept": "application/json"}
        )
        assert answer.status_code == 413
        assert "unggahan lebih dari" in answer.json()["detail"]
        one = client.post(
            "/konten/media",
            files=files(("sedang.jpg", mediafiles.photo(1200, 900, seed=4))),
            headers={"Accept": "application/json"},
        )
        assert one.status_code == 422 and "batas foto 0,1 MB" in one.json()["errors"][0]["detail"]
    assert count(ctx) == before


def upload(client: TestClient, name: str, data: bytes) -> int:
    answer = client.post(
        "/konten/media", files=files((name, data)), headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["uploaded"][0]["id"])


def test_library_pages_files_and_scope(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    mine = upload(client, "kerja-bakti.jpg", mediafiles.photo(seed=5))
    page = client.get("/konten/media", params={"q": "kerja"})
    assert page.status_code == 200 and "kerja-bakti.jpg" in page.text
    assert not INLINE.search(page.text)
    item = client.get(f"/konten/media/{mine}")
    assert item.status_code == 200 and "Data yang dibuang" in item.text
    assert not INLINE.search(item.text)
    assert client.get(f"/konten/media/{mine}/kecil").headers["content-type"] == "image/jpeg"
    saved = client.post(
        f"/konten/media/{mine}",
        data={"alt_text": "Warga membersihkan saluran", "credit": "Dok. Kelurahan"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert library.get_media(ctx, LURAH_BT, mine)["credit"] == "Dok. Kelurahan"
    holder.who = LURAH_TG
    assert client.get(f"/konten/media/{mine}").status_code == 404
    assert client.get(f"/konten/media/{mine}/berkas").status_code == 404
    assert "kerja-bakti.jpg" not in client.get("/konten/media").text


def test_the_editor_attaches_orders_and_previews(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    ids = [
        upload(client, "satu.jpg", mediafiles.photo(1080, 1350, seed=6)),
        upload(client, "dua.jpg", mediafiles.photo(1600, 900, seed=7)),
        upload(client, "tiga.jpg", mediafiles.photo(1080, 1080, seed=8)),
    ]
    new = client.get("/konten/draf/baru", params=[("media", i) for i in ids])
    assert new.status_code == 200 and new.text.count('name="media_id"') == 3
    account = client.get("/konten/draf/baru").text
    acc = int(account.split('data-platform="instagram"')[0].rsplit('value="', 1)[1].split('"')[0])
    created = client.post(
        "/konten/draf",
        data={
            "account_id": str(acc),
            "content_type": "informasi",
            "title": "Kerja bakti",
            "body": "Warga Batu Tulis kerja bakti membersihkan saluran air. " * 4,
            "media_form": "1",
            "media_id": [str(i) for i in ids],
            "media_alt": ["Warga menyapu", "", "Saluran bersih"],
            "cover_media_id": str(ids[0]),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    pid = int(created.headers["location"].split("/")[3].split("?")[0])
    page = client.get(f"/konten/draf/{pid}")
    assert page.status_code == 200 and not INLINE.search(page.text)
    assert "Pratinjau Instagram" in page.text and "Carousel" in page.text
    assert page.text.count("/pratinjau?rasio=0.8000&amp;isi=") == 3  # all cut to the first, 4:5
    assert "Foto 2 belum punya teks alternatif" in page.text
    assert "… selengkapnya" in page.text
    moved = client.post(
        f"/konten/draf/{pid}",
        data={
            "account_id": str(acc),
            "content_type": "informasi",
            "title": "Kerja bakti",
            "body": "Warga Batu Tulis kerja bakti.",
            "version": "1",
            "media_form": "1",
            "media_id": [str(i) for i in ids],
            "media_alt": ["Warga menyapu", "Lurah menanam", "Saluran bersih"],
            "cover_media_id": str(ids[0]),
            "media_op": "remove:2",
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"].endswith("#media")
    with ctx.engine.connect() as conn:
        kept = conn.execute(
            sa.select(t.content_post_media.c.media_id, t.content_post_media.c.alt_text)
            .where(t.content_post_media.c.post_id == pid)
            .order_by(t.content_post_media.c.position)
        ).all()
    assert [tuple(r) for r in kept] == [(ids[0], "Warga menyapu"), (ids[1], "Lurah menanam")]
    shot = client.get(f"/konten/media/{ids[1]}/pratinjau", params={"rasio": "0.8", "isi": "cover"})
    assert shot.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(shot.content)).size == (540, 675)
    holder.who = LURAH_TG
    assert client.get(f"/konten/draf/{pid}").status_code == 403


def test_library_pick_mode_attaches(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = OPERATOR
    pid = post_id(ctx, "Posyandu Remaja")
    a = upload(client, "poster.jpg", mediafiles.photo(1080, 1350, seed=9))
    page = client.get("/konten/media", params={"pilih": pid})
    assert f'action="/konten/draf/{pid}/media"' in page.text
    done = client.post(
        f"/konten/draf/{pid}/media", data={"media": [str(a)]}, follow_redirects=False
    )
    assert done.status_code == 303
    assert f'name="media_id" value="{a}"' in client.get(f"/konten/draf/{pid}").text


def test_the_api_lists_gets_and_uploads(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    sent = client.post(
        "/api/v1/content/media",
        data={"alt_text": "Taman baru"},
        files=files(("taman.jpg", mediafiles.photo(seed=50)), ("x.jpg", b"bukan")),
    )
    assert sent.status_code == 200
    assert len(sent.json()["uploaded"]) == 1 and len(sent.json()["errors"]) == 1
    media_id = sent.json()["uploaded"][0]["id"]
    listed = client.get("/api/v1/content/media", params={"q": "taman"}).json()
    assert listed["total"] == 1 and listed["items"][0]["alt_text"] == "Taman baru"
    one = client.get(f"/api/v1/content/media/{media_id}").json()
    assert one["thumbnail_url"] == f"/konten/media/{media_id}/kecil"
    assert "storage_key" not in one
    holder.who = LURAH_TG
    missing = client.get(f"/api/v1/content/media/{media_id}")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
