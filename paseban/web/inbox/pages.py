"""The inbox and the review queue: the pages, and what the inbox asks while it is open (what
arrived since it was drawn). The actions behind their forms are in `actions.py`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from paseban.domain.auth import Actor, Permission, mask_name
from paseban.domain.cases import STATUS_LABELS
from paseban.domain.inbox import INBOX_LABELS, NOT_COMPLAINT_INTENTS
from paseban.errors import InvalidInput
from paseban.services.cases import reads as case_reads
from paseban.services.inbox import listing, review
from paseban.services.inbox import messages as inbox
from paseban.services.inbox.listing import InboxFilters
from paseban.services.people import audit, preferences
from paseban.storage.rows.inbox import InboxMessageRow
from paseban.web.deps import CtxDep, MessagesReader, client_ip
from paseban.web.inbox import cards
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
PAGE_KEY = "kotak-masuk"  # the inbox's remembered filters (services/people/preferences)
POLL_SECONDS = 15  # how often an open inbox asks what arrived
ARRIVED_SHOWN = 20  # cards inserted at once when "N pesan baru" is pressed
NOT_COMPLAINT_LABELS = {
    "informasi": "informasi / obrolan",
    "pertanyaan": "pertanyaan",
    "aspirasi": "aspirasi / usulan",
    "apresiasi": "apresiasi",
}
assert set(NOT_COMPLAINT_LABELS) == set(NOT_COMPLAINT_INTENTS)


def _common(actor: Actor) -> dict[str, object]:
    return {
        "states": {s.value: label for s, label in INBOX_LABELS.items()},
        "can_pii": actor.can(Permission.PII_READ),
        "can_write": actor.can(Permission.MESSAGES_WRITE),
        "masked": mask_name,
        "not_complaint": NOT_COMPLAINT_LABELS,
    }


def chosen_filters(request: Request, ctx: CtxDep, actor: Actor) -> InboxFilters:
    """The filters in the address; a bare /kotak-masuk opens with the person's remembered ones.
    Filters a person chooses are remembered (the search is not)."""
    params = dict(request.query_params)
    if not listing.FIELDS & params.keys():
        saved = preferences.remembered(ctx, actor, PAGE_KEY)
        if saved is None:
            return InboxFilters()
        try:
            return InboxFilters.parse(dict(parse_qsl(saved)))
        except InvalidInput:  # remembered by an older version: start afresh
            return InboxFilters()
    filters = InboxFilters.parse(params)
    preferences.remember(ctx, actor, PAGE_KEY, filters.without_search().query)
    return filters


def card_context(
    ctx: CtxDep, actor: Actor, rows: list[InboxMessageRow], back: str
) -> dict[str, Any]:
    """What the cards need: names, the templates once per page, each card's extras."""
    vocab = inbox.vocabulary(ctx)
    templates = []
    if actor.can(Permission.MESSAGES_WRITE) and rows:
        # the general texts as the actor's city's staff edited them (the province: the chosen
        # city's); placeholders are filled when the reply is sent
        with ctx.engine.connect() as conn:
            templates = inbox.reply_templates(conn, city=actor.scope.city)
    return {
        **_common(actor),
        "vocab": vocab,
        "templates": templates,
        "cards": {m["id"]: cards.card(actor, m, vocab, templates) for m in rows},
        "back": back,
    }


@router.get("/kotak-masuk", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    n: Annotated[int, Query(ge=0, le=1000)] = 0,
    lewat: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> HTMLResponse:
    filters = chosen_filters(request, ctx, actor)
    result = listing.list_messages(
        ctx, actor, filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    params = filters.params()
    back = filters.href + (f"&page={page}" if page > 1 else "")
    return render(
        request,
        ctx,
        "inbox.html",
        {
            **card_context(ctx, actor, result.rows, back),
            "page": result,
            "accounts": listing.accounts_for(ctx, actor.scope),
            "filters": {**params, "page": page},
            "chosen": filters,
            "params": params,
            "defaults": InboxFilters().href,
            "latest": max((m["id"] for m in result.rows), default=0),
            "poll_seconds": POLL_SECONDS,
            "bulk": {"done": n, "skipped": lewat},
        },
    )


@router.get("/kotak-masuk/baru")
def arrived(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    setelah: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """How many messages matching the page's filters arrived after message `setelah` (the
    newest the page showed): what the open inbox asks every POLL_SECONDS."""
    filters = InboxFilters.parse(dict(request.query_params))
    count, _ = listing.arrived_after(ctx, actor, filters, setelah, limit=0)
    return JSONResponse(
        {"count": min(count, listing.NEW_CAP), "more": count > listing.NEW_CAP},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/kotak-masuk/baru/kartu", response_class=HTMLResponse)
def arrived_cards(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    setelah: Annotated[int, Query(ge=0)] = 0,
    kembali: Annotated[str, Query(max_length=2000)] = "/kotak-masuk",
) -> HTMLResponse:
    """The cards of what arrived (newest first, up to ARRIVED_SHOWN), to put on top of the open
    page when its reader asks for them."""
    filters = InboxFilters.parse(dict(request.query_params))
    count, rows = listing.arrived_after(ctx, actor, filters, setelah, limit=ARRIVED_SHOWN)
    back = kembali if kembali.startswith("/kotak-masuk") else filters.href
    return render(
        request,
        ctx,
        "inbox/arrived.html",
        {**card_context(ctx, actor, rows, back), "rows": rows, "count": count},
    )


@router.get("/kotak-masuk/{message_id}", response_class=HTMLResponse)
def message_page(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    message_id: int,
    asli: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    row = listing.get_message(ctx, actor, message_id)
    original = inbox.view_original(ctx, actor, message_id, ip=client_ip(request)) if asli else None
    can_write = actor.can(Permission.MESSAGES_WRITE)
    templates = inbox.templates_for_message(ctx, row) if can_write else []
    back = f"/kotak-masuk/{message_id}"
    return render(
        request,
        ctx,
        "message.html",
        {
            **_common(actor),
            "templates": templates,
            "m": row,
            "case": case_reads.case_panel(ctx, actor, row["case_id"]),
            "case_statuses": {s.value: label for s, label in STATUS_LABELS.items()},
            "card": cards.card(actor, row, inbox.vocabulary(ctx), templates),
            "original": original,
            "vocab": inbox.vocabulary(ctx),
            "events": inbox.history(ctx, message_id),
            "action_labels": audit.ACTION_LABELS,
            "back": back,
        },
    )


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
    accounts = {a["id"]: a for a in listing.accounts_for(ctx, actor.scope)}
    vocab = inbox.vocabulary(ctx)
    shown = [
        {
            **r,
            "account_handle": account["handle"] if account else "",
            "account_city": account["city"] if account else "",  # a province names the city
            "kelurahan_name": vocab["kelurahan"].get(r["kelurahan"] or ""),
        }
        for r in rows[:PER_PAGE]
        for account in [accounts.get(r["account_id"])]
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
