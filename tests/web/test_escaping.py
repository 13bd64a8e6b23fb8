"""Citizen text is untrusted: hostile payloads go in through ingest (text and author) and staff
forms, and no page may carry them as markup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg/onload=alert(3)>",
    "'><iframe src=javascript:alert(4)></iframe>",
    "</textarea><script>alert(5)</script>",
    "{{ 7*7 }}{% raw %}",
]
MARKUP = ["<script>alert", "<img src=x", "<svg/onload", "<iframe", "</textarea><script"]


def test_hostile_text_is_escaped_on_every_page(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    records = [
        message(
            i,
            f"jalan rusak parah di batutulis {payload} sampah numpuk",
            author=f"warga{payload}",
        )
        for i, payload in enumerate(PAYLOADS, start=1)
    ]
    files.ingest_file(app_ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with app_ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))
        ids = list(conn.execute(sa.select(t.messages.c.id)).scalars())
        tickets = list(conn.execute(sa.select(t.cases.c.ticket)).scalars())
    op = login("operator")
    # staff text goes through the same escaping: a reply and an account name
    op.post(f"/kotak-masuk/{ids[0]}/balas", {"text": f"balasan {PAYLOADS[0]} {PAYLOADS[1]}"})
    op.post(
        "/pengaturan/akun",
        {
            "platform": "instagram",
            "handle": "kel.empang",
            "owner_kind": "kelurahan",
            "owner_code": "32.71.01.1003",
            "name": f"Empang {PAYLOADS[2]}",
        },
    )
    rule = op.post(
        "/pengaturan/aturan",
        {
            "name": "aturan-uji",
            "assign_to": "DLH",
            "priority": "10",
            "active": "1",
            "notes": PAYLOADS[3],
            "join": ["dan"],
            "attr": ["text"],
            "negate": [""],
            "op": ["contains"],
            "value": [f'"{PAYLOADS[0]}"'],
        },
    )
    template = {"event": "status", "text": f"Status {{tiket}} {PAYLOADS[4]}"}
    assert rule.status_code == op.post("/pengaturan/templat", template).status_code == 303
    pages = [
        "/pengaturan/aturan",
        "/pengaturan/aturan/aturan-uji",
        "/pengaturan/templat",
        "/kotak-masuk?state=all",
        "/tinjauan",
        "/kasus",
        "/kasus?view=board",
        "/peta?period=semua",
        "/opd",
        "/opd?opd=DPUPR",
        "/pengaturan/akun",
        "/pengaturan/riwayat",
        *[f"/kotak-masuk/{mid}" for mid in ids],
        *[f"/kotak-masuk/{mid}?asli=1" for mid in ids],
        *[f"/kasus/{ticket}" for ticket in tickets],
    ]
    seen_escaped = 0
    for path in pages:
        response = op.get(path)
        assert response.status_code == 200, path
        for markup in MARKUP:
            assert markup not in response.text, f"{path} carries {markup!r}"
        seen_escaped += response.text.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert seen_escaped > len(ids)  # the payloads are shown, as text
    api = op.get("/api/v1/cases").json()
    assert any("<script>" in c["title"] for c in api["items"])  # JSON carries text as text
