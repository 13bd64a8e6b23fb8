from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.content.approvals import Person
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests import mediafiles
from tests.web.content.conftest import As

OPERATOR = Person("operator", Role.DISKOMINFO, Scope())
LURAH_BT = Person("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
LURAH_TG = Person("lurah.tegalgundil", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.05.1002"))
CAMAT_BS = Person("camat.bogorselatan", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))


def post_id(ctx: Context, title: str) -> int:
    with ctx.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(t.content_posts.c.id).where(t.content_posts.c.title == title)
            ).scalar_one()
        )


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.I)


def test_not_signed_in(ctx: Context) -> None:
    with TestClient(create_app(ctx, start_jobs=False)) as client:
        api = client.post("/api/v1/content/check", json={"text": "x"})
        assert api.status_code == 401 and "detail" in api.json()
        page = client.get("/konten", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/masuk")


def test_every_page_renders_without_inline_code(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    session_id = 1
    pages = [
        "/konten",
        "/konten/draf",
        "/konten/draf/baru",
        f"/konten/draf/{post_id(ctx, 'Posyandu Remaja')}",
        "/konten/kalender",
        "/konten/program",
        "/konten/program/biskita",
        "/konten/kampanye",
        "/konten/kampanye/pilah-sampah-contoh",
        "/konten/profil",
        "/konten/profil/32.71.01.1001",
        "/konten/ide",
        "/konten/sepi",
        "/konten/aturan",
        "/konten/jejaring",
        f"/konten/sesi/{session_id}",
        "/konten/hadir?kode=ABC123",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        assert not INLINE.search(response.text), url
        assert "content.js" in response.text
    qr = client.get(f"/konten/sesi/{session_id}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and "<svg" in qr.text


def test_scopes_on_pages_and_api(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_TG
    batutulis = post_id(ctx, "Posyandu Remaja")
    assert client.get(f"/konten/draf/{batutulis}").status_code == 403
    assert client.get(f"/api/v1/content/posts/{batutulis}").status_code == 403
    listed = client.get("/api/v1/content/posts").json()
    assert listed["total"] and {i["account"]["handle"] for i in listed["items"]} == {
        "kelurahan.tegalgundil"
    }
    assert len(client.get("/api/v1/content/profiles").json()) == 1
    assert (
        client.put("/api/v1/content/profiles/32.71.01.1001", json={"landmarks": ["x"]}).status_code
        == 403
    )
    holder.who = LURAH_BT
    assert client.get(f"/konten/draf/{batutulis}").status_code == 200
    assert client.get("/konten/sesi/1/qr.svg").status_code == 403  # only Diskominfo shows codes


def test_write_a_draft_and_walk_it_through(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    with ctx.engine.connect() as conn:
        acc = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
    evil = "<script>alert(1)</script> Yuk ikut kerja bakti Sabtu pukul 07.00 WIB di Balai RW 03."
    picture = ("kerja-bakti.jpg", mediafiles.photo(1080, 1080, seed=4), "image/jpeg")
    uploaded = client.post(
        "/konten/media", files=[("files", picture)], headers={"Accept": "application/json"}
    )
    photo = uploaded.json()["uploaded"][0]["id"]  # Instagram takes no post without a picture
    created = client.post(
        "/konten/draf",
        data={
            "account_id": str(acc),
            "content_type": "acara",
            "body": evil,
            "title": "Kerja bakti",
            "media_form": "1",
            "media_id": [str(photo)],
            "media_alt": ["Warga kerja bakti membersihkan selokan"],
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    new_id = int(created.headers["location"].split("/")[-1].split("?")[0])
    client.post(f"/konten/draf/{new_id}/tindakan", data={"action": "submit"})
    holder.who = CAMAT_BS
    waiting = client.get("/api/v1/content/posts", params={"waiting": True}).json()
    assert new_id in {i["id"] for i in waiting["items"]}
    refused = client.post(f"/konten/draf/{new_id}/tindakan", data={"action": "return"})
    assert refused.status_code == 409 and "catatan" in refused.text
    client.post(f"/konten/draf/{new_id}/tindakan", data={"action": "approve"})
    data = client.get(f"/api/v1/content/posts/{new_id}").json()
    assert data["status"] == "approved"
    assert [e["action"] for e in data["events"]] == ["create", "submit", "approve"]
    bad = client.post("/konten/draf", data={"account_id": str(acc), "body": " "})
    assert bad.status_code == 422 and "kosong" in bad.text


def test_check_api_scores_while_typing(signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    holder.who = LURAH_BT
    poor = client.post(
        "/api/v1/content/check", json={"text": "walikota hadir dikelurahan", "platform": "x"}
    ).json()
    assert poor["score"] < 60 and len(poor["points"]) == 8
    assert any("Wali Kota" in r for p in poor["points"] for r in p["reasons"])
    bad = client.post("/api/v1/content/check", json={"text": "x", "platform": "myspace"})
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"


def test_checkin_page_and_profile_form(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    with ctx.engine.connect() as conn:
        code = conn.execute(
            sa.select(t.training_sessions.c.checkin_code).where(t.training_sessions.c.id == 2)
        ).scalar_one()
    holder.who = LURAH_TG
    done = client.post(
        "/konten/hadir", data={"kode": code.lower(), "cara": "qr"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text[-600:]
    assert "checked_in" in done.headers["location"]
    wrong = client.post("/konten/hadir", data={"kode": "ZZZZZZ"})
    assert wrong.status_code == 422 and "tidak dikenal" in wrong.text
    saved = client.post(
        "/konten/profil/32.71.05.1002",
        data={"umkm": "Keripik\nBatik", "sources": "Wawancara Ketua RW 05, Nov 2026"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    profile = client.get("/api/v1/content/profiles/32.71.05.1002").json()
    assert profile["umkm"] == ["Keripik", "Batik"] and profile["can_edit"]
    unsourced = client.post("/konten/profil/32.71.05.1002", data={"history": "dulu hutan"})
    assert unsourced.status_code == 422 and "sumber" in unsourced.text


def test_programs_and_campaigns_through_the_api(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    body = {
        "name": "Bogor Bebas Sampah Plastik",
        "owner_opd": "DLH",
        "key_messages": ["Bawa tas belanja sendiri."],
        "hashtags": ["BogorTanpaPlastik"],
        "facts": [{"text": "(contoh) 10 pasar ikut.", "source": "data contoh"}],
    }
    holder.who = LURAH_BT
    assert client.put("/api/v1/content/programs/tanpa-plastik", json=body).status_code == 403
    holder.who = Person("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH"))
    made = client.put("/api/v1/content/programs/tanpa-plastik", json=body)
    assert made.status_code == 200 and made.json()["hashtags"] == ["#BogorTanpaPlastik"]
    other = {**body, "owner_opd": "DPUPR"}
    assert client.put("/api/v1/content/programs/jalan", json=other).status_code == 403
    holder.who = OPERATOR
    with ctx.engine.connect() as conn:
        targets = list(
            conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.owner_code == "32.71.01.1001")
            ).scalars()
        )
    kit = {
        "code": "tanpa-plastik-1",
        "title": "Pekan tanpa plastik",
        "message": "Mulai pekan ini bawa tas belanja sendiri ke pasar, yuk!",
        "starts_on": "2026-11-27",
        "ends_on": "2026-12-05",
        "hashtags": ["BogorTanpaPlastik"],
        "account_ids": targets,
    }
    created = client.post("/api/v1/content/campaigns", json=kit)
    assert created.status_code == 201, created.text
    assert {a["account"]["id"] for a in created.json()["accounts"]} == set(targets)
    again = client.post("/api/v1/content/campaigns", json=kit)
    assert again.status_code == 422 and "sudah dipakai" in again.json()["detail"]
    holder.who = LURAH_TG
    assert client.get("/api/v1/content/campaigns/tanpa-plastik-1").status_code == 403


def test_campaign_form_pushes_to_chosen_accounts(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    with ctx.engine.connect() as conn:
        acc = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.tegalgundil")
        ).scalar_one()
    # the form offers the accounts to choose from (its picker was empty before)
    form = client.get("/konten/kampanye").text
    assert f'<option value="{acc}">' in form.split('name="account_ids"', 1)[1].split("</select>")[0]
    made = client.post(
        "/konten/kampanye",
        data={
            "code": "hari-guru",
            "title": "Hari Guru",
            "message": "Terima kasih guru-guru Kota Bogor atas pengabdiannya.",
            "starts_on": "2026-11-25",
            "ends_on": "2026-11-30",
            "hashtags": "#HariGuru",
            "account_ids": [str(acc)],
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    detail = client.get("/api/v1/content/campaigns/hari-guru").json()
    assert [a["account"]["id"] for a in detail["accounts"]] == [acc]
    # refused (a code already used, a missing end date): the form comes back open with the
    # reason and everything typed, the accounts chosen too; nothing more is stored
    typed = {
        "code": "hari-guru",
        "title": "Hari Guru <kedua>",
        "message": "Pesan panjang yang ditulis dengan susah payah.",
        "facts": "Guru 4.200 orang | Disdik",
        "starts_on": "2026-11-25",
        "ends_on": "2026-11-30",
        "account_ids": [str(acc)],
    }
    before = len(client.get("/api/v1/content/campaigns").json())
    for data, status in ((typed, 422), ({**typed, "code": "baru", "ends_on": ""}, 422)):
        again = client.post("/konten/kampanye", data=data, follow_redirects=False)
        assert again.status_code == status, again.text
        page = again.text
        assert 'role="alert" tabindex="-1" autofocus>Tidak disimpan: ' in page  # seen first
        assert "<details open>" in page
        assert ">Pesan panjang yang ditulis dengan susah payah.</textarea>" in page
        assert 'value="Hari Guru &lt;kedua&gt;"' in page  # escaped, as everywhere
        assert "Guru 4.200 orang | Disdik</textarea>" in page
        assert f'<option value="{acc}" selected>' in page
    assert len(client.get("/api/v1/content/campaigns").json()) == before


def test_csrf_and_permissions_guard_writes(ctx: Context, signed: tuple[TestClient, As]) -> None:
    client, holder = signed
    with ctx.engine.connect() as conn:
        acc = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
    body = {"account_id": str(acc), "content_type": "acara", "body": "Yuk datang Sabtu."}
    holder.who = LURAH_BT
    token = client.headers.pop("X-CSRF-Token")
    assert client.post("/konten/draf", data=body, follow_redirects=False).status_code == 403
    made = client.post("/konten/draf", data={**body, "csrf": token}, follow_redirects=False)
    assert made.status_code == 303
    holder.who = Person("pimpinan", Role.VIEWER, Scope())
    assert client.get("/konten").status_code == 200  # a viewer reads
    assert client.post("/konten/draf", data=body, follow_redirects=False).status_code == 403
    assert "Konten" in client.get("/kasus").text  # the main menu links here


def test_programme_form_names_owners_and_comes_back_when_refused(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    with ctx.engine.connect() as conn:
        dlh = conn.execute(sa.select(t.opds.c.name).where(t.opds.c.code == "DLH")).scalar_one()
    # the owner is chosen by name, never typed as a code
    form = client.get("/konten/program").text.split('name="owner_opd"', 1)[1].split("</select>")[0]
    assert f'<option value="DLH">{dlh}</option>' in form
    typed = {
        "baru": "1",
        "code": "bogor-hijau",
        "name": "Bogor Hijau <2027>",
        "owner_opd": "DLH",
        "key_messages": "Tanam satu pohon tiap rumah",
        "facts": "10.000 bibit | DLH",
        "hashtags": "#BogorHijau",
    }
    made = client.post("/konten/program", data=typed, follow_redirects=False)
    assert made.status_code == 303
    assert "Bogor Hijau &lt;2027&gt;" in client.get("/konten/program/bogor-hijau").text
    # a new programme with a code already used is refused, not written over the first; a
    # missing owner too: the form comes back open, the reason first, everything typed kept
    second = {**typed, "name": "Program lain", "key_messages": "Pesan yang diketik lama"}
    for data, status in ((second, 409), ({**second, "code": "lain", "owner_opd": ""}, 422)):
        again = client.post("/konten/program", data=data, follow_redirects=False)
        assert again.status_code == status, again.text
        page = again.text
        assert 'role="alert" tabindex="-1" autofocus>Tidak disimpan: ' in page
        assert "<details open><summary>Tambah program" in page
        assert 'value="Program lain"' in page
        assert ">Pesan yang diketik lama</textarea>" in page
        assert "10.000 bibit | DLH" in page
    assert (
        "sudah dipakai program &#39;Bogor Hijau &lt;2027&gt;&#39;"
        in client.post("/konten/program", data=second).text
    )
    assert (
        "pilih OPD pemilik"
        in client.post("/konten/program", data={**second, "code": "lain", "owner_opd": ""}).text
    )
    stored = client.get("/api/v1/content/programs/bogor-hijau").json()
    assert stored["name"] == "Bogor Hijau <2027>"
    assert client.get("/konten/program/lain").status_code == 404
    # an edit on the programme's page: saved; refused, its form comes back there with the edit
    edit = {k: v for k, v in typed.items() if k != "baru"}
    saved = client.post("/konten/program", data={**edit, "name": "Bogor Hijau"})
    assert saved.status_code == 200 and "<h1>Bogor Hijau" in saved.text
    refused = client.post("/konten/program", data={**edit, "key_messages": "", "name": "Baru"})
    assert refused.status_code == 422
    assert "<details open><summary>Ubah program" in refused.text
    assert "isi sedikitnya satu pesan kunci" in refused.text and 'value="Baru"' in refused.text
    assert client.get("/api/v1/content/programs/bogor-hijau").json()["name"] == "Bogor Hijau"
    # an OPD officer may own programmes of their own department only: the choice is theirs
    holder.who = Person("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH"))
    page = client.get("/konten/program/bogor-hijau").text
    assert page.split('name="owner_opd"', 1)[1].split("</select>")[0].count("<option") == 2
