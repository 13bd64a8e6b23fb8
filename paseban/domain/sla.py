"""Deadlines (SLA) per stage of a case, per topic and urgency, and the escalation ladder.

Policies are data (the `sla_policies` table, edited by staff); the defaults below follow
LAPOR! SP4N (verify and forward within 3 working days, agency follow-up within 5, closed after 10
working days without the citizen's objection) and SiBadra (emergencies within hours; escalation to
the head of the OPD, then to the leadership).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from paseban.domain.cases import Status
from paseban.domain.workdays import WorkCalendar


class Stage(StrEnum):
    VERIFY = "verify"  # received/verified: Diskominfo verifies and forwards
    FOLLOW_UP = "follow_up"  # forwarded/in progress: the OPD follows up and resolves
    CONFIRM = "confirm"  # resolved: the citizen may object; silence closes the case


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"  # office hours of working days
    HOURS = "hours"  # clock hours, every day


class Level(IntEnum):
    NONE = 0
    OPD_HEAD = 1  # the head of the OPD and the camat of the place
    LEADERSHIP = 2  # Diskominfo and the leadership list (sekda, wali kota)


STAGE_LABELS: dict[Stage, str] = {
    Stage.VERIFY: "Verifikasi dan penerusan",
    Stage.FOLLOW_UP: "Tindak lanjut OPD",
    Stage.CONFIRM: "Konfirmasi warga",
}

LEVEL_LABELS: dict[Level, str] = {
    Level.NONE: "belum ada eskalasi",
    Level.OPD_HEAD: "eskalasi tingkat 1: kepala OPD (atau meja aduan Diskominfo) dan camat",
    Level.LEADERSHIP: "eskalasi tingkat 2: Diskominfo dan pimpinan daerah",
}

UNIT_LABELS: dict[Unit, str] = {
    Unit.WORKING_DAYS: "hari kerja",
    Unit.WORKING_HOURS: "jam kerja",
    Unit.HOURS: "jam",
}

# which clock runs in each status; statuses not listed have no clock
STAGE_OF: dict[Status, Stage] = {
    Status.RECEIVED: Stage.VERIFY,
    Status.VERIFIED: Stage.VERIFY,
    Status.FORWARDED: Stage.FOLLOW_UP,
    Status.IN_PROGRESS: Stage.FOLLOW_UP,
    Status.RESOLVED: Stage.CONFIRM,
}


class InvalidPolicy(ValueError):
    pass


@dataclass(frozen=True)
class SlaPolicy:
    stage: Stage
    amount: int
    unit: Unit
    topic: str | None = None  # None: every topic
    urgency: str | None = None  # None: every urgency
    escalate_after: int = 1  # second escalation this long (same unit) after the deadline
    id: int | None = None

    def __post_init__(self) -> None:
        if self.amount < 0 or self.escalate_after < 0:
            raise InvalidPolicy("durasi tidak boleh negatif")
        if self.unit is Unit.HOURS and self.amount > 24 * 90:
            raise InvalidPolicy("durasi dalam jam terlalu panjang (maksimal 90 hari)")
        if self.unit is not Unit.HOURS and self.amount > 365:
            raise InvalidPolicy("durasi terlalu panjang (maksimal 365)")

    @property
    def specificity(self) -> int:
        return (2 if self.topic else 0) + (1 if self.urgency else 0)

    def describe(self) -> str:
        return f"{self.amount} {UNIT_LABELS[self.unit]}"


DEFAULT_POLICIES: tuple[SlaPolicy, ...] = (
    SlaPolicy(Stage.VERIFY, 3, Unit.WORKING_DAYS, escalate_after=1),
    SlaPolicy(Stage.VERIFY, 1, Unit.WORKING_DAYS, urgency="tinggi", escalate_after=1),
    SlaPolicy(Stage.VERIFY, 1, Unit.HOURS, urgency="darurat", escalate_after=1),
    SlaPolicy(Stage.FOLLOW_UP, 5, Unit.WORKING_DAYS, escalate_after=1),
    SlaPolicy(Stage.FOLLOW_UP, 3, Unit.WORKING_DAYS, urgency="tinggi", escalate_after=1),
    SlaPolicy(Stage.FOLLOW_UP, 6, Unit.HOURS, urgency="darurat", escalate_after=6),
    SlaPolicy(Stage.CONFIRM, 10, Unit.WORKING_DAYS, escalate_after=0),
)


def resolve_policy(
    policies: Iterable[SlaPolicy], stage: Stage, *, topic: str | None, urgency: str | None
) -> SlaPolicy:
    """The most specific policy for the stage: topic and urgency, then topic, then urgency, then
    the stage default. Falls back to the built-in default when the table has none."""
    best: SlaPolicy | None = None
    for policy in policies:
        if policy.stage is not stage:
            continue
        if policy.topic is not None and policy.topic != topic:
            continue
        if policy.urgency is not None and policy.urgency != urgency:
            continue
        if best is None or policy.specificity > best.specificity:
            best = policy
    if best is not None:
        return best
    return resolve_policy(DEFAULT_POLICIES, stage, topic=topic, urgency=urgency)


def add(calendar: WorkCalendar, start: datetime, amount: int, unit: Unit) -> datetime:
    if unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(start, amount)
    if unit is Unit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    return calendar.add_hours(start, amount)


@dataclass(frozen=True)
class Clock:
    """One running deadline: the stage, when it started, when it is due, when the second
    escalation falls due, and the policy that set it."""

    stage: Stage
    started_at: datetime
    due_at: datetime
    escalate_at: datetime
    policy: SlaPolicy

    def next_action_at(self, level: Level) -> datetime | None:
        """When the sweep must next look at this clock (None: nothing left to do)."""
        if self.stage is Stage.CONFIRM:
            return self.due_at if level is Level.NONE else None
        if level is Level.NONE:
            return self.due_at
        if level is Level.OPD_HEAD:
            return self.escalate_at
        return None


def start_clock(
    stage: Stage,
    start: datetime,
    *,
    topic: str | None,
    urgency: str | None,
    policies: Iterable[SlaPolicy],
    calendar: WorkCalendar,
) -> Clock:
    policy = resolve_policy(policies, stage, topic=topic, urgency=urgency)
    due = add(calendar, start, policy.amount, policy.unit)
    escalate = add(calendar, due, policy.escalate_after, policy.unit)
    return Clock(stage, start, due, escalate, policy)


# stages whose deadline binds the city: late work there is overdue and escalates. During CONFIRM
# the city's clock is paused: the OPD said it is done and only the citizen's window runs, which
# closes the case when it ends; nobody is late.
OVERDUE_STAGES: frozenset[Stage] = frozenset({Stage.VERIFY, Stage.FOLLOW_UP})


@dataclass(frozen=True)
class Deadline:
    """A case's running deadline as every page, filter, API and report shows it: the one clock.
    `due_at` None: no clock runs (closed, rejected, merged, outside authority)."""

    stage: Stage | None
    due_at: datetime | None
    level: Level
    overdue: bool  # a binding deadline has passed (never during the citizen's confirmation)
    left: timedelta  # time until the deadline; negative: how late; zero without a clock

    @property
    def running(self) -> bool:
        return self.due_at is not None

    @property
    def paused(self) -> bool:
        """The city's clock stands still: only the citizen's confirmation window runs."""
        return self.stage is not None and self.stage not in OVERDUE_STAGES

    @property
    def late_by(self) -> timedelta:
        return -self.left if self.overdue else timedelta(0)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage] if self.stage is not None else ""

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


NO_DEADLINE = Deadline(None, None, Level.NONE, False, timedelta(0))


def deadline(
    stage: Stage | str | None,
    due_at: datetime | None,
    escalation_level: int | None,
    *,
    now: datetime,
) -> Deadline:
    """The one rule for "when is this case due and is it late": every view reads a case's stored
    stage and due time through here (and the SQL filters through its twin,
    `storage.deadlines.overdue`, which a test keeps in step)."""
    if stage is None or due_at is None:
        return NO_DEADLINE
    stage = Stage(stage)
    overdue = stage in OVERDUE_STAGES and now > due_at
    return Deadline(stage, due_at, Level(int(escalation_level or 0)), overdue, due_at - now)


def is_breached(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and now > due_at


def next_level(current: Level) -> Level:
    return Level(min(current + 1, Level.LEADERSHIP))


def escalation_recipients(
    level: Level,
    *,
    stage: Stage,
    opd: str | None,
    kecamatan: str | None,
    leadership: Iterable[str],
) -> list[str]:
    """Who is told. Level 1: whoever holds the clock (the head of the OPD during follow-up,
    Diskominfo's complaint desk during verification) and the camat of the place. Level 2:
    Diskominfo and the leadership list (a parameter staff edit)."""
    if level is Level.OPD_HEAD:
        holder = f"kepala:{opd}" if stage is Stage.FOLLOW_UP and opd else "diskominfo"
        return [holder, *([f"camat:{kecamatan}"] if kecamatan else [])]
    if level is Level.LEADERSHIP:
        return ["diskominfo", *(name for name in leadership if name != "diskominfo")]
    return []
