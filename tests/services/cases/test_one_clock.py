"""One clock, shown the same everywhere (issue 14): a Hypothesis state machine drives a case
through its lifecycle, re-assignments and the passing of time, and after every step the case
list, the overdue filter, the OPD queue, the case page, the tracking page, the API, Open311 and
the measurement agree on the running deadline and whether it is late; no step moves a deadline
later except a change of stage (forwarding, resolving, reopening, returning) or a re-assignment
to another OPD, the documented ones (docs/cases.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from paseban.domain.accounts import Scope
from paseban.domain.cases import Action, Status
from paseban.domain.sla import deadline
from paseban.errors import PasebanError
from paseban.measurement.report_queries import overdue_by_opd
from paseban.security import tracking_key
from paseban.services.cases import actions, clocks, open311, reads, reassign, sweep
from paseban.storage import tables as t
from paseban.web.cases.api import case_out
from paseban.web.cases.page import clock_views
from tests.services.cases.test_lifecycle_machine import OneCase
from tests.services.conftest import DISKOMINFO, DLH, PUPR, Desk

ACTIONS = [a for a in Action if a is not Action.MERGE]


class OneClock(OneCase):
    @property
    def ticket(self) -> str:
        return str(self.desk.case(self.case_id)["ticket"])

    def clock_of(self) -> tuple[str | None, Any]:
        case = self.desk.case(self.case_id)
        return case["stage"], case["due_at"]

    def check_no_later(self, before: tuple[str | None, Any], restarted: bool) -> None:
        stage, due = self.clock_of()
        if stage is not None and stage == before[0] and not restarted:
            assert due == before[1], "a step inside one stage moved the deadline"

    @rule(
        action=st.sampled_from(ACTIONS),
        actor=st.sampled_from([DISKOMINFO, PUPR, DLH]),
        opd=st.sampled_from([None, "DPUPR", "DLH", "EXT_PLN"]),
        hours=st.integers(0, 30),
    )
    def act(self, action: Action, actor: Any, opd: str | None, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        before = self.clock_of()
        try:
            actions.act(self.ctx, self.case_id, action, actor=actor, note="alasan", opd=opd)
        except PasebanError:
            assert self.clock_of() == before
            return
        self.check_no_later(before, restarted=False)

    @rule(opd=st.sampled_from(["DPUPR", "DLH", "DISHUB", "EXT_PLN"]))
    def operator_reassigns(self, opd: str) -> None:
        before = self.clock_of()
        try:
            reassign.reassign(self.ctx, self.case_id, opd=opd, actor=DISKOMINFO, note="salah OPD")
        except PasebanError:
            assert self.clock_of() == before
            return
        case = self.desk.case(self.case_id)
        assert case["opd"] == opd and opd not in case["returned_by"]
        self.check_no_later(before, restarted=True)

    @rule(days=st.integers(1, 12))
    def time_passes(self, days: int) -> None:
        before = self.clock_of()
        self.clock.advance(timedelta(days=days))
        sweep.sweep(self.ctx)
        after = self.clock_of()
        assert after == before or after[0] is None  # escalating never moves it; closing ends it

    @invariant()
    def every_view_agrees(self) -> None:
        now = self.ctx.now()
        case = self.desk.case(self.case_id)
        d = deadline(case["stage"], case["due_at"], case["escalation_level"], now=now)
        # the stored columns mirror the running stage
        with self.ctx.engine.connect() as conn:
            running = clocks.running_stage(conn, self.case_id)
            late_by_opd = {r["opd"]: r["overdue"] for r in overdue_by_opd(conn, now)}
        if running is None:
            assert not d.running
        else:
            assert (running.stage, running.due_at) == (case["stage"], case["due_at"])
        # the list and its overdue filter
        rows, _ = reads.list_cases(self.ctx)
        listed = next(r for r in rows if r["id"] == self.case_id)
        assert deadline(listed["stage"], listed["due_at"], 0, now=now).overdue == d.overdue
        late, _ = reads.list_cases(self.ctx, overdue_at=now)
        assert (self.case_id in {r["id"] for r in late}) == d.overdue
        # the OPD queue
        if case["opd"] and case["status"] in ("forwarded", "in_progress"):
            queue, _ = reads.opd_queue(self.ctx, Scope(), case["opd"], overdue_at=now)
            assert (self.case_id in {r["id"] for r in queue}) == d.overdue
        # the case page
        views = [v for v in clock_views(clocks.clocks_of(self.ctx, self.case_id), now) if v.running]
        if d.running:
            assert len(views) == 1 and views[0].due_at == d.due_at
            assert views[0].late == d.overdue
        # the tracking page, the API, Open311, the measurement
        key = tracking_key(self.ctx.settings.secret_key, self.ticket)
        public = reads.public_case(self.ctx, self.ticket, key)
        assert public["overdue"] == d.overdue and public["due_at"] == d.due_at
        assert case_out(listed, now).overdue == d.overdue
        notice = open311.get_request(self.ctx, self.ticket)["service_notice"] or ""
        assert ("(terlambat)" in notice) == d.overdue
        assert (late_by_opd.get(case["opd"], 0) == 1) == d.overdue


OneClock.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOneClock = OneClock.TestCase


def test_accepting_keeps_a_running_deadline_even_when_the_case_columns_were_empty(
    desk: Desk,
) -> None:
    """The sample used to leave cases.stage and cases.due_at empty while case_stages ran a
    follow-up clock; accepting then restarted the clock (11 -> 14 Dec) and judged the first stage
    on time. The running stage is now read from case_stages itself."""
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    assert case is not None
    actions.act(desk.ctx, case["id"], Action.FORWARD, actor=DISKOMINFO, opd="DPUPR")
    forwarded = desk.case(case["id"])
    with desk.ctx.engine.begin() as conn:  # what the old sample generator wrote
        conn.execute(
            sa.update(t.cases).where(t.cases.c.id == case["id"]).values(stage=None, due_at=None)
        )
    actions.act(desk.ctx, case["id"], Action.START, actor=PUPR)
    accepted = desk.case(case["id"])
    assert accepted["status"] == Status.IN_PROGRESS.value
    assert accepted["due_at"] == forwarded["due_at"] and accepted["stage"] == "follow_up"
    stages = clocks.clocks_of(desk.ctx, case["id"])
    assert [s["stage"] for s in stages] == ["verify", "follow_up"]
    assert stages[-1]["finished_at"] is None
