"""Server-rendered pages in Bahasa Indonesia. Views call services; no SQL here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paseban.domain.auth import Permission
from paseban.domain.cases import STATUS_COLOURS, STATUS_LABELS, Status
from paseban.services import cases as case_service
from paseban.services import reference as ref
from paseban.web.deps import ActorDep, CasesReader, CtxDep
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)


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
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    per_page = 50
    rows, total = case_service.list_cases(
        ctx,
        scope=actor.scope,
        status=status.value if status else None,
        opd=opd or None,
        topic=topic or None,
        kecamatan=kecamatan or None,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    with ctx.engine.connect() as conn:
        opds = ref.opds_all(conn)
        topics = ref.topics_all(conn)
        kecamatan_list = [w for w in ref.wilayah_all(conn) if w.level == 3]
    return render(
        request,
        ctx,
        "cases.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + per_page - 1) // per_page),
            "status_labels": STATUS_LABELS,
            "status_colours": STATUS_COLOURS,
            "statuses": list(Status),
            "opds": opds,
            "topics": topics,
            "kecamatan_list": kecamatan_list,
            "filters": {
                "status": status.value if status else "",
                "opd": opd or "",
                "topic": topic or "",
                "kecamatan": kecamatan or "",
            },
        },
    )
