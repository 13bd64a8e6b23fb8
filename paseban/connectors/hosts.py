"""Where a platform's host really is. In production every request goes to the platform's own
host; a test or a staging server names fakes for some hosts (PASEBAN_PLATFORM_HOSTS), and both
the links a browser follows (an authorization dialog) and the requests Paseban makes itself
(a token exchange) go there. One rule for both, so a fake cannot be half in use."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class Hosts:
    """A map from platform host (`graph.facebook.com`) to the base URL that stands in for it."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs = {host.lower(): base.rstrip("/") for host, base in pairs}

    def url(self, url: str) -> str:
        """`url` as it must be requested: unchanged unless its host is mapped."""
        parts = urlsplit(url)
        base = self.pairs.get((parts.hostname or "").lower())
        if base is None:
            return url
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return base + rest

    def client(self) -> httpx.Client:
        """An HTTP client whose requests follow the map (the connectors build full URLs)."""
        if not self.pairs:
            return httpx.Client(timeout=TIMEOUT)
        return httpx.Client(timeout=TIMEOUT, transport=_Rewrite(self))


class _Rewrite(httpx.BaseTransport):
    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = httpx.URL(self.hosts.url(str(request.url)))
        request.headers["host"] = request.url.netloc.decode()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
