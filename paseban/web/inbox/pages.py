"""The inbox and the review queue: pages and the quick actions behind their forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paseban.domain.auth import Permission, mask_name
from paseban.domain.inbox import INBOX_LABELS, InboxState
from paseban.services.inbox import messages as inbox
from paseban.services.inbox import review
from paseban.services.people import audit
from paseban.web.deps import CtxDep, MessagesReader, MessagesWriter, client_ip
from paseban.web.people.auth import safe_next
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20


def _common(actor_can_pii: bool, can_write: bool) -> dict[str, object]:
    return {
        "states": {s.value: label for s, label in INBOX_LABELS.items()},
        "can_pii": actor_can_pii,
        "can_write": can_write,
        "masked": mask_name,
    }


@router.get("/kotak-masuk", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    account: Annotated[int | None, Query(ge=1)] = None,
    state: Annotated[
        str, Query(pattern="^(new|answered|not_complaint|hidden|all)$")
    ] = InboxState.NEW.value,
    intent: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    urgency: Annotated[str | None, Query(max_length=20)] = None,
    order: Annotated[str, Query(pattern="^(newest|oldest)$")] = "newest",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    chosen_state = None if state == "all" else state
    result = inbox.list_messages(
        ctx,
        actor.scope,
        account_id=account,
        state=chosen_state,
        intent=intent or None,
        topic=topic or None,
        urgency=urgency or None,
        oldest_first=order == "oldest",
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    params = {
        "account": account or "",
        "state": state,
        "intent": intent or "",
        "topic": topic or "",
        "urgency": urgency or "",
        "order": order,
    }
    back = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    templates = []
    if actor.can(Permission.MESSAGES_WRITE) and result.rows:
        # the general texts as staff edited them; placeholders are filled when the reply is sent
        with ctx.engine.connect() as conn:
            templates = inbox.reply_templates(conn)
    return render(
        request,
        ctx,
        "inbox.html",
        {
            **_common(actor.can(Permission.PII_READ), actor.can(Permission.MESSAGES_WRITE)),
            "page": result,
            "templates": templates,
            "has_next": result.has_next,
            "accounts": inbox.accounts_for(ctx, actor.scope),
            "vocab": inbox.vocabulary(ctx),
            "filters": {**params, "account": str(account or ""), "page": page},
            "params": params,
            "filtered": bool(account or intent or topic or urgency or state != "new"),
            "back": back,
        },
    )


@router.get("/kotak-masuk/{message_id}", response_class=HTMLResponse)
def message_page(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    message_id: int,
    asli: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    row = inbox.get_message(ctx, actor, message_id)
    original = inbox.view_original(ctx, actor, message_id, ip=client_ip(request)) if asli else None
    can_write = actor.can(Permission.MESSAGES_WRITE)
    templates = inbox.templates_for_message(ctx, row) if can_write else []
    return render(
        request,
        ctx,
        "message.html",
        {
            **_common(actor.can(Permission.PII_READ), actor.can(Permission.MESSAGES_WRITE)),
            "templates": templates,
            "m": row,
            "original": original,
            "vocab": inbox.vocabulary(ctx),
            "events": inbox.history(ctx, message_id),
            "action_labels": audit.ACTION_LABELS,
            "back": f"/kotak-masuk/{message_id}",
        },
    )


def _back(kembali: str, fallback: str, code: str) -> RedirectResponse:
    target = safe_next(kembali) if kembali else fallback
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}ok={code}", status_code=303)


@router.post("/kotak-masuk/{message_id}/balas")
def reply(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    text: Annotated[str, Form(max_length=4000)] = "",
    template: Annotated[str, Form(max_length=40)] = "",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    inbox.queue_reply(
        ctx, actor, message_id, text, template=template or None, ip=client_ip(request)
    )
    return _back(kembali, "/kotak-masuk", "reply")


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
) -> RedirectResponse:
    """Correct the fields the form sent (an empty value clears topic or kelurahan); a form
    without fields confirms the analysis as it is."""
    sent = {"intent": intent, "urgency": urgency, "topic": topic, "kelurahan": kelurahan}
    corrections = {field: value or None for field, value in sent.items() if value is not None}
    inbox.correct(ctx, actor, message_id, corrections, ip=client_ip(request))
    return _back(kembali, f"/kotak-masuk/{message_id}", "correct" if corrections else "confirmed")


@router.post("/kotak-masuk/{message_id}/bukan-aduan")
def not_complaint(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    intent: Annotated[str, Form(max_length=40)] = "informasi",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    inbox.mark_not_complaint(ctx, actor, message_id, intent=intent, ip=client_ip(request))
    return _back(kembali, "/kotak-masuk", "not_complaint")


@router.post("/kotak-masuk/{message_id}/spam")
def hide(
    request: Request,
    ctx: CtxDep,
    actor: MessagesWriter,
    message_id: int,
    intent: Annotated[str, Form(max_length=40)] = "spam",
    kembali: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    inbox.hide(ctx, actor, message_id, intent=intent, ip=client_ip(request))
    return _back(kembali, "/kotak-masuk", "hidden")


@router.get("/tinjauan", response_class=HTMLResponse)
def review_page(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    with ctx.engine.connect() as conn:
        ids = inbox.account_ids_in_scope(conn, actor.scope)
    rows = review.queue(ctx, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE, account_ids=ids)
    loop = review.waiting(ctx, account_ids=ids)
    in_use = ctx.analyzer()
    learnt = in_use.model.meta.get("corrections_used", 0)
    handles = {a["id"]: a["handle"] for a in inbox.accounts_for(ctx, actor.scope)}
    vocab = inbox.vocabulary(ctx)
    shown = [
        {
            **r,
            "account_handle": handles.get(r["account_id"], ""),
            "kelurahan_name": vocab["kelurahan"].get(r["kelurahan"] or ""),
        }
        for r in rows[:PER_PAGE]
    ]
    return render(
        request,
        ctx,
        "review.html",
        {
            "rows": shown,
            "has_next": len(rows) > PER_PAGE,
            "page": page,
            "first": (page - 1) * PER_PAGE,
            "pending": loop["pending"],
            "corrected": loop["corrected"],
            "learnt": learnt if isinstance(learnt, int) else 0,
            "model_version": in_use.version,
            "vocab": vocab,
            "can_write": actor.can(Permission.MESSAGES_WRITE),
            "back": "/tinjauan" + (f"?page={page}" if page > 1 else ""),
        },
    )
