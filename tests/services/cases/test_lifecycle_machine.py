"""A Hypothesis state machine drives the lifecycle services on a real (SQLite) database: every
action either applies exactly the transition table's step, or fails and changes nothing; the
audit trail always replays to the case's status; exactly the running stage has a clock."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from paseban.clock import FixedClock
from paseban.domain.cases import TRANSITIONS, Action, Status
from paseban.domain.sla import STAGE_OF
from paseban.errors import PasebanError
from paseban.services.cases import actions, sweep
from paseban.services.reference import store as reference
from paseban.storage import migrate
from paseban.storage import tables as t
from tests.conftest import T0, make_ctx
from tests.services.conftest import DISKOMINFO, DLH, PUPR, Desk

ACTIONS = [a for a in Action if a is not Action.MERGE]


@cache
def template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="paseban-machine-"))
    path = folder / "template.db"
    ctx = make_ctx(f"sqlite:///{path}")
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    ctx.close()
    return path


class OneCase(RuleBasedStateMachine):
    """A fresh copy of the reference database with one routed road complaint in it."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="paseban-run-"))
        shutil.copy(template(), self.folder / "p.db")
        self.clock = FixedClock(T0)
        self.ctx = make_ctx(f"sqlite:///{self.folder / 'p.db'}", clock=self.clock)
        self.desk = Desk(self.ctx, self.folder)
        case = self.desk.send("jalan di batutulis berlubang, mohon diperbaiki")
        assert case is not None
        self.case_id = case["id"]

    def teardown(self) -> None:
        self.ctx.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class ServiceLifecycle(OneCase):
    def snapshot(self) -> tuple[Any, ...]:
        case = self.desk.case(self.case_id)
        return (
            case["status"], case["version"], case["opd"], case["due_at"],
            self.desk.count(t.case_events), self.desk.count(t.outbox),
            self.desk.count(t.case_stages),
        )  # fmt: skip

    @rule(
        action=st.sampled_from(ACTIONS),
        actor=st.sampled_from([DISKOMINFO, PUPR, DLH]),
        note=st.sampled_from(["", "alasan petugas"]),
        opd=st.sampled_from([None, "DPUPR", "DLH", "EXT_PLN", "NGAWUR"]),
        stale=st.booleans(),
    )
    def act(self, action: Action, actor: Any, note: str, opd: str | None, stale: bool) -> None:
        before = self.snapshot()
        version = before[1] - 1 if stale else before[1]
        try:
            after = actions.act(
                self.ctx, self.case_id, action, actor=actor, note=note, opd=opd, version=version
            )
        except PasebanError:
            assert self.snapshot() == before
            return
        assert not stale
        expected = TRANSITIONS[(Status(before[0]), action)]
        if action is Action.RETURN and after["status"] == Status.FORWARDED.value:
            expected = Status.FORWARDED  # re-routed and auto-forwarded
        assert after["status"] == expected.value
        assert after["version"] > before[1]

    @rule(days=st.integers(1, 15))
    def time_passes(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))
        sweep.sweep(self.ctx)

    @invariant()
    def audit_trail_replays_to_the_status(self) -> None:
        status = None
        for event in self.desk.events(self.case_id):
            if event["from_status"] is not None and event["from_status"] != event["to_status"]:
                assert event["from_status"] == status
            if event["from_status"] is None or event["from_status"] != event["to_status"]:
                status = event["to_status"]
        case = self.desk.case(self.case_id)
        assert status == case["status"]
        changes = [
            e for e in self.desk.events(self.case_id)
            if e["from_status"] is not None and e["from_status"] != e["to_status"]
        ]  # fmt: skip
        assert case["version"] == 1 + len(changes)

    @invariant()
    def only_the_running_stage_has_a_clock(self) -> None:
        case = self.desk.case(self.case_id)
        with self.ctx.engine.connect() as conn:
            running = conn.execute(
                sa.select(t.case_stages).where(
                    t.case_stages.c.case_id == self.case_id, t.case_stages.c.finished_at.is_(None)
                )
            ).all()
        stage = STAGE_OF.get(Status(case["status"]))
        if stage is None:
            assert running == [] and case["due_at"] is None
        else:
            assert len(running) == 1 and running[0].stage == stage.value == case["stage"]
            assert running[0].due_at == case["due_at"]


ServiceLifecycle.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestServiceLifecycle = ServiceLifecycle.TestCase
