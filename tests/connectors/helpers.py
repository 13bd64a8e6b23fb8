"""Recorded platform payloads and signing, for the connector tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from paseban.connectors.base import hub_signature
from paseban.connectors.x import webhook_signature

FIXTURES = Path(__file__).parent.parent / "fixtures" / "connectors"
META_SECRET = "test-app-secret"
X_SECRET = "test-consumer-secret"


def raw(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / f"{name}.json").read_bytes()


def load(platform: str, name: str) -> Any:
    return json.loads(raw(platform, name))


def meta_signed(
    platform: str, name: str, secret: str = META_SECRET
) -> tuple[dict[str, str], bytes]:
    body = raw(platform, name)
    return {"X-Hub-Signature-256": hub_signature(secret, body)}, body


def x_signed(name: str, secret: str = X_SECRET) -> tuple[dict[str, str], bytes]:
    body = raw("x", name)
    return {"x-twitter-webhooks-signature": webhook_signature(secret, body)}, body


class Recorder:
    """A fake platform API for httpx.MockTransport: answers from a list of (method, URL path)
    routes and records every request it gets, so a test checks exactly what we sent."""

    def __init__(
        self, routes: dict[tuple[str, str], list[httpx.Response] | httpx.Response]
    ) -> None:
        self.routes = {k: v if isinstance(v, list) else [v] for k, v in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.path)
        answers = self.routes.get(key)
        if not answers:
            return httpx.Response(404, json={"error": {"message": f"no route {key}"}})
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def json_response(platform: str, name: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, content=raw(platform, name), headers={"content-type": "application/json", **headers}
    )
