"""A field visit's before/after photos become a post draft in one step, cleaned like any
upload, with the reminder to check faces, house numbers and consent (issue 18)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from PIL.ExifTags import IFD

from paseban.context import Context
from paseban.services.content import posts as content
from paseban.services.content.media_store import open_store
from paseban.services.measurement import fieldwork
from paseban.storage import tables as t
from tests import mediafiles
from tests.measurement import builders as b
from tests.web.content.conftest import As
from tests.web.content.test_content_pages import INLINE, LURAH_BT, LURAH_TG


def test_before_after_photos_become_a_draft(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    with ctx.engine.begin() as conn:
        case_id = b.case(
            conn,
            opened_at=ctx.now(),
            kelurahan="32.71.01.1001",
            kecamatan="32.71.01",
            opd="DLH",
            topic="sampah",
            status="resolved",
        )
        fieldwork.record_photo_pair(
            conn,
            ctx,
            case_id,
            before=mediafiles.photo(seed=31, gps=True, device=True),
            after=mediafiles.photo(seed=32, gps=True),
            actor="petugas.dlh",
        )
    holder.who = LURAH_BT
    page = client.get("/konten/foto-lapangan")
    assert page.status_code == 200 and not INLINE.search(page.text)
    assert f'action="/konten/foto-lapangan/{case_id}"' in page.text
    account = int(page.text.split('name="account_id"><option value="')[1].split('"')[0])
    made = client.post(
        f"/konten/foto-lapangan/{case_id}",
        data={"account_id": str(account)},
        follow_redirects=False,
    )
    assert made.status_code == 303
    post_id = int(made.headers["location"].split("/")[3].split("?")[0])
    post = content.get_post(ctx, LURAH_BT, post_id)
    assert [m["origin"] for m in post["media"]] == ["fieldwork", "fieldwork"]
    assert post["media"][0]["alt_text"].startswith("Sebelum ditangani")
    assert post["cover_media_id"] == post["media"][0]["id"]
    assert "sudah ditangani" in post["body"]
    for item in post["media"]:  # cleaned like any upload: the phone's GPS is gone
        data = open_store(ctx.settings).read(item["storage_key"])
        assert not Image.open(io.BytesIO(data)).getexif().get_ifd(IFD.GPSInfo)
    reasons = " ".join(r for p in (post["quality"] or {})["points"] for r in p["reasons"])
    assert "periksa wajah warga, nomor rumah" in reasons
    shown = client.get(f"/konten/draf/{post_id}").text
    assert "Foto lapangan — periksa sebelum terbit" in shown
    # once checked on the media page, the reminder goes
    for item in post["media"]:
        client.post(
            f"/konten/media/{item['id']}",
            data={"alt_text": item["alt_text"], "privacy_checked": "1", "kelurahan": ""},
        )
    assert "periksa sebelum terbit" not in client.get(f"/konten/draf/{post_id}").text
    with ctx.engine.connect() as conn:
        checked = (
            conn.execute(
                sa.select(t.media_items.c.privacy_checked_by).where(
                    t.media_items.c.origin == "fieldwork"
                )
            )
            .scalars()
            .all()
        )
    assert checked == ["lurah.batutulis", "lurah.batutulis"]
    holder.who = LURAH_TG  # another kelurahan sees none of it
    assert f"/konten/foto-lapangan/{case_id}" not in client.get("/konten/foto-lapangan").text
    assert (
        client.post(
            f"/konten/foto-lapangan/{case_id}", data={"account_id": str(account)}
        ).status_code
        == 404
    )
