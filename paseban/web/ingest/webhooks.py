"""Platform webhook endpoints, one pair per connector that platforms push to (with the built-in
ones: /webhooks/meta for Instagram and Facebook, /webhooks/whatsapp, /webhooks/x). They check the
signature over the raw bytes and parse (services.ingest.webhooks.check_delivery), then the
process's DeliveryWriter keeps the delivery and stores its messages, with whatever arrived
meanwhile, before we answer 200; analysis runs afterwards through the job queue, so a slow
analysis never slows the answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from paseban.connectors.registry import Registry
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.jobs import EagerQueue
from paseban.services.ingest import webhooks as ingest
from paseban.web.deps import CtxDep

MAX_BODY = 5 * 1024 * 1024  # Meta batches up to 1,000 updates; far below this


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


def _handshake(
    ctx: CtxDep, channel: str, mode: str | None, token: str | None, challenge: str | None
) -> Response:
    try:
        answer = ingest.confirm_subscription(
            ctx, channel, mode=mode, token=token, challenge=challenge
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
CrcToken = Annotated[str | None, Query(max_length=500)]


def _hub_route(channel: str) -> Callable[..., Response]:
    def handshake(
        ctx: CtxDep, mode: Mode = None, token: Token = None, challenge: Challenge = None
    ) -> Response:
        return _handshake(ctx, channel, mode, token, challenge)

    return handshake


def _crc_route(channel: str) -> Callable[..., Response]:
    def crc(
        ctx: CtxDep, crc_token: Annotated[str | None, Query(max_length=500)] = None
    ) -> Response:
        try:
            return JSONResponse(ingest.crc_check(ctx, channel, crc_token))
        except ingest.NotConfigured as exc:
            return _error(503, "NotConfigured", str(exc))
        except InvalidInput as exc:
            return _error(400, "InvalidInput", str(exc))

    return crc


# the GET route of a webhook, by the kind of check its platform makes (Connector.handshake)
HANDSHAKES: dict[str, tuple[str, Callable[[str], Callable[..., Response]]]] = {
    "hub": ("handshake", _hub_route),
    "crc": ("crc", _crc_route),
}


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
        # check and parse here (microseconds); the process's writer stores it, together with
        # whatever else arrived meanwhile (group commit), and we answer after its commit
        delivery = ingest.check_delivery(ctx, channel, request.headers, body)
        report = await asyncio.wrap_future(_writer(request, batcher).submit(delivery))
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
    once where jobs run eagerly (tests, one-off commands). During a burst (more deliveries a
    second than `Settings.ingest_first_rate`) analysis gets only a trickle, so that it does not
    take the cores the answers need: the in-process backend's analysis always shares them,
    celery workers do when they run on the web's machine (PASEBAN_INGEST_FIRST)."""
    ctx = request.app.state.ctx
    if isinstance(ctx.jobs, EagerQueue):
        return None
    batcher: ingest.AnalysisBatcher | None = getattr(request.app.state, "analysis_batcher", None)
    if batcher is None:
        batcher = ingest.AnalysisBatcher(ctx, busy_rate=ctx.settings.ingest_first_rate())
        request.app.state.analysis_batcher = batcher
    return batcher


def _writer(request: Request, batcher: ingest.AnalysisBatcher | None) -> ingest.DeliveryWriter:
    writer: ingest.DeliveryWriter | None = getattr(request.app.state, "delivery_writer", None)
    if writer is None:
        writer = ingest.DeliveryWriter(request.app.state.ctx, batcher=batcher)
        request.app.state.delivery_writer = writer
    return writer


class FastPath:
    """ASGI middleware: deliveries (POST /webhooks/meta, /whatsapp, /x) go straight to their
    handler, skipping the framework's routing and dependency layers, which cost more CPU than
    storing the delivery. The same handler serves the routes below, which stay for the OpenAPI
    document and for a mount under another prefix."""

    def __init__(self, app: ASGIApp, *, channels: Mapping[str, str]) -> None:
        self.app = app
        self.channels = channels  # path -> channel, e.g. /webhooks/meta -> meta

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            channel = self.channels.get(scope["path"])
            if channel is not None:
                response = await _deliver(Request(scope, receive), channel)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _delivery_route(channel: str) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def deliver(request: Request) -> JSONResponse:
        return await _deliver(request, channel)

    return deliver


def router(connectors: Registry) -> APIRouter:
    """One GET (the platform's handshake) and one POST (its deliveries) per connector that
    platforms push to: /meta, /whatsapp, /x with the built-in ones."""
    routes = APIRouter(tags=["webhooks"])
    for connector in connectors.webhooks():
        channel = str(connector.channel)
        if connector.handshake is not None:
            suffix, make = HANDSHAKES[connector.handshake]
            routes.add_api_route(
                f"/{channel}",
                make(channel),
                methods=["GET"],
                name=f"{channel}_{suffix}",
                summary=connector.handshake_summary,
            )
        routes.add_api_route(
            f"/{channel}",
            _delivery_route(channel),
            methods=["POST"],
            name=channel,
            summary=connector.delivery_summary,
        )
    return routes


def fast_paths(connectors: Registry, prefix: str) -> dict[str, str]:
    """The delivery paths FastPath serves, for the webhooks mounted under `prefix`."""
    return {f"{prefix}/{c.channel}": str(c.channel) for c in connectors.webhooks()}
