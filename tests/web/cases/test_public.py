"""The public tracking page: status, timeline, OPD, dates; personal data masked, no internal
notes, no staff or citizen names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.security import tracking_key
from paseban.services.cases import actions
from paseban.services.cases.replies import tracking_link
from paseban.web.app import create_app
from tests.services.conftest import DISKOMINFO, PUPR, Desk
from tests.web.conftest import Browser


def link(ctx: Context, ticket: str, suffix: str = "") -> str:
    return f"/lacak/{ticket}{suffix}?kunci={tracking_key(ctx.settings.secret_key, ticket)}"


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
    page = client.get(link(ctx, case["ticket"]))
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
    data = client.get(link(ctx, case["ticket"], ".json")).json()
    assert data["status"] == "forwarded" and data["opd"] == "DPUPR"
    assert [e["status"] for e in data["timeline"]] == ["received", "forwarded", "forwarded"]
    assert "081234567890" not in str(data) and "rahasia" not in str(data)


def test_unknown_and_odd_tickets(site: tuple[TestClient, Desk]) -> None:
    client, _ = site
    assert client.get("/lacak/BGR-2611-9999").status_code == 404
    assert "tidak ditemukan" in client.get("/lacak/%3Cb%3E").text
    assert client.get("/lacak/BGR-2611-9999.json").status_code == 404
    form = client.get(
        "/lacak", params={"tiket": "bgr-2611-0001", "kunci": "AB12cd34"}, follow_redirects=False
    )
    assert form.status_code == 303
    assert form.headers["location"] == "/lacak/BGR-2611-0001?kunci=ab12cd34"
    pasted = client.get(
        "/lacak", params={"tiket": "BGR-2611-0001 ab12cd34"}, follow_redirects=False
    )
    assert pasted.headers["location"] == "/lacak/BGR-2611-0001?kunci=ab12cd34"


def test_merged_case_points_to_its_target(site: tuple[TestClient, Desk]) -> None:
    from paseban.services.cases import merging

    client, desk = site
    a = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    b = desk.send("sampah numpuk di batutulis, bau", author="b")
    assert a and b
    merging.merge(desk.ctx, a["id"], [b["id"]], actor=DISKOMINFO, note="sama")
    html = client.get(link(desk.ctx, b["ticket"])).text
    target = link(desk.ctx, a["ticket"])
    assert f'href="{target}"' in html and "Digabung" in html


def test_every_ticket_code_a_reply_sends_resolves(site: tuple[TestClient, Desk]) -> None:
    """`/lacak/BGR-2612-C03808` was "tidak ditemukan": the tracking page's pattern refused codes
    with a letter although the sample had made them. One rule (domain.cases.TICKET_PATTERN) now
    serves the page, triage and the merge form."""
    import sqlalchemy as sa

    from paseban.storage import tables as t

    client, desk = site
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    assert case is not None
    with desk.ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.cases).where(t.cases.c.id == case["id"]).values(ticket="BGR-2612-C03808")
        )
    assert client.get(link(desk.ctx, "BGR-2612-C03808")).status_code == 200
    key = tracking_key(desk.ctx.settings.secret_key, "BGR-2612-C03808")
    json_page = client.get("/lacak/bgr-2612-c03808.json", params={"kunci": key})
    assert json_page.json()["ticket"] == "BGR-2612-C03808"


def test_the_citizen_answers_from_the_link_of_a_reply(site: tuple[TestClient, Desk]) -> None:
    client, desk = site
    ctx = desk.ctx
    sampah = desk.send("sampah numpuk di batutulis, bau", author="w3")
    assert sampah is not None
    for action in ("forward", "start", "resolve"):
        actions.act(ctx, sampah["id"], action, actor=DISKOMINFO, opd="DLH", note="beres")
    ticket = sampah["ticket"]
    assert client.get(f"/lacak/{ticket}").status_code == 404  # no key: nothing to see or answer
    key = tracking_key(ctx.settings.secret_key, ticket)
    assert f"/lacak/{ticket}?kunci={key}" in desk.outbox()[-1]["text"]  # the reply's link
    page = client.get(f"/lacak/{ticket}", params={"kunci": key})
    assert 'value="sudah"' in page.text and 'value="belum"' in page.text
    refused = client.post(f"/lacak/{ticket}/konfirmasi", data={"kunci": "x", "jawaban": "sudah"})
    assert refused.status_code == 404 and desk.case(ticket)["status"] == "resolved"
    reopened = client.post(
        f"/lacak/{ticket}/konfirmasi",
        data={"kunci": key, "jawaban": "belum", "catatan": "<b>masih</b> numpuk"},
        follow_redirects=False,
    )
    assert reopened.status_code == 303 and desk.case(ticket)["status"] == "in_progress"
    shown = client.get(reopened.headers["location"])
    assert "dibuka kembali" in shown.text and "<b>masih</b>" not in shown.text
    again = client.post(f"/lacak/{ticket}/konfirmasi", data={"kunci": key, "jawaban": "sudah"})
    assert again.status_code == 409 and "tidak sedang menunggu" in again.text
    actions.act(ctx, sampah["id"], "resolve", actor=DISKOMINFO, note="sudah diangkut")
    closed = client.post(
        f"/lacak/{ticket}/konfirmasi",
        data={"kunci": key, "jawaban": "sudah"},
        follow_redirects=True,
    )
    assert closed.status_code == 200 and desk.case(ticket)["status"] == "closed"
    assert "sudah beres menurut Anda" in closed.text


# --- issue 16: the citizen's words in public, and links that cannot be walked ---------------------


def test_names_and_house_addresses_are_masked_in_public(site: tuple[TestClient, Desk]) -> None:
    # defect 1: "nama saya Siti Aminah binti Karta, rumah Jl. Mawar No. 12" was shown as written
    client, desk = site
    case = desk.send(
        "nama saya Siti Aminah binti Karta, rumah Jl. Mawar No. 12 RT 03/RW 05 di batutulis, "
        "air PDAM mati 3 hari",
        author="siti",
    )
    assert case is not None
    html = client.get(link(desk.ctx, case["ticket"])).text
    for private in ("Siti", "Aminah", "Karta", "No. 12", "RT 03"):
        assert private not in html, private
    assert "[NAMA]" in html and "[ALAMAT]" in html and "air PDAM mati" in html
    feed = client.get("/open311/v2/requests.json").json()
    mine = next(r for r in feed if r["service_request_id"] == case["ticket"])
    assert "Aminah" not in mine["description"] and "No. 12" not in mine["description"]
    # the public feed never hands out the key of a citizen's link
    assert tracking_key(desk.ctx.settings.secret_key, case["ticket"]) not in str(feed)


def test_sequential_codes_open_nothing(site: tuple[TestClient, Desk]) -> None:
    # defect 1: ticket codes are sequential; the code alone (or a wrong key) is a 404
    client, desk = site
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    assert case is not None
    ticket = case["ticket"]
    assert client.get(f"/lacak/{ticket}").status_code == 404
    assert client.get(f"/lacak/{ticket}?kunci=aaaaaaaa").status_code == 404
    assert client.get(f"/lacak/{ticket}.json").status_code == 404
    assert client.get(link(desk.ctx, ticket)).status_code == 200
    assert link(desk.ctx, ticket).split("kunci=")[1] in tracking_link(desk.ctx, ticket)


def test_old_links_take_staff_to_the_case(
    login: Callable[[str], Browser], app_ctx: Context, tmp_path: Path
) -> None:
    desk = Desk(app_ctx, tmp_path)
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    assert case is not None
    response = login("operator").get(f"/lacak/{case['ticket']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/kasus/{case['ticket']}"
