"""Case lifecycle: the transition table is data, every change is an event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    FORWARDED = "forwarded"  # sent to the responsible OPD
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"  # not a complaint
    OUTSIDE_AUTHORITY = "outside_authority"  # PLN, national or provincial roads, police


class Action(StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    FORWARD = "forward"
    RETURN = "return"  # the OPD says "not ours"
    START = "start"
    RESOLVE = "resolve"
    REOPEN = "reopen"  # the citizen says "belum beres"
    CLOSE = "close"
    MARK_OUTSIDE = "mark_outside"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.RECEIVED, Action.VERIFY): Status.VERIFIED,
    (Status.RECEIVED, Action.REJECT): Status.REJECTED,
    (Status.RECEIVED, Action.FORWARD): Status.FORWARDED,
    (Status.RECEIVED, Action.MARK_OUTSIDE): Status.OUTSIDE_AUTHORITY,
    (Status.VERIFIED, Action.FORWARD): Status.FORWARDED,
    (Status.VERIFIED, Action.REJECT): Status.REJECTED,
    (Status.VERIFIED, Action.MARK_OUTSIDE): Status.OUTSIDE_AUTHORITY,
    (Status.FORWARDED, Action.START): Status.IN_PROGRESS,
    (Status.FORWARDED, Action.RETURN): Status.VERIFIED,
    (Status.FORWARDED, Action.RESOLVE): Status.RESOLVED,
    (Status.IN_PROGRESS, Action.RETURN): Status.VERIFIED,
    (Status.IN_PROGRESS, Action.RESOLVE): Status.RESOLVED,
    (Status.RESOLVED, Action.REOPEN): Status.IN_PROGRESS,
    (Status.RESOLVED, Action.CLOSE): Status.CLOSED,
}

TERMINAL: frozenset[Status] = frozenset({Status.CLOSED, Status.REJECTED, Status.OUTSIDE_AUTHORITY})
OPEN: frozenset[Status] = frozenset(set(Status) - TERMINAL - {Status.RESOLVED})

# actions that must say why
NEEDS_NOTE: frozenset[Action] = frozenset(
    {Action.REJECT, Action.RETURN, Action.MARK_OUTSIDE, Action.REOPEN}
)

STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Diterima",
    Status.VERIFIED: "Terverifikasi",
    Status.FORWARDED: "Diteruskan ke OPD",
    Status.IN_PROGRESS: "Sedang ditangani",
    Status.RESOLVED: "Selesai ditangani",
    Status.CLOSED: "Ditutup",
    Status.REJECTED: "Ditolak (bukan aduan)",
    Status.OUTSIDE_AUTHORITY: "Di luar kewenangan Pemkot",
}

STATUS_COLOURS: dict[Status, str] = {
    Status.RECEIVED: "#6b7280",
    Status.VERIFIED: "#2563eb",
    Status.FORWARDED: "#7c3aed",
    Status.IN_PROGRESS: "#d97706",
    Status.RESOLVED: "#059669",
    Status.CLOSED: "#374151",
    Status.REJECTED: "#9ca3af",
    Status.OUTSIDE_AUTHORITY: "#0891b2",
}


class InvalidTransition(ValueError):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"aksi {action.value!r} tidak boleh pada status {status.value!r}")
        self.status = status
        self.action = action


class NoteRequired(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    id: int | None
    ticket: str
    status: Status
    opened_at: datetime
    topic: str | None = None
    urgency: str = "normal"
    kelurahan: str | None = None
    kecamatan: str | None = None
    opd: str | None = None
    route_rule: str | None = None
    title: str = ""
    version: int = 1


@dataclass(frozen=True)
class CaseEvent:
    action: Action | str
    from_status: Status
    to_status: Status
    at: datetime
    actor: str
    note: str = ""


def allowed_actions(status: Status) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source is status]


def transition(
    case: Case, action: Action, *, at: datetime, actor: str, note: str = ""
) -> tuple[Case, CaseEvent]:
    target = TRANSITIONS.get((case.status, action))
    if target is None:
        raise InvalidTransition(case.status, action)
    if action in NEEDS_NOTE and not note.strip():
        raise NoteRequired(f"aksi {action.value!r} membutuhkan alasan")
    event = CaseEvent(action, case.status, target, at, actor, note)
    return replace(case, status=target, version=case.version + 1), event


def ticket_code(prefix: str, at_local: datetime, seq: int) -> str:
    """BGR-2611-0042: city prefix, year and month (local time), sequence within the month."""
    return f"{prefix}-{at_local:%y%m}-{seq:04d}"
