"""The complaint lifecycle through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.sla import Stage
from paseban.domain.workdays import JAKARTA
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.cases import actions, clocks, routing, sweep
from paseban.services.cases.actions import IllegalTransition, StaleVersion
from paseban.storage import tables as t
from tests.conftest import make_ctx
from tests.services.conftest import DISKOMINFO, DLH, PUPR, Desk

ROAD = "jalan di batutulis berlubang, mohon diperbaiki"


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_a_new_case_is_clocked_and_answered(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None and case["ticket"] == "BGR-2611-0001"
    assert (case["status"], case["stage"], case["opd"]) == ("received", "verify", "DPUPR")
    assert case["due_at"] == wib(2026, 12, 2, 8, 0)  # Friday 08:00 + 3 working days
    assert case["platforms"] == ["instagram"] and case["last_report_at"] == wib(2026, 11, 27, 8)
    [reply] = desk.outbox()
    assert reply["status"] == "pending" and reply["kind"] == "reply"
    assert "BGR-2611-0001" in reply["text"]
    assert "http://127.0.0.1:8000/lacak/BGR-2611-0001" in reply["text"]
    assert reply["platform"] == "instagram" and reply["in_reply_to_message_id"] == 1


def test_the_happy_path_with_clocks_replies_and_audit(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    case = actions.act(ctx, case["ticket"], "verify", actor=DISKOMINFO)
    case = actions.act(ctx, case["id"], "forward", actor=DISKOMINFO)
    assert (case["status"], case["stage"]) == ("forwarded", "follow_up")
    assert case["due_at"] == wib(2026, 12, 4, 9, 0)  # now (Fri 09:00) + 5 working days
    due = case["due_at"]
    case = actions.act(ctx, case["id"], "start", actor=PUPR)
    assert case["due_at"] == due  # accepting keeps the follow-up clock
    actions.add_note(
        ctx, case["id"], actor=PUPR, note="tim survei", public_note="Sedang ditambal",
        media_url="https://foto.example/1.jpg",
    )  # fmt: skip
    case = actions.act(ctx, case["id"], "resolve", actor=PUPR, public_note="Lubang sudah ditambal.")
    assert (case["status"], case["stage"]) == ("resolved", "confirm")
    assert case["due_at"] == wib(2026, 12, 11, 9, 0)  # 10 working days to object
    case = actions.act(ctx, case["id"], "close", actor=DISKOMINFO)
    assert case["status"] == "closed" and case["stage"] is None and case["due_at"] is None
    trail = [(e["action"], e["from_status"], e["to_status"]) for e in desk.events(case["id"])]
    assert trail == [
        ("open", None, "received"),
        ("verify", "received", "verified"),
        ("forward", "verified", "forwarded"),
        ("start", "forwarded", "in_progress"),
        ("note", "in_progress", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("close", "resolved", "closed"),
    ]
    texts = [r["text"] for r in desk.outbox()]
    assert len(texts) == 5  # received, forwarded, in progress, resolved (sudah beres?), closed
    assert "Dinas Pekerjaan Umum" in texts[1] and "4 Des 2026 09:00 WIB" in texts[1]
    assert "Lubang sudah ditambal." in texts[3] and "SUDAH atau BELUM" in texts[3]
    stages = clocks.clocks_of(ctx, case["id"])
    assert [(s["stage"], s["breached"]) for s in stages] == [
        ("verify", False), ("follow_up", False), ("confirm", False)
    ]  # fmt: skip


def test_bad_actions_change_nothing(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    before = (desk.count(t.case_events), desk.count(t.outbox), desk.count(t.case_stages))
    with pytest.raises(IllegalTransition):
        actions.act(ctx, case["id"], "resolve", actor=DISKOMINFO)
    with pytest.raises(InvalidInput, match="OPD 'NGAWUR'"):
        actions.act(ctx, case["id"], "forward", actor=DISKOMINFO, opd="NGAWUR")
    with pytest.raises(InvalidInput, match="di luar Pemkot"):
        actions.act(ctx, case["id"], "forward", actor=DISKOMINFO, opd="EXT_PLN")
    with pytest.raises(InvalidInput, match="alasan"):
        actions.act(ctx, case["id"], "reject", actor=DISKOMINFO)
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        actions.act(ctx, case["id"], "terbang", actor=DISKOMINFO)
    with pytest.raises(Forbidden):
        actions.act(ctx, case["id"], "verify", actor=PUPR)
    with pytest.raises(NotFound):
        actions.act(ctx, "BGR-0000-0000", "verify", actor=DISKOMINFO)
    with pytest.raises(InvalidInput, match="URL"):
        actions.add_note(ctx, case["id"], actor=DISKOMINFO, note="x", media_url="javascript:1")
    assert (desk.count(t.case_events), desk.count(t.outbox), desk.count(t.case_stages)) == before
    assert desk.case(case["id"])["version"] == 1


def test_outside_authority_goes_to_the_outside_body_with_the_reason(desk: Desk) -> None:
    case = desk.send("listrik padam dari pagi di batutulis, kabel PLN menjuntai")
    assert case is not None
    with pytest.raises(InvalidInput, match="EXT_"):
        actions.act(desk.ctx, case["id"], "mark_outside", actor=DISKOMINFO, note="x", opd="DLH")
    done = actions.act(
        desk.ctx, case["id"], "mark_outside", actor=DISKOMINFO, opd="EXT_PLN",
        note="kabel PLN", public_note="Listrik rumah tangga ditangani PT PLN.",
    )  # fmt: skip
    assert (done["status"], done["opd"], done["stage"]) == ("outside_authority", "EXT_PLN", None)
    assert "PT PLN" in desk.outbox()[-1]["text"]


def test_returned_cases_are_rerouted_without_the_returning_opd(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    actions.act(ctx, case["id"], "forward", actor=DISKOMINFO)
    with pytest.raises(InvalidInput):
        actions.act(ctx, case["id"], "return", actor=PUPR)
    with pytest.raises(Forbidden):
        actions.act(ctx, case["id"], "return", actor=DLH, note="bukan kami")
    back = actions.act(ctx, case["id"], "return", actor=PUPR, note="ini saluran, bukan jalan")
    assert back["status"] == "verified" and back["returned_by"] == ["DPUPR"]
    assert back["opd"] is None and back["stage"] == "verify"  # no other rule: Diskominfo decides
    again = actions.act(ctx, case["id"], "forward", actor=DISKOMINFO, opd="DISPERUMKIM")
    assert again["opd"] == "DISPERUMKIM" and again["route_rule"] == "manual:op.diskominfo"
    returned = desk.events(case["id"])[-2]
    assert returned["note"] == "ini saluran, bukan jalan"
    assert returned["data"]["returned_by"] == "DPUPR"


def test_auto_forward_sends_new_cases_straight_to_the_opd(desk: Desk) -> None:
    routing.set_auto_forward(desk.ctx, True, actor="op.diskominfo")
    case = desk.send(ROAD)
    assert case is not None and (case["status"], case["opd"]) == ("forwarded", "DPUPR")
    assert [e["action"] for e in desk.events(case["id"])] == ["open", "forward"]
    assert len(desk.outbox()) == 2
    # an outside body is held for a person to confirm
    outside = desk.send("listrik padam dari pagi di tegal gundil, kabel PLN menjuntai")
    assert outside is not None and outside["status"] == "received"
    assert routing.revisions(desk.ctx, "parameter")[0]["data"] == {"value": True}


def test_stale_versions_lose(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    actions.act(ctx, case["id"], "verify", actor=DISKOMINFO, version=1)
    with pytest.raises(StaleVersion):
        actions.act(ctx, case["id"], "reject", actor=DISKOMINFO, note="x", version=1)
    assert desk.case(case["id"])["status"] == "verified"


def test_two_staff_acting_at_once_cannot_both_win(desk: Desk) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(action: str, note: str) -> None:
        barrier.wait()
        try:
            actions.act(ctx, case["id"], action, actor=DISKOMINFO, note=note, version=1)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [
        threading.Thread(target=worker, args=("verify", "")),
        threading.Thread(target=worker, args=("reject", "bukan aduan")),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["conflict", "ok"]
    final = desk.case(case["id"])
    assert final["version"] == 2
    assert len([e for e in desk.events(case["id"]) if e["action"] != "open"]) == 1


def test_sweep_escalates_in_two_steps_and_survives_a_restart(
    desk: Desk, clock: FixedClock, db_url: str
) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    actions.act(ctx, case["id"], "forward", actor=DISKOMINFO)  # due Fri 4 Dec 09:00
    assert sweep.sweep(ctx) == {"escalated": 0, "auto_closed": 0, "skipped": 0}
    clock.at = wib(2026, 12, 4, 9, 1)
    assert sweep.sweep(ctx)["escalated"] == 1
    assert sweep.sweep(ctx)["escalated"] == 0  # nothing twice
    first = desk.events(case["id"])[-1]
    assert first["action"] == "escalate" and first["data"]["level"] == 1
    assert first["data"]["recipients"] == ["kepala:DPUPR", "camat:32.71.01"]
    assert desk.case(case["id"])["escalation_level"] == 1
    # a new process on the same database picks the clock up: state lives in the database
    clock.at = wib(2026, 12, 7, 9, 1)  # one working day later (Monday)
    restarted = make_ctx(db_url, clock=clock)
    try:
        assert sweep.sweep(restarted)["escalated"] == 1
    finally:
        restarted.close()
    second = desk.events(case["id"])[-1]
    assert second["data"]["level"] == 2
    assert second["data"]["recipients"] == ["diskominfo", "sekda", "walikota"]
    clock.at = wib(2027, 1, 30, 9, 0)
    assert sweep.sweep(ctx)["escalated"] == 0  # level 2 is the top
    # finishing the stage late records the breach
    actions.act(ctx, case["id"], "resolve", actor=PUPR)
    assert [s["breached"] for s in clocks.clocks_of(ctx, case["id"])] == [False, True, None]


def test_silence_closes_a_resolved_case(desk: Desk, clock: FixedClock) -> None:
    ctx = desk.ctx
    case = desk.send(ROAD)
    assert case is not None
    actions.act(ctx, case["id"], "forward", actor=DISKOMINFO)
    actions.act(ctx, case["id"], "resolve", actor=PUPR)
    clock.at = wib(2026, 12, 11, 9, 0)
    assert sweep.sweep(ctx)["auto_closed"] == 0  # due exactly now: not yet
    clock.at = wib(2026, 12, 11, 9, 1)
    assert sweep.sweep(ctx) == {"escalated": 0, "auto_closed": 1, "skipped": 0}
    closed = desk.case(case["id"])
    assert closed["status"] == "closed"
    assert desk.events(case["id"])[-1]["data"] == {"auto": True}


def test_sweep_runs_as_a_registered_periodic_job(ctx: Context) -> None:
    from paseban.jobs import registry

    spec = registry(ctx)["sla_sweep"]
    assert spec.every == timedelta(seconds=60)


def test_policy_edits_apply_to_new_cases_with_history(desk: Desk) -> None:
    ctx = desk.ctx
    policy = clocks.parse_policy(
        {"stage": "verify", "topic": "jalan", "amount": 1, "unit": "working_days"}
    )
    clocks.save_policy(ctx, policy, actor="op.diskominfo", note="jalan lebih cepat")
    case = desk.send(ROAD)
    assert case is not None and case["due_at"] == wib(2026, 11, 30, 8, 0)
    history = routing.revisions(ctx, "sla_policy", "verify:jalan:*")
    assert history[0]["data"]["amount"] == 1 and history[0]["changed_by"] == "op.diskominfo"
    for bad in (
        {"stage": "verify", "amount": -1},
        {"stage": "lunch", "amount": 1},
        {"stage": "verify", "amount": 1, "topic": "ngawur"},
        {"stage": "verify"},
    ):
        with pytest.raises(InvalidInput):
            clocks.save_policy(ctx, clocks.parse_policy(bad), actor="op")
    with pytest.raises(InvalidInput):
        clocks.delete_policy(ctx, Stage.VERIFY, None, None, actor="op")
    clocks.delete_policy(ctx, Stage.VERIFY, "jalan", None, actor="op")
    assert routing.revisions(ctx, "sla_policy", "verify:jalan:*")[-1]["data"] is None
