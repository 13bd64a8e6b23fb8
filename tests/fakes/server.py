"""Serving a fake on 127.0.0.1, and an httpx client whose requests to the platforms' hosts go to
the fakes instead (the connectors keep their real URLs; only the transport is pointed here)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

ORIGINAL_HOST = "x-fake-original-host"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_asgi(app: Any, port: int | None = None) -> Iterator[str]:
    """Serve an ASGI app on a free port of 127.0.0.1 (or `port`); yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            log_config=None,
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class ToFakes(httpx.BaseTransport):
    """Sends a request for one of `routes`' hosts to that fake's 127.0.0.1 address (the
    original host travels in a header); refuses any other host, so nothing leaves the machine."""

    def __init__(self, routes: Mapping[str, str]) -> None:
        self.routes = {host: httpx.URL(base) for host, base in routes.items()}
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = self.routes.get(request.url.host)
        if target is None:
            raise httpx.ConnectError(f"no fake for {request.url.host}", request=request)
        request.headers[ORIGINAL_HOST] = request.url.host
        request.url = request.url.copy_with(scheme="http", host=target.host, port=target.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def client_to(routes: Mapping[str, str]) -> httpx.Client:
    return httpx.Client(transport=ToFakes(routes), timeout=30)
