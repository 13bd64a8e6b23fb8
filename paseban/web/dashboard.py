"""Server-rendered pages in Bahasa Indonesia. Views call services; no SQL here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from paseban.domain.cases import STATUS_COLOURS, STATUS_LABELS, Status
from paseban.services import cases as case_service
from paseban.services import reference as ref
from paseban.web.deps import CtxDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    directory=str(__import__("pathlib").Path(__file__).parent / "templates")
)

BULAN = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def _local(ctx: Any, value: datetime | None) -> str:
    if value is None:
        return "-"
    local = value.astimezone(ctx.tz)
    return f"{local.day} {BULAN[local.month - 1]} {local.year} {local:%H:%M} WIB"


@router.get("/", response_class=HTMLResponse)
@router.get("/kasus", response_class=HTMLResponse)
def case_list(
    request: Request,
    ctx: CtxDep,
    status: Annotated[Status | None, Query()] = None,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    kecamatan: Annotated[str | None, Query(max_length=13)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    per_page = 50
    rows, total = case_service.list_cases(
        ctx,
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
        city = ref.get_parameter(conn, "city_name", "")
    return templates.TemplateResponse(
        request,
        "cases.html",
        {
            "city": city,
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
            "local": lambda v: _local(ctx, v),
        },
    )
