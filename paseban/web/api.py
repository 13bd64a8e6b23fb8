"""Our REST API under /api/v1 (OpenAPI at /docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from paseban.domain.cases import STATUS_LABELS, Status
from paseban.services import cases as case_service
from paseban.web.deps import ActorDep, CasesReader, CtxDep

router = APIRouter(tags=["api"])


class CaseOut(BaseModel):
    id: int
    ticket: str
    status: str
    status_label: str
    topic: str | None
    topic_name: str | None
    urgency: str
    kelurahan: str | None
    kelurahan_name: str | None
    kecamatan: str | None
    kecamatan_name: str | None
    opd: str | None
    opd_name: str | None
    route_rule: str | None
    title: str
    report_count: int
    opened_at: datetime
    updated_at: datetime
    is_sample: bool


class CaseList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CaseOut]


def case_out(row: dict[str, Any]) -> CaseOut:
    return CaseOut(
        **{k: row[k] for k in CaseOut.model_fields if k in row and k != "status_label"},
        status_label=STATUS_LABELS[Status(row["status"])],
    )


@router.get("/cases", response_model=CaseList)
def list_cases(
    ctx: CtxDep,
    actor: CasesReader,
    status: Annotated[Status | None, Query()] = None,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    kecamatan: Annotated[str | None, Query(max_length=13)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    """Cases the caller may see (session or `Authorization: Bearer` token with `cases:read`)."""
    rows, total = case_service.list_cases(
        ctx,
        scope=actor.scope,
        status=status.value if status else None,
        opd=opd,
        topic=topic,
        kecamatan=kecamatan,
        limit=limit,
        offset=offset,
    )
    return CaseList(total=total, limit=limit, offset=offset, items=[case_out(r) for r in rows])


class WhoAmI(BaseModel):
    name: str
    kind: str
    role: str
    wilayah: str | None
    opd: str | None
    permissions: list[str]


@router.get("/me", response_model=WhoAmI)
def whoami(actor: ActorDep) -> WhoAmI:
    """Who the session or token acts as, and what it may do (for checking a token's scopes)."""
    return WhoAmI(
        name=actor.name,
        kind=actor.kind,
        role=actor.role.value,
        wilayah=actor.scope.wilayah,
        opd=actor.scope.opd,
        permissions=sorted(p.value for p in actor.permissions),
    )
