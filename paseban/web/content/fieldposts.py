"""Foto lapangan under /konten/foto-lapangan: the before/after pairs of resolved cases in the
admin's area, each one press away from a post draft (with the reminder to check faces, house
numbers and consent before it is published)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from paseban.content import approvals as ap
from paseban.content.stories import FIELD_CHECKS
from paseban.domain.auth import Permission
from paseban.errors import NotFound
from paseban.services.content import access, fieldposts
from paseban.services.measurement import fieldwork
from paseban.web.content.auth import ContentActor, ContentWriter
from paseban.web.content.rendering import back, render
from paseban.web.deps import CtxDep

router = APIRouter(prefix="/konten/foto-lapangan", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def pairs_page(request: Request, ctx: CtxDep, actor: ContentActor) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        accounts = [
            a
            for a in access.visible_accounts(ctx, conn, actor)
            if ap.can_author(actor, access.account_ref(a))
        ]
    found = fieldwork.photo_pairs(ctx, actor) if actor.can(Permission.CASES_READ) else []
    pairs = [  # each drafted for the kelurahan's own account first
        {
            **pair,
            "account_id": next(
                (a["id"] for a in accounts if a["owner_code"] == pair["kelurahan"]),
                accounts[0]["id"] if accounts else None,
            ),
        }
        for pair in found
    ]
    return render(
        request,
        ctx,
        actor,
        "content_fieldphotos.html",
        {"pairs": pairs, "accounts": accounts, "checks": FIELD_CHECKS},
    )


@router.post("/{case_id}")
def pair_to_draft(
    ctx: CtxDep, actor: ContentWriter, case_id: int, account_id: Annotated[int, Form()]
) -> Response:
    found = fieldwork.photo_pairs(ctx, actor, limit=10_000)
    pair = next((p for p in found if p["case_id"] == case_id), None)
    if pair is None:
        raise NotFound("foto sebelum/sesudah kasus itu tidak ditemukan")
    before, _ = fieldwork.photo(ctx, actor, pair["before_photo"])
    after, _ = fieldwork.photo(ctx, actor, pair["after_photo"])
    post_id = fieldposts.draft_from_pair(
        ctx,
        actor,
        account_id,
        fieldposts.PairPhotos(
            ticket=pair["ticket"],
            before=before,
            after=after,
            kelurahan=pair["kelurahan"],
            kelurahan_name=pair["kelurahan_name"] or "",
            topic_name=pair["topic_name"] or "",
            opd_name=pair["opd_name"] or "",
        ),
    )
    return back(f"/konten/draf/{post_id}", "created", anchor="media")
