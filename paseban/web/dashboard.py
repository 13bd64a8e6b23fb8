"""Server-rendered case pages in Bahasa Indonesia. Views call services; no SQL here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paseban.domain.auth import Permission
from paseban.domain.cases import OPEN, STATUS_COLOURS, STATUS_LABELS, Status
from paseban.services import cases as case_service
from paseban.services import casework, inbox
from paseban.services import reference as ref
from paseban.web.deps import ActorDep, CasesReader, CtxDep
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
COUNT_CAP = 10_000
BOARD_CAP = 1_000

EVENT_LABELS: dict[str, str] = {
    "open": "membuka kasus",
    "join": "mencatat laporan warga yang bergabung",
    "leave": "melepas laporan yang bukan aduan",
    "reply": "membalas warga",
    "verify": "memverifikasi",
    "reject": "menolak (bukan aduan)",
    "forward": "meneruskan ke OPD",
    "return": "mengembalikan (bukan kewenangan OPD)",
    "start": "mulai menangani",
    "resolve": "menyelesaikan",
    "reopen": "membuka kembali",
    "close": "menutup",
    "mark_outside": "menandai di luar kewenangan Pemkot",
}


@router.get("/")
def home(actor: ActorDep) -> RedirectResponse:
    """Each role starts where its work is."""
    if actor.scope.opd is not None:
        return RedirectResponse("/opd", status_code=303)
    if actor.can(Permission.MESSAGES_WRITE):
        return RedirectResponse("/kotak-masuk", status_code=303)
    return RedirectResponse("/kasus", status_code=303)


@router.get("/kasus", response_class=HTMLResponse)
def case_list(
    request: Request,
    ctx: CtxDep,
    actor: CasesReader,
    status: Annotated[Status | None, Query()] = None,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    kecamatan: Annotated[str | None, Query(max_length=13)] = None,
    kelurahan: Annotated[str | None, Query(max_length=13)] = None,
    urgency: Annotated[str | None, Query(max_length=20)] = None,
    view: Annotated[str, Query(pattern="^(list|board)$")] = "list",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = {
        "opd": opd or None,
        "topic": topic or None,
        "kecamatan": kecamatan or None,
        "kelurahan": kelurahan or None,
        "urgency": urgency or None,
    }
    rows: list[dict[str, object]] = []
    columns: list[casework.Column] = []
    if view == "board":
        # a column needs only a rough size: counting stops at BOARD_CAP ("1.000+")
        columns = casework.board(ctx, actor.scope, count_cap=BOARD_CAP, **filters)
        total = sum(min(c.total, BOARD_CAP) for c in columns)
    else:
        rows, total = case_service.list_cases(
            ctx,
            scope=actor.scope,
            status=status.value if status else None,
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
            count_cap=COUNT_CAP,
            **filters,
        )
    with ctx.engine.connect() as conn:
        opds = ref.opds_all(conn)
        topics = ref.topics_all(conn)
        wilayah = ref.wilayah_all(conn)
    params = {
        "status": status.value if status else "",
        **{k: v or "" for k, v in filters.items()},
        "view": view,
    }
    return render(
        request,
        ctx,
        "cases.html",
        {
            "rows": rows,
            "columns": columns,
            "total": total,
            "capped": total > (BOARD_CAP if view == "board" else COUNT_CAP),
            "board_cap": BOARD_CAP,
            "count_cap": COUNT_CAP,
            "page": page,
            "has_next": view == "list" and total > page * PER_PAGE,
            "view": view,
            "status_labels": STATUS_LABELS,
            "status_colours": STATUS_COLOURS,
            "statuses": list(Status),
            "open_statuses": [s.value for s in OPEN],
            "opds": opds,
            "topics": topics,
            "urgencies": {"darurat": "Darurat", "tinggi": "Tinggi", "normal": "Normal"},
            "kecamatan_list": [w for w in wilayah if w.level == 3],
            "kelurahan_name": next((w.name for w in wilayah if w.code == kelurahan), kelurahan),
            "filters": params,
            "filtered": any(filters.values()) or bool(status),
            "params": params,
        },
    )


@router.get("/kasus/{ticket}", response_class=HTMLResponse)
def case_page(request: Request, ctx: CtxDep, actor: CasesReader, ticket: str) -> HTMLResponse:
    case = casework.get_case(ctx, actor, ticket)
    can_reply = actor.can(Permission.MESSAGES_WRITE)
    reply_accounts = None
    if can_reply:
        with ctx.engine.connect() as conn:
            reply_accounts = inbox.account_ids_in_scope(conn, actor.scope)
    return render(
        request,
        ctx,
        "case.html",
        {
            "c": case,
            "reports": casework.reports(ctx, case["id"]),
            "events": casework.timeline(ctx, case["id"]),
            "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
            "event_labels": EVENT_LABELS,
            "open_statuses": [s.value for s in OPEN],
            "urgencies": {"darurat": "Darurat", "tinggi": "Tinggi", "normal": "Normal"},
            "can_reply": can_reply,
            "reply_accounts": reply_accounts,
        },
    )
