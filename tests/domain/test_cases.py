from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from paseban.domain.accounts import Role
from paseban.domain.cases import (
    NEEDS_NOTE,
    ROLE_ACTIONS,
    STATUS_COLOURS,
    STATUS_LABELS,
    TERMINAL,
    TRANSITIONS,
    Action,
    Case,
    CaseEvent,
    InvalidTransition,
    NoteRequired,
    Status,
    actions_for,
    allowed_actions,
    lifecycle_mermaid,
    ticket_code,
    transition,
)

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def new_case() -> Case:
    return Case(1, "BGR-2611-0001", Status.RECEIVED, opened_at=T0)


def test_happy_path_reaches_closed() -> None:
    case = new_case()
    for action in (Action.VERIFY, Action.FORWARD, Action.START, Action.RESOLVE, Action.CLOSE):
        case, event = transition(case, action, at=T0, actor="op")
        assert event.to_status is case.status
    assert case.status is Status.CLOSED
    assert case.version == 6


def test_illegal_transition_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="close"):
        transition(new_case(), Action.CLOSE, at=T0, actor="op")


def test_reasons_are_required_where_the_practice_asks_for_them() -> None:
    with pytest.raises(NoteRequired):
        transition(new_case(), Action.REJECT, at=T0, actor="op", note="  ")
    case, event = transition(new_case(), Action.REJECT, at=T0, actor="op", note="bukan aduan")
    assert case.status is Status.REJECTED and event.note == "bukan aduan"


def test_every_status_has_a_label_and_colour() -> None:
    assert set(STATUS_LABELS) == set(Status) == set(STATUS_COLOURS)


def test_terminal_states_have_no_way_out() -> None:
    assert all(source not in TERMINAL for source, _ in TRANSITIONS)
    assert all(allowed_actions(s) == [] for s in TERMINAL)


def test_actions_for_a_role_follow_the_table_and_the_role() -> None:
    assert actions_for(Role.OPD_OFFICER, Status.FORWARDED) == [
        Action.START,
        Action.RETURN,
        Action.RESOLVE,
        Action.MARK_OUTSIDE,
    ]
    assert actions_for(Role.KELURAHAN_ADMIN, Status.RECEIVED) == [Action.VERIFY, Action.REJECT]
    assert actions_for(Role.KELURAHAN_ADMIN, Status.FORWARDED) == []
    assert actions_for(Role.DISKOMINFO, Status.RESOLVED) == [Action.REOPEN, Action.CLOSE]
    assert actions_for(Role.VIEWER, Status.RECEIVED) == []
    assert actions_for(None, Status.RECEIVED) == []
    for role in Role:
        for status in Status:
            for action in actions_for(role, status):
                assert action in ROLE_ACTIONS[role] and (status, action) in TRANSITIONS
                assert action is not Action.MERGE


def test_ticket_code_is_readable() -> None:
    assert ticket_code("BGR", datetime(2026, 11, 27, tzinfo=UTC), 42) == "BGR-2611-0042"


class CaseLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case = new_case()
        self.log: list[CaseEvent] = []

    @rule(action=st.sampled_from(Action), note=st.sampled_from(["", "alasan"]))
    def act(self, action: Action, note: str) -> None:
        try:
            self.case, event = transition(self.case, action, at=T0, actor="test", note=note)
        except InvalidTransition:
            assert (self.case.status, action) not in TRANSITIONS
            return
        except NoteRequired:
            assert action in NEEDS_NOTE and not note
            return
        self.log.append(event)

    @invariant()
    def log_replays_to_current_status(self) -> None:
        status = Status.RECEIVED
        for event in self.log:
            assert event.from_status == status
            status = event.to_status
        assert status == self.case.status
        assert self.case.version == len(self.log) + 1

    @invariant()
    def nothing_leaves_a_terminal_state(self) -> None:
        assert all(event.from_status not in TERMINAL for event in self.log)


TestCaseLifecycle = CaseLifecycle.TestCase


def test_role_and_scope_decide_who_may_act() -> None:
    from paseban.domain.accounts import Role, Scope
    from paseban.domain.cases import SYSTEM, Actor, NotAllowed, check_allowed

    where = {"opd": "DPUPR", "kelurahan": "32.71.01.1001", "kecamatan": "32.71.01", "city": "32.71"}
    officer = Actor("petugas.pupr", Role.OPD_OFFICER, Scope(opd="DPUPR"))
    check_allowed(officer, Action.RESOLVE, **where)
    with pytest.raises(NotAllowed, match="peran"):
        check_allowed(officer, Action.FORWARD, **where)
    other = Actor("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH"))
    with pytest.raises(NotAllowed, match="cakupan"):
        check_allowed(other, Action.RESOLVE, **where)
    lurah = Actor("lurah", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
    check_allowed(lurah, Action.VERIFY, **where)
    with pytest.raises(NotAllowed):
        check_allowed(Actor("v", Role.VIEWER), Action.VERIFY, **where)
    check_allowed(SYSTEM, Action.CLOSE, **where)
    assert all(actions <= frozenset(Action) for actions in ROLE_ACTIONS.values())


def test_merged_is_terminal_and_needs_a_reason() -> None:
    with pytest.raises(NoteRequired):
        transition(new_case(), Action.MERGE, at=T0, actor="op")
    merged, _ = transition(new_case(), Action.MERGE, at=T0, actor="op", note="sama dengan 0001")
    assert merged.status is Status.MERGED and allowed_actions(Status.MERGED) == []


def test_diagram_is_generated_from_the_table() -> None:
    diagram = lifecycle_mermaid()
    assert diagram.startswith("stateDiagram-v2")
    assert diagram.count(" --> ") == len(TRANSITIONS) + 1 + len(TERMINAL)
    assert "resolved --> in_progress: reopen" in diagram
