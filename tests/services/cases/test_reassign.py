"""Corrections re-route, the operator re-assigns, a kelurahan admin asks (issue 14, item 2), and
the citizen answers "sudah beres" or "belum beres" from the tracking page (item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.domain.accounts import Role, Scope
from paseban.domain.cases import Action, Actor
from paseban.errors import Conflict, Forbidden, InvalidInput
from paseban.security import tracking_key
from paseban.services.cases import actions, clocks, confirmation, reassign, sweep
from paseban.services.inbox import review
from paseban.storage import tables as t
from tests.services.conftest import DISKOMINFO, PUPR, Desk

ROAD = "jalan di batutulis berlubang, mohon diperbaiki"
LURAH = Actor("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))


def first_message(desk: Desk, case_id: int) -> int:
    with desk.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.min(t.messages.c.id)).where(t.messages.c.case_id == case_id)
            ).scalar_one()
        )


def test_correcting_the_topic_reroutes_the_open_case(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None and case["opd"] == "DPUPR"
    review.correct(desk.ctx, first_message(desk, case["id"]), {"topic": "sampah"}, actor="lurah")
    after = desk.case(case["id"])
    assert (after["topic"], after["opd"], after["route_rule"]) == (
        "sampah",
        "DLH",
        "default:sampah",
    )
    event = desk.events(case["id"])[-1]
    assert event["action"] == "reroute"
    assert "default:sampah" in event["note"] and "DPUPR" in event["note"] and "DLH" in event["note"]
    assert event["data"]["from_opd"] == "DPUPR" and event["data"]["opd"] == "DLH"


def test_a_forwarded_case_moves_to_the_new_opd_on_a_new_clock_judged_for_nobody(
    desk: Desk,
) -> None:
    case = desk.send(ROAD)
    assert case is not None
    actions.act(desk.ctx, case["id"], Action.FORWARD, actor=DISKOMINFO, opd="DPUPR")
    review.correct(desk.ctx, first_message(desk, case["id"]), {"topic": "sampah"}, actor="lurah")
    after = desk.case(case["id"])
    assert (after["status"], after["opd"], after["returned_by"]) == ("forwarded", "DLH", [])
    stages = clocks.clocks_of(desk.ctx, case["id"])
    old, new = stages[-2], stages[-1]
    assert old["stage"] == new["stage"] == "follow_up"
    assert old["judged"] is False and old["breached"] is None and new["finished_at"] is None


def test_a_case_a_person_assigned_keeps_its_opd_after_a_correction(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    reassign.reassign(desk.ctx, case["id"], opd="DISHUB", actor=DISKOMINFO, note="lalu lintas")
    review.correct(desk.ctx, first_message(desk, case["id"]), {"topic": "sampah"}, actor="lurah")
    after = desk.case(case["id"])
    assert after["opd"] == "DISHUB" and after["topic"] == "sampah"
    event = desk.events(case["id"])[-1]
    assert event["action"] == "correct" and "ditetapkan petugas" in event["note"]


def test_the_operator_reassigns_with_a_reason_credited_to_nobody(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    actions.act(desk.ctx, case["id"], Action.FORWARD, actor=DISKOMINFO, opd="DPUPR")
    actions.act(desk.ctx, case["id"], Action.START, actor=PUPR)
    with pytest.raises(InvalidInput):
        reassign.reassign(desk.ctx, case["id"], opd="DLH", actor=DISKOMINFO, note=" ")
    with pytest.raises(Forbidden):
        reassign.reassign(desk.ctx, case["id"], opd="DLH", actor=PUPR, note="bukan kami")
    moved = reassign.reassign(desk.ctx, case["id"], opd="DLH", actor=DISKOMINFO, note="sampah")
    assert moved["status"] == "forwarded" and moved["opd"] == "DLH"
    assert moved["returned_by"] == [] and moved["route_rule"] == "manual:op.diskominfo"
    event = desk.events(case["id"])[-1]
    assert event["action"] == "reassign" and event["note"] == "sampah"
    with pytest.raises(InvalidInput):  # already there
        reassign.reassign(desk.ctx, case["id"], opd="DLH", actor=DISKOMINFO, note="lagi")


def test_a_kelurahan_admin_requests_a_reroute_and_the_operator_decides(desk: Desk) -> None:
    case = desk.send(ROAD)
    assert case is not None
    outsider = Actor("lurah.lain", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1002"))
    with pytest.raises(Forbidden):
        reassign.request_reroute(desk.ctx, case["id"], actor=outsider, reason="bukan PUPR")
    first = reassign.request_reroute(
        desk.ctx, case["id"], actor=LURAH, reason="ini sampah, bukan jalan", suggested_opd="DLH"
    )
    with pytest.raises(Conflict):
        reassign.request_reroute(desk.ctx, case["id"], actor=LURAH, reason="lagi")
    [open_one] = reassign.requests(desk.ctx)
    assert open_one["id"] == first and open_one["suggested_name"] and open_one["ticket"]
    with pytest.raises(Forbidden):
        reassign.decide_reroute(desk.ctx, first, actor=LURAH, accept=True)
    moved = reassign.decide_reroute(desk.ctx, first, actor=DISKOMINFO, accept=True)
    assert moved["opd"] == "DLH"
    assert reassign.requests(desk.ctx) == []
    second = reassign.request_reroute(desk.ctx, case["id"], actor=LURAH, reason="salah lagi")
    with pytest.raises(InvalidInput):
        reassign.decide_reroute(desk.ctx, second, actor=DISKOMINFO, accept=False, note="")
    reassign.decide_reroute(desk.ctx, second, actor=DISKOMINFO, accept=False, note="sudah benar")
    assert desk.case(case["id"])["opd"] == "DLH"
    assert desk.events(case["id"])[-1]["action"] == "reroute_declined"


def resolved_case(desk: Desk) -> dict[str, object]:
    case = desk.send(ROAD)
    assert case is not None
    for action in (Action.FORWARD, Action.START, Action.RESOLVE):
        actions.act(desk.ctx, case["id"], action, actor=DISKOMINFO, opd="DPUPR", note="selesai")
    return dict(desk.case(case["id"]))


def test_the_citizen_confirms_the_fix_with_the_link_from_a_reply(desk: Desk) -> None:
    case = resolved_case(desk)
    ticket = str(case["ticket"])
    with pytest.raises(Forbidden):  # a guessed ticket code is not enough
        confirmation.answer(desk.ctx, ticket, key=None, fixed=True)
    with pytest.raises(Forbidden):
        confirmation.answer(desk.ctx, ticket, key="0" * 20, fixed=True)
    key = tracking_key(desk.ctx.settings.secret_key, ticket)
    assert f"/lacak/{ticket}?kunci={key}" in desk.outbox()[-1]["text"]  # the "sudah beres?" reply
    assert confirmation.answer(desk.ctx, ticket, key=key, fixed=True).value == "closed"
    event = desk.events(int(case["id"]))[-1]  # type: ignore[call-overload]
    assert event["actor"] == "warga" and event["data"]["confirmed_by_citizen"] is True
    with pytest.raises(Conflict):
        confirmation.answer(desk.ctx, ticket, key=key, fixed=False)


def test_not_fixed_reopens_the_case_and_tells_its_opd(desk: Desk) -> None:
    told: list[str] = []

    class Spy:
        from paseban.hookspecs import hookimpl

        @hookimpl
        def case_event(self, ctx: object, case_id: int, event: dict[str, object]) -> None:
            told.append(str(event["action"]))

    desk.ctx.pm.register(Spy())
    case = resolved_case(desk)
    ticket = str(case["ticket"])
    key = tracking_key(desk.ctx.settings.secret_key, ticket)
    status = confirmation.answer(
        desk.ctx, ticket, key=key, fixed=False, remark="masih bolong, hubungi 081234567890"
    )
    assert status.value == "in_progress" and told[-1] == "reopen"
    after = desk.case(ticket)
    assert after["stage"] == "follow_up" and after["opd"] == "DPUPR"
    note = desk.events(after["id"])[-1]["note"]
    assert "masih bolong" in note and "081234567890" not in note  # masked


def test_silence_closes_the_case_after_the_confirm_policy(desk: Desk) -> None:
    case = resolved_case(desk)
    clock = desk.ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(days=13))  # 9 working days: still waiting
    sweep.sweep(desk.ctx)
    assert desk.case(str(case["ticket"]))["status"] == "resolved"
    clock.advance(timedelta(days=2))  # past 10 working days
    sweep.sweep(desk.ctx)
    closed = desk.case(str(case["ticket"]))
    assert closed["status"] == "closed" and closed["due_at"] is None
    assert desk.events(closed["id"])[-1]["data"]["auto"] is True
