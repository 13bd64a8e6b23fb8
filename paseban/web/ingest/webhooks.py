"""Platform webhook endpoints: /webhooks/meta (Instagram and Facebook), /webhooks/whatsapp,
/webhooks/x. They hand the raw bytes to services.ingest.receive_webhook, which checks the
signature, keeps the delivery and stores its messages before we answer 200; analysis runs
afterwards through the job queue, so a slow analysis never slows the answer."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.jobs import EagerQueue
from paseban.services.ingest import webhooks as ingest
from paseban.web.deps import CtxDep

router = APIRouter(tags=["webhooks"])
MAX_BODY = 5 * 1024 * 1024  # Meta batches up to 1,000 updates; far below this


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


def _handshake(
    ctx: CtxDep, channel: str, mode: str | None, token: str | None, challenge: str | None
) -> Response:
    try:
        answer = ingest.confirm_subscription(
            ctx.settings, channel, mode=mode, token=token, challenge=challenge
        )
    except ingest.NotConfigured as exc:
        return _error(503, "NotConfigured", str(exc))
    except InvalidInput as exc:
        return _error(400, "InvalidInput", str(exc))
    except Forbidden as exc:
        return _error(403, "Forbidden", str(exc))
    return PlainTextResponse(answer)


Mode = Annotated[str | None, Query(alias="hub.mode", max_length=50)]
Token = Annotated[str | None, Query(alias="hub.verify_token", max_length=500)]
Challenge = Annotated[str | None, Query(alias="hub.challenge", max_length=500)]


@router.get("/meta", summary="Meta subscribe handshake (hub.challenge)")
def meta_handshake(
    ctx: CtxDep, mode: Mode = None, token: Token = None, challenge: Challenge = None
) -> Response:
    return _handshake(ctx, "meta", mode, token, challenge)


@router.get("/whatsapp", summary="WhatsApp subscribe handshake (hub.challenge)")
def whatsapp_handshake(
    ctx: CtxDep, mode: Mode = None, token: Token = None, challenge: Challenge = None
) -> Response:
    return _handshake(ctx, "whatsapp", mode, token, challenge)


@router.get("/x", summary="X challenge-response check (crc_token)")
def x_crc(
    ctx: CtxDep, crc_token: Annotated[str | None, Query(max_length=500)] = None
) -> JSONResponse:
    try:
        return JSONResponse(ingest.crc_check(ctx.settings, crc_token))
    except ingest.NotConfigured as exc:
        return _error(503, "NotConfigured", str(exc))
    except InvalidInput as exc:
        return _error(400, "InvalidInput", str(exc))


async def _deliver(request: Request, channel: str) -> JSONResponse:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return _error(413, "TooLarge", "badan permintaan terlalu besar")
    body = await request.body()
    if len(body) > MAX_BODY:
        return _error(413, "TooLarge", "badan permintaan terlalu besar")
    ctx = request.app.state.ctx
    batcher = _batcher(request)
    if batcher is not None:
        batcher.arrived()
    try:
        if ctx.engine.dialect.name == "sqlite":
            # check and parse here (microseconds); the one SQLite writer stores it, together
            # with whatever else arrived meanwhile (group commit), and we answer after its commit
            delivery = ingest.check_delivery(ctx, channel, request.headers, body)
            report = await asyncio.wrap_future(_writer(request, batcher).submit(delivery))
        else:
            report = await run_in_threadpool(
                ingest.receive_webhook, ctx, channel, request.headers, body, batcher=batcher
            )
    except ingest.SignatureRejected as exc:
        return _error(401 if exc.missing else 403, "SignatureRejected", str(exc))
    except ingest.NotConfigured as exc:
        return _error(503, "NotConfigured", str(exc))
    except InvalidInput as exc:
        return _error(400, "InvalidInput", str(exc))
    except NotFound as exc:
        return _error(404, "NotFound", str(exc))
    return JSONResponse({"status": report.status, **report.counts()})


def _batcher(request: Request) -> ingest.AnalysisBatcher | None:
    """One analysis job per short interval on a server whose jobs run in the background; at
    once where jobs run eagerly (tests, one-off commands)."""
    ctx = request.app.state.ctx
    if isinstance(ctx.jobs, EagerQueue):
        return None
    batcher: ingest.AnalysisBatcher | None = getattr(request.app.state, "analysis_batcher", None)
    if batcher is None:
        batcher = ingest.AnalysisBatcher(ctx)
        request.app.state.analysis_batcher = batcher
    return batcher


def _writer(request: Request, batcher: ingest.AnalysisBatcher | None) -> ingest.DeliveryWriter:
    writer: ingest.DeliveryWriter | None = getattr(request.app.state, "delivery_writer", None)
    if writer is None:
        writer = ingest.DeliveryWriter(request.app.state.ctx, batcher=batcher)
        request.app.state.delivery_writer = writer
    return writer


CHANNELS = {"/webhooks/meta": "meta", "/webhooks/whatsapp": "whatsapp", "/webhooks/x": "x"}


class FastPath:
    """ASGI middleware: deliveries (POST /webhooks/meta, /whatsapp, /x) go straight to their
    handler, skipping the framework's routing and dependency layers, which cost more CPU than
    storing the delivery. The same handler serves the routes below, which stay for the OpenAPI
    document and for a mount under another prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            channel = CHANNELS.get(scope["path"])
            if channel is not None:
                response = await _deliver(Request(scope, receive), channel)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


@router.post("/meta", summary="Instagram and Facebook Page deliveries")
async def meta(request: Request) -> JSONResponse:
    return await _deliver(request, "meta")


@router.post("/whatsapp", summary="WhatsApp Cloud API deliveries")
async def whatsapp(request: Request) -> JSONResponse:
    return await _deliver(request, "whatsapp")


@router.post("/x", summary="X Account Activity API deliveries")
async def x(request: Request) -> JSONResponse:
    return await _deliver(request, "x")
