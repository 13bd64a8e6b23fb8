"""One case per problem, follow-ups, the "sudah beres?" answer, merge and split."""

from __future__ import annotations

import pytest

from paseban.errors import Forbidden, InvalidInput
from paseban.services.cases import actions, merging
from paseban.services.cases.actions import IllegalTransition
from paseban.storage import tables as t
from tests.services.conftest import DISKOMINFO, PUPR, Desk

ROAD = "jalan di batutulis berlubang, mohon diperbaiki"


def test_many_citizens_one_case_counted_once_each(desk: Desk) -> None:
    first = desk.send(ROAD)
    second = desk.send("aspal jalan di batutulis rusak min", platform="instagram")
    third = desk.send("jalan rusak batutulis bahaya", account="pemkotbogor.wa", platform="whatsapp")
    assert first and second and third
    assert first["id"] == second["id"] == third["id"]
    case = desk.case(first["id"])
    assert case["report_count"] == 3 and case["platforms"] == ["instagram", "whatsapp"]
    joined = [e for e in desk.events(case["id"]) if e["action"] == "join"]
    assert len(joined) == 2 and "kelurahan sama" in joined[0]["note"]
    texts = [r["text"] for r in desk.outbox()]
    assert "sudah dilaporkan warga lain" in texts[1] and "(2 warga melapor)" in texts[1]
    assert "(3 warga melapor)" in texts[2]


def test_a_different_problem_or_place_opens_its_own_case(desk: Desk) -> None:
    road = desk.send(ROAD)
    trash = desk.send("sampah numpuk di batutulis, bau")
    elsewhere = desk.send("sampah numpuk di tegal gundil", account="kelurahan.tegalgundil")
    assert road and trash and elsewhere
    assert len({road["ticket"], trash["ticket"], elsewhere["ticket"]}) == 3


def test_follow_up_from_the_same_citizen_joins_their_case(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    again = desk.send("gimana min udah ditindak belum?", author="warga1")
    assert again is not None and again["id"] == case["id"]
    assert again["report_count"] == 1  # the same citizen, not a new report
    assert desk.events(case["id"])[-1]["action"] == "follow_up"
    assert desk.outbox()[-1]["text"].startswith(f"Status aduan {case['ticket']}: diterima")
    # someone else asking the same gets no case (their question is not a report)
    assert desk.send("gimana min udah ditindak belum?", author="orang_lain") is None


def test_a_ticket_code_in_the_text_finds_the_case(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    asked = desk.send(f"min tiket {case['ticket'].lower()} sampai mana ya", author="tetangga")
    assert asked is not None and asked["id"] == case["id"] and asked["report_count"] == 2


def test_belum_reopens_and_sudah_closes(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    actions.act(ctx, case["id"], "forward", actor=DISKOMINFO)
    actions.act(ctx, case["id"], "resolve", actor=PUPR, public_note="Sudah ditambal.")
    reply = desk.send("belum min, masih bolong", author="warga1", time="2026-11-27T10:00:00+07:00")
    assert reply is not None and reply["status"] == "in_progress" and reply["stage"] == "follow_up"
    reopened = desk.events(case["id"])[-1]
    assert (reopened["action"], reopened["actor"]) == ("reopen", "warga")
    assert "kami buka kembali" in desk.outbox()[-1]["text"]
    actions.act(ctx, case["id"], "resolve", actor=PUPR)
    done = desk.send("sudah min makasih", author="warga1", time="2026-11-27T11:00:00+07:00")
    assert done is not None and done["status"] == "closed"
    closed = desk.events(case["id"])[-1]
    assert closed["data"]["confirmed_by_citizen"] is True and closed["actor"] == "warga"


def test_an_answer_from_before_the_resolution_does_not_count(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    actions.act(desk.ctx, case["id"], "forward", actor=DISKOMINFO)
    actions.act(desk.ctx, case["id"], "resolve", actor=PUPR)  # at 09:00
    late = desk.send("sudah min makasih", author="warga1", time="2026-11-27T08:30:00+07:00")
    assert late is None and desk.case(case["id"])["status"] == "resolved"


def test_merge_moves_reports_and_keeps_tickets(desk: Desk) -> None:
    ctx = desk.ctx
    a = desk.send(ROAD)
    b = desk.send("sampah numpuk di batutulis, bau", author="b")
    assert a and b
    with pytest.raises(Forbidden):
        merging.merge(ctx, a["id"], [b["id"]], actor=PUPR, note="sama")
    with pytest.raises(InvalidInput):
        merging.merge(ctx, a["id"], [b["id"]], actor=DISKOMINFO, note=" ")
    with pytest.raises(InvalidInput):
        merging.merge(ctx, a["id"], [a["id"]], actor=DISKOMINFO, note="x")
    merged = merging.merge(ctx, a["ticket"], [b["ticket"]], actor=DISKOMINFO, note="sama lokasi")
    assert merged["report_count"] == 2 and merged["version"] == 2
    source = desk.case(b["id"])
    assert (source["status"], source["merged_into"], source["stage"]) == ("merged", a["id"], None)
    assert "digabung dengan laporan yang sama" in desk.outbox()[-1]["text"]
    assert a["ticket"] in desk.outbox()[-1]["text"]
    with pytest.raises(IllegalTransition):
        merging.merge(ctx, b["id"], [a["id"]], actor=DISKOMINFO, note="x")
    # a follow-up naming the merged ticket lands on the case it joined
    asked = desk.send(f"{b['ticket']} gimana?", author="c")
    assert asked is not None and asked["id"] == a["id"]


def test_split_opens_a_new_case_with_a_new_ticket(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    other = desk.send("aspal jalan di batutulis rusak min", author="x")
    assert case and other and case["id"] == other["id"]
    with desk.ctx.engine.connect() as conn:
        ids = [r.id for r in conn.execute(t.messages.select().order_by(t.messages.c.id))]
    with pytest.raises(InvalidInput, match="minimal satu"):
        merging.split(ctx, case["id"], ids, actor=DISKOMINFO, note="beda")
    with pytest.raises(InvalidInput, match="bukan bagian"):
        merging.split(ctx, case["id"], [999], actor=DISKOMINFO, note="beda")
    with pytest.raises(InvalidInput, match="topik"):
        merging.split(ctx, case["id"], [ids[1]], actor=DISKOMINFO, note="x", topic="ngawur")
    out = merging.split(ctx, case["id"], [ids[1]], actor=DISKOMINFO, note="beda", topic="drainase")
    new, source = out["new"], out["source"]
    assert new["ticket"] == "BGR-2611-0002" and new["split_from"] == case["id"]
    assert (new["topic"], new["opd"], new["stage"]) == ("drainase", "DPUPR", "verify")
    assert new["report_count"] == 1 and source["report_count"] == 1
    # tickets are never reused: the next case continues the counter
    third = desk.send("sampah numpuk di batutulis, bau", author="z")
    assert third is not None and third["ticket"] == "BGR-2611-0003"
