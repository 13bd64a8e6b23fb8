"""The case map: kelurahan centres drawn as an inline SVG (no tile server, works offline), and
the OPD queue. The projection is a pure function, tested without a browser."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from paseban.domain.cases import STATUS_LABELS
from paseban.errors import Forbidden
from paseban.services.cases import reads
from paseban.services.cases.reads import Place
from paseban.services.reference import store as ref
from paseban.storage.rows.cases import CaseListRow, OpdLoadRow
from paseban.web.deps import CasesReader, CtxDep
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)

PERIODS: dict[str, tuple[str, int | None]] = {
    "7": ("7 hari terakhir", 7),
    "30": ("30 hari terakhir", 30),
    "90": ("90 hari terakhir", 90),
    "365": ("setahun terakhir", 365),
    "semua": ("semua waktu", None),
}


@dataclass(frozen=True)
class Dot:
    place: Place
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


def project(
    places: list[Place], *, width: float = 800, pad: float = 36
) -> tuple[list[Dot], list[Label], float]:
    """Place kelurahan centres on an SVG canvas `width` wide (equirectangular, scaled by the
    cosine of the mean latitude so distances look right near the equator). Returns the dots, a
    label per kecamatan at the mean of its centres, and the canvas height."""
    if not places:
        return [], [], 200.0
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = (width - 2 * pad) / span_x
    height = span_y * scale + 2 * pad
    most = max((p.total for p in places), default=0)
    dots = []
    for p in places:
        x = pad + (p.lon - min(lons)) * k * scale
        y = pad + (max(lats) - p.lat) * scale
        r = 4.0 if p.total == 0 or most == 0 else 6.0 + 16.0 * math.sqrt(p.total / most)
        dots.append(Dot(p, round(x, 1), round(y, 1), round(r, 1)))
    groups: dict[str, list[Dot]] = {}
    for d in dots:
        groups.setdefault(d.place.kecamatan, []).append(d)
    labels = [
        Label(
            name, round(sum(d.x for d in ds) / len(ds), 1), round(sum(d.y for d in ds) / len(ds), 1)
        )
        for name, ds in sorted(groups.items())
    ]
    return dots, labels, round(height, 1)


def colour(place: Place) -> str:
    """Teal for places whose cases are all handled, amber with open cases, red with emergencies."""
    if place.urgent:
        return "#b91c1c"
    if place.open:
        return "#c2410c"
    if place.total:
        return "#0f766e"
    return "#9ca3af"


@router.get("/peta", response_class=HTMLResponse)
def map_page(
    request: Request,
    ctx: CtxDep,
    actor: CasesReader,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    period: Annotated[str, Query(pattern="^(7|30|90|365|semua)$")] = "30",
) -> HTMLResponse:
    days = PERIODS[period][1]
    since = ctx.now() - timedelta(days=days) if days else None
    places, unplaced = reads.map_counts(ctx, actor.scope, topic=topic or None, since=since)
    dots, labels, height = project(places)
    with ctx.engine.connect() as conn:
        topics = ref.topics_all(conn)
    return render(
        request,
        ctx,
        "map.html",
        {
            "dots": dots,
            "labels": labels,
            "width": 800,
            "height": height,
            "colour": colour,
            "ranked": sorted(places, key=lambda p: (-p.total, p.name)),
            "unplaced": unplaced,
            "topics": topics,
            "periods": PERIODS,
            "filters": {"topic": topic or "", "period": period},
            "total": sum(p.total for p in places) + unplaced,
        },
    )


QUEUE_TABS: dict[str, str] = {
    "kerja": "Perlu ditindaklanjuti",
    "konfirmasi": "Menunggu konfirmasi warga",
    "belum": "Belum diteruskan Diskominfo",
}


@router.get("/opd", response_class=HTMLResponse)
def opd_page(
    request: Request,
    ctx: CtxDep,
    actor: CasesReader,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    stage: Annotated[str, Query(pattern="^(kerja|konfirmasi|belum)$")] = "kerja",
    overdue: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """An OPD's queue, the earliest deadline first. An OPD officer sees only the own OPD."""
    if actor.scope.opd is not None:
        if opd and opd != actor.scope.opd:
            raise Forbidden("Anda hanya dapat melihat antrean OPD Anda sendiri")
        opd = actor.scope.opd
    per_page = 50
    rows: list[CaseListRow] = []
    total = 0
    name = ""
    load: list[OpdLoadRow] = []
    if opd:
        rows, total = reads.opd_queue(
            ctx,
            actor.scope,
            opd,
            stage=stage,
            overdue_at=ctx.now() if overdue else None,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        with ctx.engine.connect() as conn:
            name = next((o.name for o in ref.opds_all(conn) if o.code == opd), opd)
    else:
        load = reads.opd_load(ctx, actor.scope)
    params = {"opd": opd or "", "stage": "" if stage == "kerja" else stage}
    if overdue:
        params["overdue"] = "1"
    return render(
        request,
        ctx,
        "opd.html",
        {
            "opd": opd,
            "opd_name": name,
            "rows": rows,
            "total": total,
            "page": page,
            "has_next": total > page * per_page,
            "load": load,
            "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
            "tabs": QUEUE_TABS,
            "stage": stage,
            "overdue": overdue,
            "params": params,
            "capped": total > 10_000,
        },
    )
