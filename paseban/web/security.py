"""Security headers on every response, and the rules for our cookies."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from paseban.settings import Settings

# no inline script or style anywhere: every script and stylesheet is a file under /static
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from a CDN with an inline bootstrap
# script; they show only the public API description, so they get their own, looser policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
    "https://fastapi.tiangolo.com https://cdn.redoc.ly; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def is_local(host: str | None) -> bool:
    host = (host or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def cookie_secure(request: Request) -> bool:
    """Cookies are Secure (HTTPS only) everywhere but on this machine's loopback address."""
    return request.url.scheme == "https" or not is_local(request.url.hostname)


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streaming responses)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP
        https = scope.get("scheme") == "https"
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*BASE_HEADERS, (b"content-security-policy", csp.encode())]
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                if not static and b"cache-control" not in present:
                    # pages carry personal data: never keep them in a shared cache
                    extra.append((b"cache-control", b"no-store"))
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- the Host header, absolute links (issue 16) -------------------------------------------------


def trusted_hosts(settings: Settings) -> frozenset[str]:
    """The Host names this server answers: the base URL's, the configured ones, HOST, the
    loopback names and the test client's."""
    names = {*LOCAL_HOSTS, "testserver", settings.host.lower(), *settings.trusted_hosts}
    if settings.public_url:
        names.add((urlsplit(settings.public_url).hostname or "").lower())
    return frozenset(n for n in names if n)


class HostCheck:
    """A request whose Host is not ours is refused (400) before anything else: no page, link or
    cache entry is ever built for a host an attacker chose."""

    def __init__(self, app: ASGIApp, *, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = Headers(scope=scope).get("host", "")
            host = raw.rsplit(":", 1)[0] if not raw.endswith("]") else raw
            host = host.strip("[]").lower()
            if host not in self.hosts:
                response = error_response(400, "UntrustedHost", f"host {raw[:60]!r} tidak dikenal")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def pin_links(templates: Jinja2Templates) -> None:
    """`url_for` in the templates builds links from PASEBAN_BASE_URL (root-relative when it is
    not set), never from the request's Host header, which a client chooses."""

    @pass_context
    def url_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
        request: Request = context["request"]
        path = str(request.app.url_path_for(name, **params))
        settings = request.app.state.ctx.settings
        # root-relative without a configured base URL: the page's own origin, whatever it is
        return settings.public_url.rstrip("/") + path if settings.public_url else path

    templates.env.globals["url_for"] = url_for


def error_response(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


# --- bounded reading (issue 16) -----------------------------------------------------------------

KB = 1024
MB = 1024 * KB
# (method, path prefix) -> the most bytes a body may have; the first match wins
BODY_LIMITS: tuple[tuple[str, str, int], ...] = (
    ("POST", "/webhooks/", 5 * MB),  # Meta batches up to 1,000 updates
    ("POST", "/kasus/", 12 * MB),  # before/after photos
    ("POST", "/kunjungan", 12 * MB),  # field-visit photos
    ("POST", "/api/v1/manual-reports", 64 * KB),
    ("POST", "/open311/", 64 * KB),
    ("POST", "/masuk", 8 * KB),
    ("", "/api/", 1 * MB),
    ("", "", 1 * MB),
)
MAX_JSON_DEPTH = 32
# routes that bound their own body by the city's settings, with a message of their own (the media
# library's uploads: web/content/media.bounded_form, PASEBAN_MEDIA_*_MAX_BYTES); one limit each
SELF_BOUNDED: frozenset[tuple[str, str]] = frozenset(
    {("POST", "/konten/media"), ("POST", "/api/v1/content/media")}
)


class TooLarge(StarletteHTTPException):
    """Raised from `receive` once a body passes its limit (an HTTPException, so that code which
    turns parse errors into 400 lets it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"badan permintaan lebih dari {limit // KB} KB")


def body_limit(method: str, path: str) -> int:
    for want_method, prefix, limit in BODY_LIMITS:
        if (not want_method or want_method == method) and path.startswith(prefix):
            return limit
    return 1 * MB


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped), without parsing it:
    Python's parser would recurse and fail on the way."""
    stripped = re.sub(rb'"(?:[^"\\]|\\.)*"', b"", body)
    depth = deepest = 0
    for char in re.findall(rb"[\[\]{}]", stripped):
        depth += 1 if char in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


class BoundedBody:
    """Request bodies are counted while they arrive, with a limit per route, before any sign-in
    work: a declared length over the limit is refused at once (nothing read), a body that grows
    past it is cut off as it streams (at most the limit is ever held), and a JSON body nested
    deeper than MAX_JSON_DEPTH is refused with 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if (scope["method"], scope.get("path", "").rstrip("/")) in SELF_BOUNDED:
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["method"], scope.get("path", ""))
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(400, "InvalidInput", "Content-Length tidak sah")(
                    scope, receive, send
                )
                return
            if int(declared) > limit:
                await error_response(413, "TooLarge", TooLarge(limit).detail)(scope, receive, send)
                return
        if "json" in headers.get("content-type", ""):
            await self._json(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except TooLarge as exc:
            if started:
                raise
            await error_response(413, "TooLarge", str(exc.detail))(scope, receive, send)

    async def _json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A JSON body is read here (at most `limit` bytes), checked for depth, then handed on."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await error_response(413, "TooLarge", TooLarge(limit).detail)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if json_depth(body) > MAX_JSON_DEPTH:
            detail = f"JSON bersarang lebih dari {MAX_JSON_DEPTH} tingkat"
            await error_response(400, "InvalidInput", detail)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# --- public reads are throttled per address (issue 16) ------------------------------------------

PUBLIC_PREFIXES = ("/lacak", "/open311/", "/papan")


class PublicRateLimit:
    """Anonymous pages and Open311 answer each address at most `rate` requests per second on
    average, with bursts of `burst` (a token bucket per address, kept in this process): reading
    the public cases one by one is slow. Over the limit: 429 with Retry-After."""

    def __init__(self, app: ASGIApp, *, rate: float = 2.0, burst: int = 20) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, address: str, now: float) -> bool:
        with self._lock:
            tokens, last = self._buckets.pop(address, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[address] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > 100_000:  # forget the longest quiet addresses
                self._buckets.popitem(last=False)
            return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(PUBLIC_PREFIXES):
            client = scope.get("client")
            address = client[0] if client else "-"
            if not self.allow(address, time.monotonic()):
                response = error_response(429, "TooManyRequests", "terlalu banyak permintaan")
                response.headers["Retry-After"] = str(max(1, int(1 / self.rate)))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
