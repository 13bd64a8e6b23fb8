from __future__ import annotations

from datetime import datetime

import pytest

from paseban import reference
from paseban.domain.cases import Status
from paseban.domain.sla import (
    DEFAULT_POLICIES,
    STAGE_OF,
    InvalidPolicy,
    Level,
    SlaPolicy,
    Stage,
    Unit,
    escalation_recipients,
    is_breached,
    next_level,
    resolve_policy,
    start_clock,
)
from paseban.domain.workdays import JAKARTA, WorkCalendar

CAL = WorkCalendar(holidays=frozenset(h.date for h in reference.for_city("32.71").holidays))


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_defaults_follow_lapor_and_sibadra() -> None:
    def get(stage: Stage, urgency: str = "normal") -> SlaPolicy:
        return resolve_policy(DEFAULT_POLICIES, stage, topic="jalan", urgency=urgency)

    assert (get(Stage.VERIFY).amount, get(Stage.VERIFY).unit) == (3, Unit.WORKING_DAYS)
    assert (get(Stage.FOLLOW_UP).amount, get(Stage.FOLLOW_UP).unit) == (5, Unit.WORKING_DAYS)
    assert (get(Stage.CONFIRM).amount, get(Stage.CONFIRM).unit) == (10, Unit.WORKING_DAYS)
    assert get(Stage.VERIFY, "darurat").unit is Unit.HOURS
    assert get(Stage.FOLLOW_UP, "darurat").describe() == "6 jam"


def test_the_most_specific_policy_wins() -> None:
    policies = [
        SlaPolicy(Stage.FOLLOW_UP, 5, Unit.WORKING_DAYS),
        SlaPolicy(Stage.FOLLOW_UP, 2, Unit.WORKING_DAYS, urgency="tinggi"),
        SlaPolicy(Stage.FOLLOW_UP, 10, Unit.WORKING_DAYS, topic="adminduk"),
        SlaPolicy(Stage.FOLLOW_UP, 7, Unit.WORKING_DAYS, topic="adminduk", urgency="tinggi"),
    ]

    def amount(topic: str, urgency: str) -> int:
        return resolve_policy(policies, Stage.FOLLOW_UP, topic=topic, urgency=urgency).amount

    assert amount("jalan", "normal") == 5
    assert amount("jalan", "tinggi") == 2
    assert amount("adminduk", "normal") == 10
    assert amount("adminduk", "tinggi") == 7
    # a stage missing from the table falls back to the built-in default
    assert resolve_policy(policies, Stage.CONFIRM, topic=None, urgency=None).amount == 10


def test_clock_across_idulfitri_and_escalation_times() -> None:
    clock = start_clock(
        Stage.VERIFY,
        wib(2026, 3, 17, 10, 0),
        topic="jalan",
        urgency="normal",
        policies=DEFAULT_POLICIES,
        calendar=CAL,
    )
    assert clock.due_at == wib(2026, 3, 27, 10, 0)
    assert clock.escalate_at == wib(2026, 3, 30, 10, 0)
    assert clock.next_action_at(Level.NONE) == clock.due_at
    assert clock.next_action_at(Level.OPD_HEAD) == clock.escalate_at
    assert clock.next_action_at(Level.LEADERSHIP) is None
    emergency = start_clock(
        Stage.VERIFY,
        wib(2026, 3, 21, 20, 0),
        topic="banjir_longsor",
        urgency="darurat",
        policies=DEFAULT_POLICIES,
        calendar=CAL,
    )
    assert emergency.due_at == wib(2026, 3, 21, 21, 0)  # on Idulfitri itself: hours, not days
    confirm = start_clock(
        Stage.CONFIRM, wib(2026, 12, 23, 14, 0), topic=None, urgency=None,
        policies=DEFAULT_POLICIES, calendar=CAL,
    )  # fmt: skip
    assert confirm.due_at == wib(2027, 1, 12, 14, 0)
    assert confirm.next_action_at(Level.NONE) == confirm.due_at
    assert confirm.next_action_at(Level.OPD_HEAD) is None


def test_breach_levels_and_recipients() -> None:
    due = wib(2026, 11, 27, 9, 0)
    assert not is_breached(due, due) and is_breached(due, wib(2026, 11, 27, 9, 1))
    assert not is_breached(None, due)
    assert next_level(Level.NONE) is Level.OPD_HEAD
    assert next_level(Level.LEADERSHIP) is Level.LEADERSHIP
    args = {"opd": "DPUPR", "kecamatan": "32.71.01", "leadership": ["sekda", "walikota"]}
    assert escalation_recipients(Level.OPD_HEAD, stage=Stage.FOLLOW_UP, **args) == [  # type: ignore[arg-type]
        "kepala:DPUPR",
        "camat:32.71.01",
    ]
    assert escalation_recipients(Level.OPD_HEAD, stage=Stage.VERIFY, **args)[0] == "diskominfo"  # type: ignore[arg-type]
    assert escalation_recipients(Level.LEADERSHIP, stage=Stage.FOLLOW_UP, **args) == [  # type: ignore[arg-type]
        "diskominfo",
        "sekda",
        "walikota",
    ]


def test_every_open_status_has_a_clock() -> None:
    assert set(STAGE_OF) == {
        Status.RECEIVED, Status.VERIFIED, Status.FORWARDED, Status.IN_PROGRESS, Status.RESOLVED
    }  # fmt: skip


def test_bad_policies_are_refused() -> None:
    with pytest.raises(InvalidPolicy):
        SlaPolicy(Stage.VERIFY, -1, Unit.WORKING_DAYS)
    with pytest.raises(InvalidPolicy):
        SlaPolicy(Stage.VERIFY, 5000, Unit.WORKING_DAYS)
