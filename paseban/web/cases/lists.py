"""Server-rendered case pages in Bahasa Indonesia. Views call services; no SQL here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paseban.domain.auth import Permission
from paseban.domain.cases import OPEN, STATUS_COLOURS, STATUS_LABELS, Status
from paseban.services.cases import reads
from paseban.services.reference import store as ref
from paseban.storage.rows import CaseListRow
from paseban.web.deps import ActorDep, CasesReader, CtxDep
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
COUNT_CAP = 10_000
BOARD_CAP = 1_000
OPEN_VALUES = [s.value for s in Status if s in OPEN]


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
    order: Annotated[str, Query(pattern="^(newest|deadline)$")] = "newest",
    overdue: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    # overdue: open cases whose running deadline has passed (a resolved case waiting for the
    # citizen is not late work); deadline order: the most pressing first
    deadline: dict[str, Any] = {"order": "due" if order == "deadline" else order}
    if overdue:
        deadline.update(overdue_at=ctx.now(), statuses=OPEN_VALUES)
    filters: dict[str, Any] = {
        "opd": opd or None,
        "topic": topic or None,
        "kecamatan": kecamatan or None,
        "kelurahan": kelurahan or None,
        "urgency": urgency or None,
    }
    rows: list[CaseListRow] = []
    columns: list[reads.Column] = []
    if view == "board":
        # a column needs only a rough size: counting stops at BOARD_CAP ("1.000+")
        columns = reads.board(ctx, actor.scope, count_cap=BOARD_CAP, **filters, **deadline)
        total = sum(min(c.total, BOARD_CAP) for c in columns)
    else:
        rows, total = reads.list_cases(
            ctx,
            scope=actor.scope,
            status=status.value if status else None,
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
            count_cap=COUNT_CAP,
            **filters,
            **deadline,
        )
    with ctx.engine.connect() as conn:
        opds = ref.opds_all(conn)
        topics = ref.topics_all(conn)
        wilayah = ref.wilayah_all(conn)
    params = {
        "status": status.value if status else "",
        **{k: v or "" for k, v in filters.items()},
        "view": view,
        "order": "" if order == "newest" else order,
        "overdue": "1" if overdue else "",
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
            "filtered": any(filters.values()) or bool(status) or overdue,
            "params": params,
        },
    )
