from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import files
from paseban.services.people import audit
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


def _ingest(ctx: Context, tmp_path: Path) -> dict[str, int]:
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget min"),
        message(2, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(3, "mantap min acaranya kemarin seru"),
        message(4, "slot gacor deposit 10rb wd pasti cair"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.messages.c.external_id, t.messages.c.id)).all()
    return {str(ext): int(mid) for ext, mid in rows}


def _msg(ctx: Context, mid: int) -> dict[str, object]:
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(t.messages).where(t.messages.c.id == mid)).mappings().one()
    return dict(row)


def test_inbox_shows_the_accounts_in_scope_with_analysis_and_waiting_time(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    _ingest(app_ctx, tmp_path)
    lurah = login("lurah.batutulis").get("/kotak-masuk?state=all")
    assert lurah.status_code == 200
    assert "lampu jalan mati" in lurah.text and "tegal gundil" not in lurah.text
    assert "menunggu 1 jam" in lurah.text  # posted 08:00 WIB, now 09:00 WIB
    assert "Lampu jalan" in lurah.text or "pju" in lurah.text.lower()
    city = login("operator").get("/kotak-masuk?state=all").text
    assert "tegal gundil" in city and "lampu jalan mati" in city
    # an account outside the scope cannot be chosen
    with app_ctx.engine.connect() as conn:
        other = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.tegalgundil")
        ).scalar_one()
    assert login("lurah.batutulis").get(f"/kotak-masuk?account={other}").status_code == 403
    # viewers read, with names masked and no action forms
    viewer = login("pimpinan").get("/kotak-masuk?state=all").text
    assert "warga1" not in viewer and "w***1" in viewer and "/balas" not in viewer


def test_reply_with_a_template_is_recorded_on_the_case(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _ingest(app_ctx, tmp_path)
    lurah = login("lurah.batutulis")
    sent = lurah.post(
        f"/kotak-masuk/{ids['m1']}/balas",
        {"template": "received", "text": "", "kembali": "/kotak-masuk"},
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/kotak-masuk?ok=reply"
    event = audit.list_events(app_ctx, action="message.reply")[0]
    assert event["actor"] == "lurah.batutulis" and event["detail"]["status"] == "queued"
    assert "BGR-2611-" in event["detail"]["text"] and "/lacak/BGR-2611-" in event["detail"]["text"]
    row = _msg(app_ctx, ids["m1"])
    assert row["inbox_state"] == "answered" and row["handled_by"] == "lurah.batutulis"
    with app_ctx.engine.connect() as conn:
        actions = list(
            conn.execute(
                sa.select(t.case_events.c.action).where(t.case_events.c.case_id == row["case_id"])
            ).scalars()
        )
    assert actions == ["open", "reply"]
    # answered messages leave the "waiting" list
    assert "lampu jalan mati" not in lurah.get("/kotak-masuk").text
    # a ticket placeholder on a message without a case is refused, nothing stored
    refused = lurah.post(f"/kotak-masuk/{ids['m3']}/balas", {"text": "tiket {tiket}"})
    assert refused.status_code == 422 and "{tiket}" in refused.text
    assert _msg(app_ctx, ids["m3"])["inbox_state"] == "new"
    assert lurah.post(f"/kotak-masuk/{ids['m3']}/balas", {"text": "  "}).status_code == 422


def test_correct_mark_and_hide(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _ingest(app_ctx, tmp_path)
    lurah = login("lurah.batutulis")
    fixed = lurah.post(
        f"/kotak-masuk/{ids['m3']}/koreksi",
        {"intent": "apresiasi", "topic": "", "urgency": "normal", "kelurahan": "32.71.01.1003"},
    )
    assert fixed.status_code == 303
    row = _msg(app_ctx, ids["m3"])
    assert row["kelurahan"] == "32.71.01.1003" and row["place_source"] == "human"
    assert audit.list_events(app_ctx, action="message.correct")[0]["target_id"] == str(ids["m3"])
    bad = lurah.post(
        f"/kotak-masuk/{ids['m3']}/koreksi", {"intent": "nonsense", "urgency": "normal"}
    )
    assert bad.status_code == 422
    # not a complaint: the message leaves its case, and the case (no reports left) is rejected
    case_id = _msg(app_ctx, ids["m1"])["case_id"]
    assert (
        lurah.post(f"/kotak-masuk/{ids['m1']}/bukan-aduan", {"intent": "pertanyaan"}).status_code
        == 303
    )
    row = _msg(app_ctx, ids["m1"])
    assert row["case_id"] is None and row["intent"] == "pertanyaan"
    assert row["inbox_state"] == "not_complaint"
    with app_ctx.engine.connect() as conn:
        case = conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).mappings().one()
        corrections = (
            conn.execute(
                sa.select(t.analysis_corrections.c.field).where(
                    t.analysis_corrections.c.message_id == ids["m1"]
                )
            )
            .scalars()
            .all()
        )
    assert case["status"] == "rejected" and case["report_count"] == 0
    assert corrections == ["intent"]
    assert lurah.post(f"/kotak-masuk/{ids['m4']}/spam").status_code == 303
    assert _msg(app_ctx, ids["m4"])["inbox_state"] == "hidden"
    assert "slot gacor" not in lurah.get("/kotak-masuk?state=new").text


def test_actions_are_checked_on_the_server(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _ingest(app_ctx, tmp_path)
    other = login("lurah.tegalgundil")
    assert other.get(f"/kotak-masuk/{ids['m1']}").status_code == 403
    assert other.post(f"/kotak-masuk/{ids['m1']}/balas", {"text": "halo"}).status_code == 403
    assert login("pimpinan").post(f"/kotak-masuk/{ids['m1']}/spam").status_code == 403
    assert (
        login("lurah.batutulis")
        .post(f"/kotak-masuk/{ids['m1']}/spam", {"csrf": "forged"})
        .status_code
        == 403
    )
    assert _msg(app_ctx, ids["m1"])["inbox_state"] == "new"
    denied = audit.list_events(app_ctx, action="access.denied")
    assert {e["actor"] for e in denied} >= {"lurah.tegalgundil", "pimpinan"}


def test_original_text_needs_the_right_role_and_is_audited(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _ingest(app_ctx, tmp_path)
    page = login("lurah.batutulis").get(f"/kotak-masuk/{ids['m1']}?asli=1")
    assert page.status_code == 200 and "Teks asli" in page.text
    assert audit.list_events(app_ctx, action="message.view_original")[0]["actor"] == (
        "lurah.batutulis"
    )
    assert login("pimpinan").get(f"/kotak-masuk/{ids['m1']}?asli=1").status_code == 403


def test_review_queue(app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path) -> None:
    ids = _ingest(app_ctx, tmp_path)
    with app_ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))
    lurah = login("lurah.batutulis")
    page = lurah.get("/tinjauan")
    assert page.status_code == 200
    assert "lampu jalan mati" in page.text and "tegal gundil" not in page.text
    done = lurah.post(
        f"/kotak-masuk/{ids['m1']}/koreksi",
        {"intent": "aduan", "topic": "pju", "urgency": "normal", "kembali": "/tinjauan"},
    )
    assert done.headers["location"] == "/tinjauan?ok=correct"
    assert "lampu jalan mati" not in lurah.get("/tinjauan").text
    # confirming changes nothing but takes the message out of the queue
    before = _msg(app_ctx, ids["m3"])
    confirmed = lurah.post(f"/kotak-masuk/{ids['m3']}/koreksi", {"kembali": "/tinjauan"})
    assert confirmed.headers["location"] == "/tinjauan?ok=confirmed"
    after = _msg(app_ctx, ids["m3"])
    assert not after["needs_review"] and after["intent"] == before["intent"]
    assert after["kelurahan"] == before["kelurahan"]


def test_reply_templates_are_the_ones_staff_edit(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _ingest(app_ctx, tmp_path)
    op, lurah = login("operator"), login("lurah.batutulis")
    # Diskominfo edits the general "received" text and a lamp-specific one, and a quick reply
    for form in (
        {"event": "received", "text": "Siap, Kak! Tiket {tiket} ({topik}, {wilayah}): {tautan}"},
        {"event": "received", "topic": "pju", "text": "Lampu {wilayah} dicatat: {tiket}"},
        {"event": "thanks", "text": "Makasih, Kak! Salam dari {wilayah}."},
    ):
        assert op.post("/pengaturan/templat", form).status_code == 303
    listed = lurah.get("/kotak-masuk").text
    assert "Siap, Kak! Tiket {tiket} ({topik}, {wilayah}): {tautan}" in listed  # filled on send
    assert 'value="received">Aduan diterima (dengan tiket)' in listed
    # the message page offers the topic's own text, filled in for this message
    page = lurah.get(f"/kotak-masuk/{ids['m1']}").text
    assert "Lampu Batu Tulis dicatat: BGR-2611-" in page
    # a message without a case is offered only what it can fill
    praise = lurah.get(f"/kotak-masuk/{ids['m3']}").text
    assert 'value="thanks"' in praise and 'value="ask_place"' in praise
    assert 'value="received"' not in praise and 'value="status"' not in praise
    assert "Makasih, Kak! Salam dari Batu Tulis." in praise
    # sending by template code picks the topic's text on the server
    sent = lurah.post(f"/kotak-masuk/{ids['m1']}/balas", {"template": "received", "text": ""})
    assert sent.status_code == 303
    reply = audit.list_events(app_ctx, action="message.reply")[0]["detail"]
    assert reply["template"] == "received" and reply["text"].startswith("Lampu Batu Tulis dicatat")
    status = lurah.post(f"/kotak-masuk/{ids['m1']}/balas", {"template": "status", "text": ""})
    assert status.status_code == 303
    text = audit.list_events(app_ctx, action="message.reply")[0]["detail"]["text"]
    assert text.startswith("Status aduan BGR-2611-") and ": diterima." in text
    refused = lurah.post(f"/kotak-masuk/{ids['m3']}/balas", {"template": "received", "text": ""})
    assert refused.status_code == 422 and "{tiket}" in refused.text
    assert lurah.post(f"/kotak-masuk/{ids['m3']}/balas", {"template": "nope"}).status_code == 422
