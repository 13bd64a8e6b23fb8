"""Sample cases for the measurement sample (data contoh), made the way the real desk makes them.

Every sample complaint goes through the same triage as a real message
(`services.cases.triage.place_message`: joined to the open case about the same problem in the
same place, or opened with a ticket code, routed by the rules and put on the verification clock),
and every step of a case's life is the real action (`services.cases.actions.apply`: the
transition, the clocks, the audit event and the reply to the citizen, which sample messages store
as cancelled). The simulation runs in time order on a clock of its own, so a report joins only a
case that was still open when it arrived, and the stored stage and deadline of every case are the
ones its clocks set. Which cases move and how fast is drawn from the seeded generator."""

from __future__ import annotations

import copy
import heapq
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.domain.cases import CITIZEN, Action, Actor, Status
from paseban.errors import Conflict, InvalidInput
from paseban.nlp.pipeline import Analysis, Decision, Place
from paseban.progress import Progress, quiet
from paseban.services.cases import actions, locks, triage
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

OPERATOR = Actor("operator")  # the sample desk (no role: the simulation decides what is allowed)
SAMPLE_REASON = "data contoh"


@dataclass(frozen=True)
class Step:
    """One scheduled step of a sample case's life."""

    case_id: int
    action: Action
    actor: Actor
    after: Status  # the status the case must still be in for the step to happen
    note: str = ""


def analysis_of(message: dict[str, Any]) -> Analysis:
    """The analysis a sample message carries (its labels are drawn, not inferred)."""
    text = message["text"]
    return Analysis(
        text=text,
        normalized=text.lower(),
        masked=message["masked_text"],
        intent=Decision(message["intent"], 1.0, SAMPLE_REASON),
        topic=Decision(message["topic"], 1.0, SAMPLE_REASON),
        urgency=Decision(message["urgency"], 1.0, SAMPLE_REASON),
        place=Place(
            kelurahan=message["kelurahan"],
            kecamatan=message["kecamatan"],
            source="text",
            confidence=1.0,
            reason=SAMPLE_REASON,
        ),
        version="contoh",
    )


PROGRESS = "menjalani kasus contoh (hari)"


class Simulation:
    """Messages and case steps in time order, each applied at its own moment."""

    def __init__(
        self,
        conn: sa.Connection,
        ctx: Context,
        rng: random.Random,
        opd_diligence: dict[str, float],
        officers: dict[str, str],
        progress: Progress = quiet,
        start: datetime | None = None,
    ) -> None:
        self.conn, self.rng, self.now = conn, rng, ctx.now()
        self.progress, self.start = progress, start
        locks.place_alone(conn)  # thousands of placements in one transaction, nobody else
        self.clock = FixedClock(self.now)
        self.ctx = copy.copy(ctx)  # the same database and plugins, on the simulation's clock
        self.ctx.clock = self.clock
        self.opd_diligence, self.officers = opd_diligence, officers
        self.queue: list[tuple[datetime, int, Any]] = []
        self.counter = 0
        self.counts = {"cases": 0, "joined": 0, "steps": 0}

    def push(self, at: datetime, item: Any) -> None:
        if at <= self.now:
            self.counter += 1
            heapq.heappush(self.queue, (at, self.counter, item))

    def run(self) -> None:
        """Live every event in time order, telling `progress` each simulated day (the longest
        part of `paseban init --sample`: about a minute on a slow machine)."""
        start = self.start or (self.queue[0][0] if self.queue else self.now)
        days = max((self.now - start).days, 1)
        told = -1
        while self.queue:
            at, _, item = heapq.heappop(self.queue)
            day = min((at - start).days, days)
            if day > told:
                self.progress(PROGRESS, day, days)
                told = day
            self.clock.at = at
            if isinstance(item, Step):
                self.step(item, at)
            else:
                self.arrive(item, at)
        self.progress(PROGRESS, days, days)

    def arrive(self, message: dict[str, Any], at: datetime) -> None:
        placement = triage.place_message(
            self.conn,
            self.ctx,
            message_id=message["id"],
            platform=message["platform"],
            analysis=analysis_of(message),
            reported_at=at,
            sample=True,
            author=message["author"],
        )
        if placement is None:
            return
        self.conn.execute(
            sa.update(t.messages)
            .where(t.messages.c.id == message["id"])
            .values(case_id=placement.case_id)
        )
        if placement.joined:
            self.counts["joined"] += 1
            return
        self.counts["cases"] += 1
        hours = self.rng.uniform(0.5, 30)
        self.push(
            at + timedelta(hours=hours),
            Step(placement.case_id, Action.VERIFY, OPERATOR, Status.RECEIVED),
        )

    def step(self, step: Step, at: datetime) -> None:
        case = actions.load_case(self.conn, step.case_id)
        if case["status"] != step.after.value:
            return  # merged, answered by the citizen or otherwise moved on meanwhile
        opd = case["opd"]
        action = step.action
        if action is Action.FORWARD and self._external(opd):
            action = Action.MARK_OUTSIDE
        note = step.note or (
            "[contoh] di luar kewenangan Pemkot" if action is Action.MARK_OUTSIDE else ""
        )
        try:
            with self.conn.begin_nested():
                if action is Action.CLOSE and step.actor.name == "sistem":
                    actions.auto_close(self.conn, self.ctx, case, at=at)
                else:
                    actions.apply(
                        self.conn, self.ctx, case, action, actor=step.actor, note=note, at=at
                    )
        except (Conflict, InvalidInput):
            return
        self.counts["steps"] += 1
        self.plan_next(step.case_id, action, opd, at)

    def _external(self, opd: str | None) -> bool:
        return bool(opd) and str(opd).startswith("EXT_")

    def plan_next(self, case_id: int, done: Action, opd: str | None, at: datetime) -> None:
        """What happens next to the case, drawn from how diligent its OPD is."""
        rng = self.rng
        officer = Actor(self.officers.get(opd or "", "sistem"))
        diligence = self.opd_diligence.get(opd or "", 0.5)
        if done is Action.VERIFY and opd:
            minutes = rng.uniform(5, 600)
            self.push(
                at + timedelta(minutes=minutes),
                Step(case_id, Action.FORWARD, OPERATOR, Status.VERIFIED),
            )
        elif done is Action.FORWARD:
            hours = rng.uniform(1, 30)
            self.push(
                at + timedelta(hours=hours), Step(case_id, Action.START, officer, Status.FORWARDED)
            )
        elif done in (Action.START, Action.REOPEN):
            slow = rng.random() > 0.45 + 0.5 * diligence
            days = rng.uniform(5, 14) if slow else rng.uniform(0.3, 4.5)
            if done is Action.REOPEN:
                days = rng.uniform(1, 4)
            self.push(
                at + timedelta(days=days),
                Step(case_id, Action.RESOLVE, officer, Status.IN_PROGRESS),
            )
        elif done is Action.RESOLVE:
            roll = rng.random()
            if roll < 0.08:
                later = at + timedelta(days=rng.uniform(0.5, 3))
                note = "[contoh] warga menyatakan masalah belum beres"
                self.push(later, Step(case_id, Action.REOPEN, CITIZEN, Status.RESOLVED, note))
            elif roll < 0.5:
                later = at + timedelta(days=rng.uniform(0.2, 4))
                self.push(later, Step(case_id, Action.CLOSE, CITIZEN, Status.RESOLVED))
            else:  # silence: the sweep closes the case when the citizen's window ends
                due = actions.load_case(self.conn, case_id)["due_at"]
                if due is not None:
                    self.push(
                        due + timedelta(minutes=1),
                        Step(case_id, Action.CLOSE, Actor("sistem"), Status.RESOLVED),
                    )


def sample_cases(
    conn: sa.Connection,
    ctx: Context,
    rng: random.Random,
    messages: list[dict[str, Any]],
    ids: dict[str, int],
    opd_diligence: dict[str, float],
    users: dict[str, str],
    progress: Progress = quiet,
    start: datetime | None = None,
) -> dict[str, int]:
    """Place every sample complaint through triage and live each case's life up to now."""
    sim = Simulation(conn, ctx, rng, opd_diligence, users, progress, start)
    for m in messages:
        if m["intent"] == "aduan":
            sim.push(m["posted_at"], {**m, "id": ids[m["external_id"]]})
    sim.run()
    events = conn.execute(
        sa.select(sa.func.count())
        .select_from(t.case_events.join(t.cases, t.cases.c.id == t.case_events.c.case_id))
        .where(t.cases.c.is_sample.is_(True))
    ).scalar_one()
    return {
        "cases": sim.counts["cases"],
        "joined": sim.counts["joined"],
        "case_events": int(events),
    }
