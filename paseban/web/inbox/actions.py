"""The inbox's actions: reply (and verify the case in the same tap), correct, mark as not a
complaint, hide, and the same on several messages at once.

Each answers a form with a redirect back to the page it came from (works without script); the
inbox's script sends the same form with `Accept: application/json` and gets the notice as JSON,
so the card is settled where it stands and nothing scrolls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from paseban.services.inbox import bulk
from paseban.services.inbox import messages as inbox
from paseban.web.deps import CtxDep, MessagesWriter, client_ip
from paseban.web.people.auth import safe_next
from paseban.web.rendering import NOTICES

router = APIRouter(include_in_schema=False)


def _back(request: Request, kembali: str, fallback: str, code: str, **extra: int | str) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": code, "notice": NOTICES[code], **extra})
    target = safe_next(kembali) if kembali else fallback
    joiner = "&" if "?" in target else "?"
    counts = "".join(f"&{k}={v}" for k, v in extra.items() if isinstance(v, int))
    return RedirectResponse(f"{target}{joiner}ok={code}{counts}", status_code=303)


@router.post("/kotak-masuk/{message_id}/balas")
def reply(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    text: Annotated[str, Form(max_length=4000)] = "",
    template: Annotated[str, Form(max_length=40)] = "",
    verifikasi: Annotated[str, Form(max_length=2)] = "",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Answer the citizen; with `verifikasi=1` (the card's default for someone who verifies
    cases) the message's case is verified too, so one tap answers and routes a complaint."""
    ip = client_ip(request)
    inbox.queue_reply(ctx, actor, message_id, text, template=template or None, ip=ip)
    verified = inbox.verify_case(ctx, actor, message_id) if verifikasi == "1" else None
    if verified:
        return _back(request, kembali, "/kotak-masuk", "reply_verified", ticket=verified)
    return _back(request, kembali, "/kotak-masuk", "reply")


@router.post("/kotak-masuk/{message_id}/koreksi")
def correct(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    intent: Annotated[str | None, Form(max_length=40)] = None,
    urgency: Annotated[str | None, Form(max_length=40)] = None,
    topic: Annotated[str | None, Form(max_length=40)] = None,
    kelurahan: Annotated[str | None, Form(max_length=13)] = None,
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Correct the fields the form sent (an empty value clears topic or kelurahan); a form
    without fields confirms the analysis as it is."""
    sent = {"intent": intent, "urgency": urgency, "topic": topic, "kelurahan": kelurahan}
    corrections = {field: value or None for field, value in sent.items() if value is not None}
    inbox.correct(ctx, actor, message_id, corrections, ip=client_ip(request))
    code = "correct" if corrections else "confirmed"
    return _back(request, kembali, f"/kotak-masuk/{message_id}", code)


@router.post("/kotak-masuk/{message_id}/bukan-aduan")
def not_complaint(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    intent: Annotated[str, Form(max_length=40)] = "informasi",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    inbox.mark_not_complaint(ctx, actor, message_id, intent=intent, ip=client_ip(request))
    return _back(request, kembali, "/kotak-masuk", "not_complaint")


@router.post("/kotak-masuk/{message_id}/spam")
def hide(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    intent: Annotated[str, Form(max_length=40)] = "spam",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    inbox.hide(ctx, actor, message_id, intent=intent, ip=client_ip(request))
    return _back(request, kembali, "/kotak-masuk", "hidden")


@router.post("/kotak-masuk/massal")
def act_on_many(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    ids: Annotated[list[int] | None, Form()] = None,
    aksi: Annotated[str, Form(max_length=20)] = "",
    intent: Annotated[str, Form(max_length=40)] = "informasi",
    template: Annotated[str, Form(max_length=40)] = "",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """One action on every chosen message: mark as not a complaint, hide as spam, or answer
    with a template. Messages it cannot apply to are left as they were and counted."""
    result = bulk.act_on_many(
        ctx,
        actor,
        ids or [],
        aksi,
        intent=intent,
        template=template or None,
        ip=client_ip(request),
    )
    return _back(
        request, kembali, "/kotak-masuk", "bulk", n=len(result.done), lewat=len(result.skipped)
    )
