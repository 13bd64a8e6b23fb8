"""Moving a case to another OPD from the pages: Diskominfo re-assigns it directly (with a
reason, nobody's fault), a kelurahan or kecamatan admin asks for it, and the operator decides
the open requests on the case or from the list `/pengalihan`. Views call services; no SQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from paseban.domain.auth import Permission
from paseban.errors import Forbidden, InvalidInput
from paseban.services.cases import reads, reassign
from paseban.web.cases.actors import to_case_actor
from paseban.web.cases.page import Text, _attempt
from paseban.web.deps import CasesReader, CasesWriter, CtxDep
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
OpdField = Annotated[str, Form(max_length=40)]


@router.post("/kasus/{ticket}/alihkan")
def case_reassign(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    opd: OpdField = "",
    note: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    case = reads.case_for(ctx, actor, ticket)

    def run() -> str:
        reassign.reassign(
            ctx, case["id"], opd=opd.strip(), actor=to_case_actor(actor), note=note, version=version
        )
        return case["ticket"]

    draft = {"action": "reassign", "opd": opd, "note": note}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_alih")


@router.post("/kasus/{ticket}/minta-alih")
def case_request_reroute(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    opd: OpdField = "",
    note: Text = "",
) -> Response:
    case = reads.case_for(ctx, actor, ticket)

    def run() -> str:
        who = to_case_actor(actor)
        reassign.request_reroute(
            ctx, case["id"], actor=who, reason=note, suggested_opd=opd.strip() or None
        )
        return case["ticket"]

    draft = {"action": "reroute_request", "opd": opd, "note": note}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_minta_alih")


@router.post("/kasus/{ticket}/pengalihan/{request_id}")
def case_decide_reroute(
    request: Request,
    ctx: CtxDep,
    actor: CasesWriter,
    ticket: str,
    request_id: int,
    putusan: Annotated[str, Form(pattern="^(terima|tolak)$")],
    opd: OpdField = "",
    note: Text = "",
) -> Response:
    case = reads.case_for(ctx, actor, ticket)

    def run() -> str:
        if putusan == "tolak" and not note.strip():
            raise InvalidInput("tuliskan alasan penolakan")
        reassign.decide_reroute(
            ctx,
            request_id,
            actor=to_case_actor(actor),
            accept=putusan == "terima",
            opd=opd.strip() or None,
            note=note,
        )
        return case["ticket"]

    draft = {"action": "decide", "opd": opd, "note": note}
    return _attempt(request, ctx, actor, case["ticket"], run, draft=draft, ok="kasus_putus_alih")


@router.get("/pengalihan", response_class=HTMLResponse)
def reroute_requests(request: Request, ctx: CtxDep, actor: CasesReader) -> HTMLResponse:
    """Diskominfo's list of open requests to move a case to another OPD."""
    if not actor.can(Permission.CASES_WRITE) or not actor.scope.is_city:
        raise Forbidden("daftar permintaan pengalihan untuk Diskominfo")
    return render(request, ctx, "pengalihan.html", {"requests": reassign.requests(ctx)})
