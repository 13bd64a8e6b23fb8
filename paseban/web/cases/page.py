"""The case page: the case, the reports that joined it, the deadline clocks, the OPD's notes and
the timeline, with forms for exactly the lifecycle actions the user's role and area allow.

Each form posts (CSRF-checked) to a route that calls one service, so each action is one
transaction. When someone else changed the case first (409), or an input is missing (422), the
page is shown again with the case as it is now and a clear message; what was typed is kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.context import Context
from paseban.domain.accounts import OPERATORS, Role
from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import (
    OPEN,
    STATUS_LABELS,
    TERMINAL,
    Action,
    Status,
    actions_for,
    find_tickets,
)
from paseban.domain.sla import LEVEL_LABELS, STAGE_LABELS, Level, Stage, deadline
from paseban.domain.wilayah import OpdKind
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.services.cases import actions, clocks, merging, reads, reassign
from paseban.services.cases.reassign import REQUESTERS
from paseban.services.inbox import messages as inbox
from paseban.services.reference import policy
from paseban.services.reference import store as ref
from paseban.storage.rows.cases import CaseStageRow
from paseban.storage.rows.reference import OpdRow
from paseban.web.cases.actors import to_case_actor
from paseban.web.deps import CasesReader, CasesWriter, CtxDep
from paseban.web.rendering import render, save_or_show

router = APIRouter(include_in_schema=False)

EVENT_LABELS: dict[str, str] = {
    "open": "membuka kasus",
    "join": "mencatat laporan warga yang bergabung",
    "follow_up": "mencatat pertanyaan lanjutan warga",
    "leave": "melepas laporan yang bukan aduan",
    "reply": "membalas warga",
    "note": "menambah catatan perkembangan",
    "escalate": "mengeskalasi tenggat yang terlewati",
    "verify": "memverifikasi",
    "reject": "menolak (bukan aduan)",
    "forward": "meneruskan ke OPD",
    "return": "mengembalikan (bukan kewenangan OPD)",
    "start": "mulai menangani",
    "resolve": "menyelesaikan",
    "reopen": "membuka kembali",
    "close": "menutup",
    "mark_outside": "menandai di luar kewenangan Pemkot",
    "merge": "menggabungkan ke kasus lain",
    "merge_in": "menggabungkan kasus lain ke kasus ini",
    "split": "memindahkan laporan ke kasus baru",
    "reassign": "mengalihkan ke OPD lain (bukan kesalahan OPD lama)",
    "reroute": "merutekan ulang setelah koreksi analisis",
    "correct": "mengoreksi analisis laporan",
    "reroute_request": "meminta kasus dialihkan ke OPD lain",
    "reroute_declined": "menolak permintaan pengalihan",
    "citizen_answer": "mencatat jawaban warga",
    "citizen_removed": "menghapus pesannya di platform",  # connectors: the case goes on
    "citizen_edited": "menyunting pesannya di platform",
}
URGENCIES = {"darurat": "Darurat", "tinggi": "Tinggi", "normal": "Normal"}


@dataclass(frozen=True)
class ActionForm:
    """How one lifecycle action is asked for on the page."""

    action: Action
    title: str
    button: str
    hint: str = ""
    reason: str = ""  # label of a required internal reason; "" = an optional internal note
    public: str = ""  # label of the note the citizen is told; "" = none
    public_required: bool = False
    opd: str = ""  # "internal": choose an OPD of the city; "external": a body outside it
    photo: bool = False
    danger: bool = False


ACTION_FORMS: dict[Action, ActionForm] = {
    Action.VERIFY: ActionForm(
        Action.VERIFY,
        "Verifikasi",
        "Verifikasi aduan",
        hint="Benar aduan warga; kasus lalu menunggu diteruskan ke OPD.",
    ),
    Action.FORWARD: ActionForm(
        Action.FORWARD,
        "Teruskan ke OPD",
        "Teruskan",
        hint="Warga diberi tahu OPD tujuan dan tenggat tindak lanjutnya.",
        public="Catatan untuk warga (opsional)",
        opd="internal",
    ),
    Action.REJECT: ActionForm(
        Action.REJECT,
        "Tolak: bukan aduan",
        "Tolak aduan",
        public="Alasan penolakan (dikirim ke warga)",
        public_required=True,
        danger=True,
    ),
    Action.MARK_OUTSIDE: ActionForm(
        Action.MARK_OUTSIDE,
        "Di luar kewenangan Pemkot",
        "Teruskan ke instansi itu",
        hint="Mis. PLN, jalan nasional/provinsi, SMA/SMK. Kasus selesai di Paseban.",
        public="Alasan (dikirim ke warga)",
        public_required=True,
        opd="external",
    ),
    Action.RETURN: ActionForm(
        Action.RETURN,
        "Kembalikan: bukan kewenangan kami",
        "Kembalikan",
        hint="Kasus dirutekan ulang tanpa OPD Anda.",
        reason="Alasan (untuk Diskominfo)",
        danger=True,
    ),
    Action.START: ActionForm(
        Action.START,
        "Terima dan mulai tangani",
        "Terima",
        hint="Status menjadi sedang ditangani; tenggat tindak lanjut tetap berjalan.",
    ),
    Action.RESOLVE: ActionForm(
        Action.RESOLVE,
        "Selesai ditangani",
        "Nyatakan selesai",
        hint="Warga ditanya apakah masalahnya sudah beres dan punya 10 hari kerja untuk keberatan.",
        public="Hasil penanganan (dikirim ke warga)",
        public_required=True,
        photo=True,
    ),
    Action.REOPEN: ActionForm(
        Action.REOPEN, "Buka kembali", "Buka kembali", reason="Alasan membuka kembali"
    ),
    Action.CLOSE: ActionForm(Action.CLOSE, "Tutup kasus", "Tutup kasus"),
}


# --- deadline clocks, as people read them --------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    stage: str
    label: str
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None
    running: bool
    late: bool  # past its deadline (running and overdue now, or finished late)
    judged: bool  # false: ended by a re-assignment, counted for nobody
    level: int
    level_label: str
    left: timedelta  # running: time until the deadline (negative: how late); else zero


E = TypeVar("E", bound=Mapping[str, Any])  # a timeline event, as read or as a test builds it


def clock_views(rows: list[CaseStageRow], now: datetime) -> list[ClockView]:
    """The case's clocks, newest first; a running one is read through the one clock
    (`domain.sla.deadline`), exactly as the lists and the queue read the case."""
    views = []
    for row in reversed(rows):
        running = row["finished_at"] is None
        level = Level(int(row["escalation_level"] or 0))
        now_state = deadline(row["stage"], row["due_at"], level, now=now)
        late = now_state.overdue if running else bool(row["breached"])
        views.append(
            ClockView(
                stage=row["stage"],
                label=STAGE_LABELS[Stage(row["stage"])],
                started_at=row["started_at"],
                due_at=row["due_at"],
                finished_at=row["finished_at"],
                running=running,
                late=late,
                judged=bool(row.get("judged", True)),
                level=int(level),
                level_label=LEVEL_LABELS[level],
                left=now_state.left if running else timedelta(0),
            )
        )
    return views


def progress_notes(events: list[E]) -> list[E]:
    """Progress notes and the results the OPD reported (with photo links), newest first."""
    picked = [
        e
        for e in events
        if e["action"] == "note"
        or (e["action"] == "resolve" and (e["public_note"] or e["note"]))
        or (e["data"] or {}).get("media_url")
    ]
    return list(reversed(picked))


def photo_link(url: Any) -> str | None:
    """A photo link worth showing: http(s) only (the services check it on the way in too)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s]+$", url):
        return url
    return None


# --- the page ------------------------------------------------------------------------------------


def _may_write(actor: Actor) -> bool:
    return actor.can(Permission.CASES_WRITE)


def case_view(
    request: Request,
    ctx: Context,
    actor: Actor,
    ticket: str,
    *,
    error: str = "",
    draft: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    case = reads.case_for(ctx, actor, ticket)
    status = Status(case["status"])
    events = reads.timeline(ctx, case["id"])
    can_reply = actor.can(Permission.MESSAGES_WRITE)
    reply_accounts = None
    if can_reply:
        with ctx.engine.connect() as conn:
            reply_accounts = inbox.account_ids_in_scope(conn, actor.scope)
    writer = _may_write(actor)
    forms = [ACTION_FORMS[a] for a in actions_for(actor.role, status)] if writer else []
    is_city = actor.role in OPERATORS and writer
    can_regroup = is_city and status not in TERMINAL
    is_open = status in OPEN
    can_reassign = is_city and is_open
    can_request = writer and actor.role in REQUESTERS and actor.role not in OPERATORS
    can_request = can_request and is_open
    opds: list[OpdRow] = []
    if any(f.opd for f in forms) or can_reassign or can_request:
        opds = [o for o in policy.list_opds(ctx) if o["active"] and o["city"] == case["city"]]
    reports = reads.case_messages(ctx, case["id"])
    related = reads.tickets_of(ctx, [case["merged_into"], case["split_from"]])
    choices: dict[str, Any] = {}
    if can_regroup:  # the split form's choices
        with ctx.engine.connect() as conn:
            choices = {
                "topics": ref.topics_all(conn),
                "kelurahan": [
                    w
                    for w in ref.wilayah_all(conn)
                    if w.level == 4 and w.code.startswith(f"{case['city']}.")
                ],
            }
    return render(
        request,
        ctx,
        "case.html",
        {
            "c": case,
            "reports": reports,
            "events": events,
            "clocks": clock_views(clocks.clocks_of(ctx, case["id"]), ctx.now()),
            "notes": progress_notes(events),
            "photo_link": photo_link,
            "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
            "event_labels": EVENT_LABELS,
            "open_statuses": [s.value for s in OPEN],
            "urgencies": URGENCIES,
            "can_reply": can_reply,
            "reply_accounts": reply_accounts,
            "forms": forms,
            "internal_opds": [o for o in opds if o["kind"] != OpdKind.EXTERNAL.value],
            "external_opds": [o for o in opds if o["kind"] == OpdKind.EXTERNAL.value],
            "can_note": writer and actor.role is not Role.VIEWER and status not in TERMINAL,
            "can_regroup": can_regroup,
            "can_reassign": can_reassign,
            "can_request": can_request,
            "all_opds": [o for o in opds if o["code"] != case["opd"]],
            "requests": reassign.requests(ctx, case_id=case["id"]) if is_open else [],
            "choices": choices,
            "merged_into": related.get(case["merged_into"]) if case["merged_into"] else None,
            "split_from": related.get(case["split_from"]) if case["split_from"] else None,
            "error": error,
            "draft": draft or {},
        },
        status_code=status_code,
    )


@router.get("/kasus/{ticket}", response_class=HTMLResponse)
def case_page(request: Request, ctx: CtxDep, actor: CasesReader, ticket: str) -> HTMLResponse:
    return case_view(request, ctx, actor, ticket)


def _after(ctx: Context, actor: Actor, ticket: str, code: str) -> RedirectResponse:
    """Back to the case, or, when the action took it out of the actor's area (an OPD returned
    it or sent it to a body outside the city), to where the actor's work is."""
    try:
        reads.get_case(ctx, ticket, scope=actor.scope)
    except NotFound:
        return RedirectResponse(f"/?ok={code}", status_code=303)
    return RedirectResponse(f"/kasus/{ticket.upper()}?ok={code}", status_code=303)


def _attempt(
    request: Request,
    ctx: Context,
    actor: Actor,
    ticket: str,
    run: Callable[[], str],
    *,
    draft: dict[str, Any],
    ok: str,
) -> Response:
    """Run one service call; a conflict or a bad input shows the fresh page with the reason."""

    def show(error: str, status: int) -> Response:
        if status == 409:
            error += ". Halaman ini sudah menampilkan keadaan terbaru kasus; periksa lalu ulangi."
        return case_view(request, ctx, actor, ticket, error=error, draft=draft, status_code=status)

    return save_or_show(
        run,
        done=lambda target: _after(ctx, actor, target, ok),
        show=show,
        errors={Conflict: 409, InvalidInput: 422},
    )


Text = Annotated[str, Form(max_length=2000)]


@router.post("/kasus/{ticket}/aksi/{action}")
def case_action(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    action: Action,
    note: Text = "",
    public_note: Text = "",
    opd: Annotated[str, Form(max_length=40)] = "",
    media_url: Annotated[str, Form(max_length=500)] = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    case = reads.case_for(ctx, actor, ticket)  # 403 (audited) outside the actor's area
    spec = ACTION_FORMS.get(action)
    if spec is None:
        raise NotFound(f"aksi {action.value} tidak dilakukan dari halaman kasus")

    def run() -> str:
        if spec.public_required and not public_note.strip():
            raise InvalidInput(f"{spec.public.split(' (')[0].lower()} wajib diisi")
        actions.act(
            ctx,
            case["id"],
            action,
            actor=to_case_actor(actor),
            note=note,
            public_note=public_note,
            opd=opd.strip() or None,
            media_url=media_url.strip() or None,
            version=version,
        )
        return str(case["ticket"])

    draft = {
        "action": action.value,
        "note": note,
        "public_note": public_note,
        "opd": opd,
        "media_url": media_url,
    }
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok=f"kasus_{action}")


@router.post("/kasus/{ticket}/catatan")
def case_note(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    note: Text = "",
    public_note: Text = "",
    media_url: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    case = reads.case_for(ctx, actor, ticket)

    def run() -> str:
        actions.add_note(
            ctx,
            case["id"],
            actor=to_case_actor(actor),
            note=note,
            public_note=public_note,
            media_url=media_url.strip() or None,
        )
        return str(case["ticket"])

    draft = {"action": "note", "note": note, "public_note": public_note, "media_url": media_url}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_note")


@router.post("/kasus/{ticket}/gabung")
def case_merge(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    others: Annotated[str, Form(max_length=500)] = "",
    direction: Annotated[str, Form(pattern="^(ke|dari)$")] = "ke",
    note: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """`ke`: this case is the same problem as another one and joins it; `dari`: the other cases
    join this one. Diskominfo only (the service checks)."""
    case = reads.case_for(ctx, actor, ticket)
    found = find_tickets(others)

    def run() -> str:
        if not found:
            raise InvalidInput("tulis tiket kasus lain, mis. BGR-2611-0042")
        who = to_case_actor(actor)
        if direction == "ke":
            if len(found) != 1:
                raise InvalidInput("kasus ini hanya dapat digabung ke satu kasus tujuan")
            merged = merging.merge(ctx, found[0], [case["ticket"]], actor=who, note=note)
            return str(merged["ticket"])
        merging.merge(ctx, case["ticket"], list(found), actor=who, note=note, version=version)
        return str(case["ticket"])

    draft = {"action": "merge", "note": note, "others": others, "direction": direction}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_merge")


@router.post("/kasus/{ticket}/pecah")
def case_split(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    message_ids: Annotated[list[int] | None, Form()] = None,
    note: Text = "",
    topic: Annotated[str, Form(max_length=40)] = "",
    kelurahan: Annotated[str, Form(max_length=13)] = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """Move the chosen reports into a new case (new ticket, routed and clocked anew)."""
    case = reads.case_for(ctx, actor, ticket)

    def run() -> str:
        out = merging.split(
            ctx,
            case["ticket"],
            list(message_ids or []),
            actor=to_case_actor(actor),
            note=note,
            topic=topic or None,
            kelurahan=kelurahan or None,
            version=version,
        )
        return str(out["new"]["ticket"])

    draft = {"action": "split", "note": note, "message_ids": message_ids or []}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_split")
