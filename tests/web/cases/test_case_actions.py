"""The case page's lifecycle forms: each role sees exactly what it may do, every form posts with
CSRF to one service call, and a conflict or bad input shows the fresh page with the reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.cases import Actor
from paseban.services.cases import actions
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

OPERATOR = Actor("operator", None)


def _tickets(ctx: Context, tmp_path: Path) -> dict[str, str]:
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget"),
        message(2, "lampu jalan di batutulis masih mati min", time="2026-11-27T08:30:00+07:00"),
        message(3, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.cases.c.topic, t.cases.c.ticket)).all()
    return {str(topic): str(ticket) for topic, ticket in rows}


def _case(ctx: Context, ticket: str) -> dict[str, object]:
    with ctx.engine.connect() as conn:
        return dict(
            conn.execute(sa.select(t.cases).where(t.cases.c.ticket == ticket)).mappings().one()
        )


def _forms(html: str) -> list[str]:
    return re.findall(r'action="/kasus/[A-Z0-9-]+/aksi/(\w+)"', html)


def test_each_role_sees_only_the_actions_it_may_take(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    pju, sampah = tickets["pju"], tickets["sampah"]
    assert _forms(login("operator").get(f"/kasus/{pju}").text) == [
        "verify",
        "reject",
        "forward",
        "mark_outside",
    ]
    assert _forms(login("lurah.batutulis").get(f"/kasus/{pju}").text) == ["verify", "reject"]
    assert _forms(login("pimpinan").get(f"/kasus/{pju}").text) == []
    officer = login("petugas.dlh")
    # routed to the OPD but not forwarded yet: only "outside the city's authority" (the table)
    assert _forms(officer.get(f"/kasus/{sampah}").text) == ["mark_outside"]
    actions.act(app_ctx, sampah, "forward", actor=OPERATOR)
    page = officer.get(f"/kasus/{sampah}").text
    assert _forms(page) == ["start", "return", "resolve", "mark_outside"]
    assert "/gabung" not in page and "/pecah" not in page  # Diskominfo only
    operator_page = login("operator").get(f"/kasus/{pju}").text
    assert "/gabung" in operator_page and "/pecah" in operator_page  # two reports: can split


def test_forward_with_an_opd_choice_then_the_officer_resolves_with_a_photo(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ticket = _tickets(app_ctx, tmp_path)["sampah"]
    op = login("operator")
    version = _case(app_ctx, ticket)["version"]
    sent = op.post(
        f"/kasus/{ticket}/aksi/forward",
        {"opd": "DLH", "note": "sudah dicek", "version": version},
    )
    assert (
        sent.status_code == 303 and sent.headers["location"] == f"/kasus/{ticket}?ok=kasus_forward"
    )
    case = _case(app_ctx, ticket)
    assert case["status"] == "forwarded" and case["opd"] == "DLH" and case["stage"] == "follow_up"
    shown = op.get(sent.headers["location"]).text
    assert "Kasus diteruskan ke OPD" in shown and "Tindak lanjut OPD" in shown

    officer = login("petugas.dlh")
    assert officer.post(f"/kasus/{ticket}/aksi/start", {}).status_code == 303
    resolved = officer.post(
        f"/kasus/{ticket}/aksi/resolve",
        {
            "public_note": "Sampah sudah diangkut truk DLH pagi ini.",
            "media_url": "https://foto.example/tps-bersih.jpg",
            "note": "armada 3",
        },
    )
    assert resolved.status_code == 303
    case = _case(app_ctx, ticket)
    assert case["status"] == "resolved" and case["stage"] == "confirm"
    page = officer.get(f"/kasus/{ticket}").text
    assert "Sampah sudah diangkut truk DLH pagi ini." in page
    assert 'href="https://foto.example/tps-bersih.jpg" rel="nofollow noopener noreferrer"' in page
    assert "Konfirmasi warga" in page and "berjalan" in page
    assert _forms(page) == []  # the officer has nothing left to do; Diskominfo may reopen/close
    assert _forms(op.get(f"/kasus/{ticket}").text) == ["reopen", "close"]
    with app_ctx.engine.connect() as conn:
        kinds = list(conn.execute(sa.select(t.case_events.c.action).order_by(t.case_events.c.id)))
    assert [k[0] for k in kinds][-3:] == ["forward", "start", "resolve"]


def test_a_missing_reason_keeps_what_was_typed_and_stores_nothing(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ticket = _tickets(app_ctx, tmp_path)["pju"]
    lurah = login("lurah.batutulis")
    before = _case(app_ctx, ticket)
    response = lurah.post(f"/kasus/{ticket}/aksi/reject", {"note": "catatan <b>internal</b>"})
    assert response.status_code == 422
    assert "Tidak disimpan: alasan penolakan wajib diisi" in response.text
    assert "catatan &lt;b&gt;internal&lt;/b&gt;</textarea>" in response.text  # kept, escaped
    assert _case(app_ctx, ticket) == before
    # a photo link must be a web address
    op = login("operator")
    bad = op.post(f"/kasus/{ticket}/catatan", {"note": "cek", "media_url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "tautan foto" in bad.text
    assert _case(app_ctx, ticket) == before


def test_someone_else_changed_the_case_first_is_a_clear_409(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ticket = _tickets(app_ctx, tmp_path)["pju"]
    seen = _case(app_ctx, ticket)["version"]
    actions.act(app_ctx, ticket, "verify", actor=OPERATOR)  # another operator, a moment earlier
    response = login("operator").post(
        f"/kasus/{ticket}/aksi/reject", {"public_note": "bukan aduan", "version": seen}
    )
    assert response.status_code == 409
    assert "sudah berubah" in response.text and "keadaan terbaru" in response.text
    assert "bukan aduan</textarea>" in response.text
    assert _case(app_ctx, ticket)["status"] == "verified"
    # an action the status no longer allows is a conflict too
    again = login("operator").post(f"/kasus/{ticket}/aksi/verify", {})
    assert again.status_code == 409 and "tidak boleh" in again.text


def test_roles_and_areas_are_enforced_on_the_server(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    pju, sampah = tickets["pju"], tickets["sampah"]
    lurah = login("lurah.batutulis")
    assert lurah.post(f"/kasus/{pju}/aksi/forward", {"opd": "DLH"}).status_code == 403
    assert lurah.post(f"/kasus/{sampah}/aksi/verify", {}).status_code == 403  # another kelurahan
    assert login("pimpinan").post(f"/kasus/{pju}/aksi/verify", {}).status_code == 403
    assert lurah.post(f"/kasus/{pju}/gabung", {"others": sampah, "note": "x"}).status_code == 403
    # no CSRF token: refused before anything happens
    no_csrf = lurah.client.post(f"/kasus/{pju}/aksi/verify", data={}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert _case(app_ctx, pju)["status"] == "received"
    assert lurah.post(f"/kasus/{pju}/aksi/verify", {}).status_code == 303
    assert _case(app_ctx, pju)["status"] == "verified"


def test_an_officer_who_returns_a_case_goes_back_to_the_queue(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ticket = _tickets(app_ctx, tmp_path)["sampah"]
    actions.act(app_ctx, ticket, "forward", actor=OPERATOR)
    officer = login("petugas.dlh")
    returned = officer.post(f"/kasus/{ticket}/aksi/return", {"note": "ini urusan kelurahan"})
    assert returned.status_code == 303 and returned.headers["location"] == "/?ok=kasus_return"
    case = _case(app_ctx, ticket)
    assert case["status"] == "verified" and case["returned_by"] == ["DLH"]


def test_merge_and_split_from_the_case_page(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    pju, sampah = tickets["pju"], tickets["sampah"]
    op = login("operator")
    with app_ctx.engine.connect() as conn:
        ids = list(
            conn.execute(
                sa.select(t.messages.c.id)
                .join(t.cases, t.cases.c.id == t.messages.c.case_id)
                .where(t.cases.c.ticket == pju)
                .order_by(t.messages.c.id)
            ).scalars()
        )
    none = op.post(f"/kasus/{pju}/pecah", {"note": "beda masalah"})
    assert none.status_code == 422 and "pilih pesan" in none.text
    split = op.post(f"/kasus/{pju}/pecah", {"message_ids": [ids[1]], "note": "beda tiang"})
    assert split.status_code == 303
    new_ticket = split.headers["location"].split("/kasus/")[1].split("?")[0]
    assert new_ticket not in (pju, sampah) and _case(app_ctx, new_ticket)["report_count"] == 1
    assert "Laporan dipindah ke kasus baru" in op.get(split.headers["location"]).text
    merged = op.post(
        f"/kasus/{new_ticket}/gabung", {"others": pju, "direction": "ke", "note": "sama saja"}
    )
    assert merged.status_code == 303 and merged.headers["location"].startswith(f"/kasus/{pju}")
    assert _case(app_ctx, new_ticket)["status"] == "merged"
    assert _case(app_ctx, pju)["report_count"] == 2
    merged_page = op.get(f"/kasus/{new_ticket}").text
    assert f'digabung ke <a href="/kasus/{pju}">' in merged_page
    assert f'Dipisah dari kasus <a href="/kasus/{pju}">' in merged_page
    assert _forms(merged_page) == [] and "/gabung" not in merged_page
    unknown = op.post(f"/kasus/{pju}/gabung", {"others": "BGR-0000-0000", "note": "x"})
    assert unknown.status_code == 404


def test_the_running_clock_shows_the_deadline_and_how_late_it_is(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path, clock: FixedClock
) -> None:
    ticket = _tickets(app_ctx, tmp_path)["pju"]
    op = login("operator")
    page = op.get(f"/kasus/{ticket}").text
    # 27 Nov 2026 (Friday) 08:00 WIB + 3 working days = Wednesday 2 Dec 08:00 WIB
    assert "2 Des 2026 08:00 WIB" in page and "sisa" in page and "Verifikasi dan penerusan" in page
    clock.advance(timedelta(days=6))
    late = login("operator").get(f"/kasus/{ticket}").text  # a new session: the old one idled out
    assert "lewat" in late and "overdue-text" in late
    assert clock.now() > datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
