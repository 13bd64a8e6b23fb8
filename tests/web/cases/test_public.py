"""The public tracking page: status, timeline, OPD, dates; personal data masked, no internal
notes, no staff or citizen names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services.cases import actions
from paseban.web.app import create_app
from tests.services.conftest import DISKOMINFO, PUPR, Desk


@pytest.fixture
def site(ctx: Context, tmp_path: Path) -> Iterator[tuple[TestClient, Desk]]:
    desk = Desk(ctx, tmp_path)
    with TestClient(create_app(ctx, start_jobs=False)) as client:
        yield client, desk


def test_tracking_page_shows_progress_and_hides_what_is_private(
    site: tuple[TestClient, Desk],
) -> None:
    client, desk = site
    case = desk.send(
        "jalan di batutulis berlubang <script>alert(1)</script> hubungi 081234567890",
        author="budi_warga",
    )
    assert case is not None
    ctx = desk.ctx
    actions.act(ctx, case["id"], "forward", actor=DISKOMINFO, note="catatan rahasia operator")
    actions.add_note(
        ctx, case["id"], actor=PUPR, note="internal: kontraktor telat",
        public_note="Tim sudah survei. Info: 0812-3456-7890", media_url="https://foto.example/a.jpg",
    )  # fmt: skip
    page = client.get(f"/lacak/{case['ticket']}")
    assert page.status_code == 200
    html = page.text
    assert case["ticket"] in html and "Diteruskan ke OPD" in html
    assert "Dinas Pekerjaan Umum" in html and "Batu Tulis" in html and "WIB" in html
    assert "Tim sudah survei" in html and "https://foto.example/a.jpg" in html
    for private in (
        "catatan rahasia operator", "kontraktor telat", "081234567890", "0812-3456-7890",
        "budi_warga", "petugas.pupr", "op.diskominfo", "<script>alert(1)</script>",
    ):  # fmt: skip
        assert private not in html, private
    assert "&lt;script&gt;" in html
    data = client.get(f"/lacak/{case['ticket']}.json").json()
    assert data["status"] == "forwarded" and data["opd"] == "DPUPR"
    assert [e["status"] for e in data["timeline"]] == ["received", "forwarded", "forwarded"]
    assert "081234567890" not in str(data) and "rahasia" not in str(data)


def test_unknown_and_odd_tickets(site: tuple[TestClient, Desk]) -> None:
    client, _ = site
    assert client.get("/lacak/BGR-2611-9999").status_code == 404
    assert "tidak ditemukan" in client.get("/lacak/%3Cb%3E").text
    assert client.get("/lacak/BGR-2611-9999.json").status_code == 404
    form = client.get("/lacak", params={"tiket": "bgr-2611-0001"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == "/lacak/BGR-2611-0001"


def test_merged_case_points_to_its_target(site: tuple[TestClient, Desk]) -> None:
    from paseban.services.cases import merging

    client, desk = site
    a = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    b = desk.send("sampah numpuk di batutulis, bau", author="b")
    assert a and b
    merging.merge(desk.ctx, a["id"], [b["id"]], actor=DISKOMINFO, note="sama")
    html = client.get(f"/lacak/{b['ticket']}").text
    assert f'href="/lacak/{a["ticket"]}"' in html and "Digabung" in html
