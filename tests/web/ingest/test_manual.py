"""Lapor langsung: a complaint heard offline entered from the dashboard."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.storage import tables as t
from tests.web.conftest import Browser

ROAD = "Bu Imas datang ke kantor: jalan di RT 03 berlubang besar, motor sering jatuh"


def messages(ctx: Context) -> list[dict[str, object]]:
    with ctx.engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                sa.select(t.messages).where(t.messages.c.platform == "manual")
            ).mappings()
        ]


def test_a_kelurahan_admin_enters_a_report_that_becomes_a_case(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    lurah = login("lurah.batutulis")
    page = lurah.get("/lapor-langsung")
    assert page.status_code == 200
    assert (
        'value="32.71.01.1001"' in page.text and "32.71.05.1002" not in page.text
    )  # own area only
    sent = lurah.post(
        "/lapor-langsung",
        {"wilayah": "32.71.01.1001", "text": ROAD, "author": "Bu Imas", "reference": "F-12"},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?ok=manual")
    [stored] = messages(app_ctx)
    assert stored["kind"] == "report" and stored["author"] == "Bu Imas"
    assert stored["intent"] == "aduan" and stored["case_id"] is not None
    assert stored["kelurahan"] == "32.71.01.1001"
    again = lurah.post(
        "/lapor-langsung", {"wilayah": "32.71.01.1001", "text": ROAD, "reference": "F-12"}
    )
    assert again.status_code == 303 and len(messages(app_ctx)) == 1  # the same paper form: once
    shown = lurah.get(sent.headers["location"])
    assert "Laporan langsung dicatat" in shown.text


def test_bad_input_and_other_areas_store_nothing(
    app_ctx: Context, login: Callable[[str], Browser], anon: TestClient
) -> None:
    lurah = login("lurah.batutulis")
    empty = lurah.post("/lapor-langsung", {"wilayah": "32.71.01.1001", "text": "   "})
    assert empty.status_code == 422 and "kosong" in empty.text
    future = lurah.post(
        "/lapor-langsung", {"wilayah": "32.71.01.1001", "text": ROAD, "when": "2030-01-01T10:00"}
    )
    assert future.status_code == 422 and "masa depan" in future.text
    other = lurah.post("/lapor-langsung", {"wilayah": "32.71.05.1002", "text": ROAD})
    assert other.status_code == 403
    no_csrf = lurah.client.post(
        "/lapor-langsung", data={"wilayah": "32.71.01.1001", "text": ROAD}, follow_redirects=False
    )
    assert no_csrf.status_code == 403
    viewer = login("pimpinan")
    assert viewer.get("/lapor-langsung").status_code == 403
    assert anon.get("/lapor-langsung", follow_redirects=False).status_code == 303
    assert messages(app_ctx) == []


def test_machine_clients_post_reports_with_a_token(app_ctx: Context, anon: TestClient) -> None:
    from paseban.services.people import auth

    token = auth.create_token(
        app_ctx,
        "kios-kecamatan",
        scopes=["messages:write"],
        role="kecamatan_admin",
        area="32.71.01",
        actor="uji",
    )
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "wilayah": "32.71.01.1001",
        "text": ROAD,
        "reference": "K-1",
        "reported_at": "2026-11-27T08:00:00+07:00",
    }
    first = anon.post("/api/v1/manual-reports", json=body, headers=headers)
    assert first.status_code == 201 and first.json()["created"] is True
    again = anon.post("/api/v1/manual-reports", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["created"] is False
    outside = anon.post(
        "/api/v1/manual-reports", json={**body, "wilayah": "32.71.05.1002"}, headers=headers
    )
    assert outside.status_code == 403 and outside.json()["error"] == "Forbidden"
    bad = anon.post("/api/v1/manual-reports", json={"wilayah": "32.71.01.1001"}, headers=headers)
    assert bad.status_code == 422
    assert anon.post("/api/v1/manual-reports", json=body).status_code == 401
    assert len(messages(app_ctx)) == 1
