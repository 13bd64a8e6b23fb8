from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.cases import Actor
from paseban.services.cases import actions
from paseban.services.ingest import files
from paseban.services.people import audit
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


def _tickets(ctx: Context, tmp_path: Path) -> dict[str, str]:
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget"),
        message(2, "lampu jalan di batutulis masih mati min", time="2026-11-27T08:30:00+07:00"),
        message(3, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(4, "kebakaran rumah di empang tolong cepat", time="2026-11-27T08:45:00+07:00"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.cases.c.topic, t.cases.c.ticket)).all()
    return {str(topic): str(ticket) for topic, ticket in rows}


def test_case_list_filters_and_board(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    op = login("operator")
    listed = op.get("/kasus")
    assert listed.status_code == 200 and all(t in listed.text for t in tickets.values())
    # the deadline comes second, as in the OPD queue: a desk of 1,024 px sees it unscrolled
    head = re.findall(
        r"<th[^>]*>([^<]+)</th>", listed.text.split("<thead>")[1].split("</thead>")[0]
    )
    assert head[:3] == ["Tiket", "Tenggat", "Status"]
    only = op.get("/kasus?kelurahan=32.71.05.1002").text
    assert tickets["sampah"] in only and tickets["pju"] not in only
    urgent = op.get("/kasus?urgency=darurat").text
    assert tickets["pju"] not in urgent
    board = op.get("/kasus?view=board")
    assert board.status_code == 200
    assert board.text.count('class="column"') == 5 and "Diterima" in board.text
    assert tickets["pju"] in board.text
    assert op.get("/kasus?view=nope").status_code == 422


def test_case_page_shows_reports_and_timeline(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    page = login("lurah.batutulis").get(f"/kasus/{tickets['pju']}")
    assert page.status_code == 200
    assert "Laporan yang bergabung <small>2</small>" in page.text
    assert "membuka kasus" in page.text and "bergabung" in page.text
    assert "Balas atau koreksi" in page.text
    # the OPD officer reads the case of another OPD? no; its own, yes, without reply links
    assert login("petugas.dlh").get(f"/kasus/{tickets['sampah']}").status_code == 200
    assert login("petugas.dlh").get(f"/kasus/{tickets['pju']}").status_code == 403
    assert login("operator").get("/kasus/BGR-0000-0000").status_code == 404


def test_another_kelurahan_case_is_403_and_audited(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    response = login("lurah.tegalgundil").get(f"/kasus/{tickets['pju']}")
    assert response.status_code == 403
    assert "Akses ditolak" in response.text and "lampu" not in response.text
    denied = audit.list_events(app_ctx, action="access.denied")[0]
    assert denied["actor"] == "lurah.tegalgundil"
    assert denied["target_id"] == f"/kasus/{tickets['pju']}"
    # the kecamatan admin covers the kelurahan inside the kecamatan
    assert login("camat.selatan").get(f"/kasus/{tickets['pju']}").status_code == 200
    assert login("camat.selatan").get(f"/kasus/{tickets['sampah']}").status_code == 403


def test_overdue_cases_stand_out_and_sort_by_deadline(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _tickets(app_ctx, tmp_path)
    with app_ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.cases)
            .where(t.cases.c.ticket == tickets["sampah"])
            .values(due_at=app_ctx.now() - timedelta(hours=3))
        )
    op = login("operator")
    listed = op.get("/kasus").text
    row = listed[listed.index(tickets["sampah"]) - 200 : listed.index(tickets["sampah"])]
    assert "overdue" in row and "lewat 3 jam" in listed
    late = op.get("/kasus?overdue=1").text
    assert tickets["sampah"] in late and tickets["pju"] not in late
    assert "Saring kasus (aktif)" in late
    by_deadline = op.get("/kasus?order=deadline").text
    assert by_deadline.index(tickets["sampah"]) < by_deadline.index(tickets["pju"])
    # a case without a running deadline (rejected) is not in the deadline order
    actions.act(app_ctx, tickets["pju"], "reject", actor=Actor("operator"), public_note="iklan")
    by_deadline = op.get("/kasus?order=deadline").text
    assert tickets["pju"] not in by_deadline and tickets["sampah"] in by_deadline
    assert tickets["pju"] in op.get("/kasus").text
    board = op.get("/kasus?view=board").text
    assert "lewat tenggat 3 jam" in board
    assert op.get("/kasus?order=oldest").status_code == 422


def test_opd_pickers_never_default_to_the_first_opd_and_the_lurah_can_ask(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    """After an OPD returned a case (no OPD left), the forward form used to preselect BPBD, the
    first OPD in the list; the pickers now start empty. A kelurahan admin asks for a re-route
    from the case page and the operator decides it there (and sees it at /pengalihan)."""
    import re

    tickets = _tickets(app_ctx, tmp_path)
    ticket = tickets["pju"]
    with app_ctx.engine.begin() as conn:
        conn.execute(sa.update(t.cases).where(t.cases.c.ticket == ticket).values(opd=None))
    op = login("operator")
    page = op.get(f"/kasus/{ticket}").text
    for select in re.findall(r"<select[^>]*name=\"opd\"[^>]*>(.*?)</select>", page, re.S):
        # a browser shows the first option when none is selected: it must be the empty one
        assert select.strip().startswith('<option value="">'), select[:200]
        assert " selected" not in select, select[:200]
    lurah = login("lurah.batutulis")
    asked = lurah.post(
        f"/kasus/{ticket}/minta-alih",
        data={"opd": "DISHUB", "note": "lampu di jalan provinsi"},
    )
    assert asked.status_code == 303 and "ok=kasus_minta_alih" in asked.headers["location"]
    assert "Permintaan pengalihan terkirim" in lurah.get(asked.headers["location"]).text
    listed = op.get("/pengalihan")
    assert listed.status_code == 200 and ticket in listed.text and "jalan provinsi" in listed.text
    assert lurah.get("/pengalihan").status_code == 403
    request_id = re.search(r"/pengalihan/(\d+)", op.get(f"/kasus/{ticket}").text)
    assert request_id is not None
    decided = op.post(
        f"/kasus/{ticket}/pengalihan/{request_id.group(1)}",
        data={"putusan": "terima", "opd": "DISHUB", "note": ""},
    )
    assert decided.status_code == 303 and "ok=kasus_putus_alih" in decided.headers["location"]
    with app_ctx.engine.connect() as conn:
        opd = conn.execute(sa.select(t.cases.c.opd).where(t.cases.c.ticket == ticket)).scalar()
    assert opd == "DISHUB"
