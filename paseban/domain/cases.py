"""Case lifecycle: the transition table is data, every change is an event."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from paseban.domain.accounts import Role, Scope


class Status(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    FORWARDED = "forwarded"  # sent to the responsible OPD
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"  # not a complaint
    OUTSIDE_AUTHORITY = "outside_authority"  # PLN, national or provincial roads, police
    MERGED = "merged"  # the same problem as another case; its reports moved there


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
    MERGE = "merge"  # staff join this case into another one


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
    (Status.FORWARDED, Action.MARK_OUTSIDE): Status.OUTSIDE_AUTHORITY,
    (Status.IN_PROGRESS, Action.RETURN): Status.VERIFIED,
    (Status.IN_PROGRESS, Action.RESOLVE): Status.RESOLVED,
    (Status.IN_PROGRESS, Action.MARK_OUTSIDE): Status.OUTSIDE_AUTHORITY,
    (Status.RESOLVED, Action.REOPEN): Status.IN_PROGRESS,
    (Status.RESOLVED, Action.CLOSE): Status.CLOSED,
    (Status.RECEIVED, Action.MERGE): Status.MERGED,
    (Status.VERIFIED, Action.MERGE): Status.MERGED,
    (Status.FORWARDED, Action.MERGE): Status.MERGED,
    (Status.IN_PROGRESS, Action.MERGE): Status.MERGED,
}

TERMINAL: frozenset[Status] = frozenset(
    {Status.CLOSED, Status.REJECTED, Status.OUTSIDE_AUTHORITY, Status.MERGED}
)
OPEN: frozenset[Status] = frozenset(set(Status) - TERMINAL - {Status.RESOLVED})

# actions that must say why
NEEDS_NOTE: frozenset[Action] = frozenset(
    {Action.REJECT, Action.RETURN, Action.MARK_OUTSIDE, Action.REOPEN, Action.MERGE}
)

# who may do what (scope is checked separately: an OPD officer only on the OPD's own cases)
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.PROVINCE: frozenset(Action),
    Role.DISKOMINFO: frozenset(Action),
    Role.KECAMATAN_ADMIN: frozenset({Action.VERIFY, Action.REJECT}),
    Role.KELURAHAN_ADMIN: frozenset({Action.VERIFY, Action.REJECT}),
    Role.OPD_OFFICER: frozenset({Action.START, Action.RETURN, Action.RESOLVE, Action.MARK_OUTSIDE}),
    Role.VIEWER: frozenset(),
}

ACTION_LABELS: dict[Action, str] = {
    Action.VERIFY: "Diverifikasi",
    Action.REJECT: "Ditolak",
    Action.FORWARD: "Diteruskan ke OPD",
    Action.RETURN: "Dikembalikan OPD (bukan kewenangannya)",
    Action.START: "Diterima dan mulai ditangani OPD",
    Action.RESOLVE: "Dinyatakan selesai oleh OPD",
    Action.REOPEN: "Dibuka kembali",
    Action.CLOSE: "Ditutup",
    Action.MARK_OUTSIDE: "Diteruskan ke instansi di luar Pemkot",
    Action.MERGE: "Digabung dengan aduan lain",
}

STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Diterima",
    Status.VERIFIED: "Terverifikasi",
    Status.FORWARDED: "Diteruskan ke OPD",
    Status.IN_PROGRESS: "Sedang ditangani",
    Status.RESOLVED: "Selesai ditangani",
    Status.CLOSED: "Ditutup",
    Status.REJECTED: "Ditolak (bukan aduan)",
    Status.OUTSIDE_AUTHORITY: "Di luar kewenangan Pemkot",
    Status.MERGED: "Digabung dengan aduan lain",
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
    Status.MERGED: "#a8a29e",
}


class InvalidTransition(ValueError):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"aksi {action.value!r} tidak boleh pada status {status.value!r}")
        self.status = status
        self.action = action


class NoteRequired(ValueError):
    pass


class NotAllowed(ValueError):
    """The actor's role or scope does not allow the action on this case."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (with role and scope), or the system and the citizen themselves."""

    name: str
    role: Role | None = None  # None: the system (sweep, routing) or the citizen
    scope: Scope = field(default_factory=Scope)

    @property
    def is_system(self) -> bool:
        return self.role is None


SYSTEM = Actor("sistem")
CITIZEN = Actor("warga")


def check_allowed(
    actor: Actor,
    action: Action,
    *,
    opd: str | None,
    kelurahan: str | None,
    kecamatan: str | None,
    city: str | None,
) -> None:
    """Raise NotAllowed unless the actor's role allows the action and its scope covers the case.
    The system and the citizen act only through services that decide for themselves."""
    if actor.role is None:
        return
    if action not in ROLE_ACTIONS[actor.role]:
        raise NotAllowed(f"peran {actor.role.value} tidak boleh melakukan {action.value!r}")
    if not actor.scope.covers_case(kelurahan=kelurahan, kecamatan=kecamatan, opd=opd, city=city):
        raise NotAllowed("kasus ini di luar cakupan Anda")


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


def actions_for(role: Role | None, status: Status) -> list[Action]:
    """What a person with `role` may do to a case in `status`, in the order of TRANSITIONS (the
    scope is checked separately). Merging is left out: it needs a second case."""
    if role is None:
        return []
    allowed = ROLE_ACTIONS[role]
    return [a for a in allowed_actions(status) if a in allowed and a is not Action.MERGE]


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


def lifecycle_mermaid() -> str:
    """The lifecycle diagram, generated from TRANSITIONS (docs/cases.md embeds it; a test checks
    that it is current)."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.RECEIVED.value}"]
    for (source, action), target in TRANSITIONS.items():
        lines.append(f"    {source.value} --> {target.value}: {action.value}")
    lines += [f"    {status.value} --> [*]" for status in Status if status in TERMINAL]
    return "\n".join(lines)


# The one ticket rule: what `ticket_code` makes (city prefix, year and month, sequence) and the
# codes of the older sample data (a letter before the sequence, BGR-2612-C03808). The tracking
# page, triage (a code written in a citizen's message) and the merge form all read it.
TICKET_PATTERN = re.compile(r"\b([A-Z]{2,8}-\d{4}-[A-Z]?\d{4,6})\b")


def is_ticket(code: str) -> bool:
    """Is `code` (any case, surrounding spaces ignored) shaped like a ticket code?"""
    return TICKET_PATTERN.fullmatch(code.strip().upper()) is not None


def find_tickets(text: str) -> list[str]:
    """Ticket codes written in a text, upper case, in order, without repeats."""
    seen: list[str] = []
    for code in TICKET_PATTERN.findall(text.upper()):
        if code not in seen:
            seen.append(code)
    return seen


def ticket_code(prefix: str, at_local: datetime, seq: int) -> str:
    """BGR-2611-0042: city prefix, year and month (local time), sequence within the month."""
    return f"{prefix}-{at_local:%y%m}-{seq:04d}"
