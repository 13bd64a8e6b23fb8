"""Pengaturan › Jalan: Diskominfo adds, edits and removes a street; every save is checked and
audited, and the next message is placed with the table as edited."""

from __future__ import annotations

import re
from collections.abc import Callable

from paseban.context import Context
from paseban.services.people import audit
from tests.web.conftest import Browser

TRY = "/pengaturan/jalan?coba=lampu+mati+di+jalan+cemara+indah"
FORM = {
    "name": "Jl. Cemara Indah",
    "aliases": "cemara indah raya\ncemara indh",
    "alone": "",
    "kelurahan": ["32.71.05.1002"],
    "source": "laporan warga",
}


def test_only_diskominfo_edits_streets(login: Callable[[str], Browser]) -> None:
    for user in ("lurah.batutulis", "petugas.dlh", "pimpinan"):
        browser = login(user)
        assert browser.get("/pengaturan/jalan").status_code == 403
        assert browser.post("/pengaturan/jalan", FORM).status_code == 403
    op = login("operator")
    assert 'href="/pengaturan/jalan"' in op.get("/pengaturan").text
    page = op.get("/pengaturan/jalan")
    assert page.status_code == 200 and "Jl. Lolongok" in page.text and "Batu Tulis" in page.text
    assert op.get("/pengaturan/jalan/99999").status_code == 404


def test_add_edit_and_remove_a_street(app_ctx: Context, login: Callable[[str], Browser]) -> None:
    op = login("operator")
    assert "Tidak ada tempat yang ditemukan" in op.get(TRY).text
    added = op.post("/pengaturan/jalan", FORM)
    assert added.status_code == 303
    edit = added.headers["location"]
    assert re.fullmatch(r"/pengaturan/jalan/\d+\?ok=created", edit)
    # the very next message is placed on the new street
    tried = op.get(TRY).text
    assert "Kel. Tegal Gundil · Jl. Cemara Indah" in tried
    page = op.get(edit).text
    assert "Data baru disimpan." in page and "cemara indh" in page
    assert "jalan ditambahkan" in page and "kelurahan → Tegal Gundil" in page
    street = edit.split("?")[0]
    moved = op.post(street, {**FORM, "kelurahan": ["32.71.05.1004"]})
    assert moved.status_code == 303
    assert "Kel. Ciparigi · Jl. Cemara Indah" in op.get(TRY).text
    assert "kelurahan → Ciparigi" in op.get(street).text
    removed = op.post(f"{street}/hapus")
    assert removed.headers["location"] == "/pengaturan/jalan?ok=deleted"
    assert "Tidak ada tempat yang ditemukan" in op.get(TRY).text
    actions = [e["action"] for e in audit.list_events(app_ctx, target_kind="street")]
    assert actions == ["street.delete", "street.update", "street.create"]


def test_a_bad_street_is_shown_again_with_the_reason(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    bad = op.post("/pengaturan/jalan", {**FORM, "name": "Jl. <i>Cemara</i>", "alone": "pasar"})
    assert bad.status_code == 422
    assert "Tidak disimpan" in bad.text and "kata sehari-hari" in bad.text
    assert "&lt;i&gt;Cemara&lt;/i&gt;" in bad.text and "<i>Cemara" not in bad.text  # kept, escaped
    clash = op.post("/pengaturan/jalan", {**FORM, "name": "jalan lolongok"})
    assert clash.status_code == 422 and "Jl. Lolongok sudah ada" in clash.text
    lolongok = re.search(
        r'href="(/pengaturan/jalan/\d+)">Jl\. Lolongok<', op.get("/pengaturan/jalan").text
    )
    assert lolongok
    wrong = op.post(
        lolongok.group(1), {**FORM, "name": "Jl. Lolongok", "kelurahan": ["32.73.01.1001"]}
    )
    assert wrong.status_code == 422 and "tidak dikenal di kota ini" in wrong.text
    assert audit.list_events(app_ctx, target_kind="street") == []
    search = op.get("/pengaturan/jalan?cari=lolongok").text
    assert "Jl. Lolongok" in search and "Jl. Pajajaran" not in search
