"""Staff-edited routing rules and reply templates: validated on save, with revision history."""

from __future__ import annotations

import pytest

from paseban.errors import InvalidInput, NotFound
from paseban.security import tracking_key
from paseban.services.cases import replies, routing
from tests.services.conftest import Desk

ROAD = "jalan di batutulis berlubang, mohon diperbaiki"


def test_a_new_rule_routes_the_next_case_and_is_recorded(desk: Desk) -> None:
    ctx = desk.ctx
    routing.save_rule(
        ctx,
        name="jalan-batutulis-kecamatan",
        condition={"and": [
            {"attr": "topic", "op": "eq", "value": "jalan"},
            {"attr": "kelurahan", "op": "within", "value": "32.71.01"},
        ]},
        assign_to="KECAMATAN_KELURAHAN",
        priority=50,
        notes="uji coba",
        actor="op.diskominfo",
    )  # fmt: skip
    case = desk.send(ROAD)
    assert case is not None
    assert (case["opd"], case["route_rule"]) == ("KECAMATAN_KELURAHAN", "jalan-batutulis-kecamatan")
    routing.save_rule(
        ctx, name="jalan-batutulis-kecamatan", condition={"attr": "topic", "op": "eq",
        "value": "jalan"}, assign_to="DPUPR", priority=60, actor="op2",
    )  # fmt: skip
    routing.deactivate_rule(ctx, "jalan-batutulis-kecamatan", actor="op3")
    history = routing.revisions(ctx, "routing_rule", "jalan-batutulis-kecamatan")
    assert [(h["note"], h["changed_by"], h["data"]["active"]) for h in history] == [
        ("baru", "op.diskominfo", True), ("ubah", "op2", True), ("nonaktif", "op3", False)
    ]  # fmt: skip
    with pytest.raises(NotFound):
        routing.deactivate_rule(ctx, "tidak-ada", actor="op")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"name": "Bad Name!"}, "nama aturan"),
        ({"assign_to": "NGAWUR"}, "OPD 'NGAWUR'"),
        ({"priority": -5}, "prioritas"),
        ({"priority": "1"}, "bilangan bulat"),
        ({"condition": {"attr": "cuaca", "op": "eq", "value": 1}}, "attr"),
        ({"condition": {"attr": "topic", "op": "mirip", "value": 1}}, "op"),
        ({"condition": {"and": []}}, "tidak kosong"),
        ({"condition": "topic == jalan"}, "objek JSON"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(
    desk: Desk, kwargs: dict[str, object], problem: str
) -> None:
    values: dict[str, object] = {
        "name": "aturan-baru", "condition": {"attr": "topic", "op": "eq", "value": "jalan"},
        "assign_to": "DPUPR", "priority": 10,
    }  # fmt: skip
    values.update(kwargs)
    before = len(routing.list_rules(desk.ctx))
    with pytest.raises(InvalidInput, match=problem):
        routing.save_rule(desk.ctx, actor="op", **values)  # type: ignore[arg-type]
    assert len(routing.list_rules(desk.ctx)) == before
    assert routing.revisions(desk.ctx, "routing_rule") == []


def test_topic_templates_are_used_and_bad_ones_refused(desk: Desk) -> None:
    ctx = desk.ctx
    replies.save_template(
        ctx, "received", "Laporan jalan {tiket} kami catat. Lacak: {tautan}", topic="jalan",
        actor="op",
    )  # fmt: skip
    desk.send(ROAD)
    desk.send("sampah numpuk di batutulis, bau", author="b")
    texts = [r["text"] for r in desk.outbox()]
    assert texts[0] == (
        "Laporan jalan BGR-2611-0001 kami catat. Lacak: http://127.0.0.1:8000/lacak/BGR-2611-0001"
        f"?kunci={tracking_key(ctx.settings.secret_key, 'BGR-2611-0001')}"
    )
    assert texts[1].startswith("Terima kasih, aduan Anda sudah kami terima")
    for event, text, topic in (
        ("received", "Tiket {nomor}", None),
        ("liburan", "{tiket}", None),
        ("received", "{tiket}", "ngawur"),
        ("received", "", None),
    ):
        with pytest.raises(InvalidInput):
            replies.save_template(ctx, event, text, topic=topic, actor="op")
    assert [r["key"] for r in routing.revisions(ctx, "reply_template")] == ["received:jalan"]


def test_queue_reply_is_idempotent_and_respects_channels(desk: Desk) -> None:
    desk.send(ROAD)
    with desk.ctx.engine.begin() as conn:
        again = replies.queue_reply(conn, desk.ctx, message_id=1, text="x", reason="case:1:open")
        other = replies.queue_reply(conn, desk.ctx, message_id=1, text="y", reason="manual:1")
        with pytest.raises(InvalidInput):
            replies.queue_reply(conn, desk.ctx, message_id=999, text="x", reason="r")
    assert again is None and other is not None
    from paseban.services.people import accounts

    csv = desk.tmp_path / "manual.csv"
    csv.write_text(
        "platform,handle,platform_account_id,owner_kind,owner_code,name\n"
        "manual,meja.aduan,,city,32.71,Meja Aduan\n",
        encoding="utf-8",
    )
    accounts.import_csv(desk.ctx, csv)
    desk.send("sampah numpuk di batutulis", author="f", platform="manual", account="meja.aduan")
    statuses = [(r["platform"], r["status"], r["last_error"]) for r in desk.outbox()]
    assert statuses[-1][:2] == ("manual", "cancelled") and "tidak punya balasan" in statuses[-1][2]
