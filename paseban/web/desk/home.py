"""`/`: each role starts where its work is. Diskominfo and the leadership land on the command
centre, a kelurahan or kecamatan admin on their own home, an OPD officer on the OPD's queue."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from paseban.domain.auth import Permission
from paseban.web.deps import ActorDep, CtxDep
from paseban.web.desk.centre import command_centre
from paseban.web.desk.own import own_home
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 60  # the page asks for fresh numbers this often (static/desk.js)


@router.get("/")
def home(request: Request, ctx: CtxDep, actor: ActorDep) -> Response:
    if actor.scope.opd is not None:
        return RedirectResponse("/opd", status_code=303)
    if not actor.can(Permission.CASES_READ):
        return RedirectResponse("/konten", status_code=303)
    common = {"refresh_seconds": REFRESH_SECONDS}
    if actor.scope.wilayah is not None:
        return render(request, ctx, "desk/own.html", {**common, **own_home(request, ctx, actor)})
    return render(
        request, ctx, "desk/centre.html", {**common, **command_centre(request, ctx, actor)}
    )
