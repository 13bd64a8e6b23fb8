"""A filter form sends every field, chosen or not: `?account=&status=&order=`. A blank value
means "not chosen", so it is dropped before the routes read their parameters; otherwise an
empty string would fail the parameter's type (an id, a status, a yes/no) and the page would
answer 422 to the form exactly as the browser submits it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send


def without_blanks(query: bytes) -> bytes:
    """The query string minus its parameters whose value is empty or only spaces."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if v.strip()]
    if len(kept) == len(pairs):
        return query
    return urlencode(kept).encode("latin-1")


class DropBlankQuery:
    """Pure ASGI middleware: GET and HEAD requests lose their blank query parameters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            query: bytes = scope.get("query_string", b"")
            if query:
                scope = {**scope, "query_string": without_blanks(query)}
        await self.app(scope, receive, send)
