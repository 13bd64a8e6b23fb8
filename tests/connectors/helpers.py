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


CONNECTOR_ACCOUNTS_CSV = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,pemkotbogor,17841400000000000,city,32.71,Pemkot Bogor
instagram,kelurahan.batutulis,17841400000001001,kelurahan,32.71.01.1001,Kelurahan Batu Tulis
facebook,pemkotbogor.fb,104000000000001,city,32.71,Pemkot Bogor
facebook,kelurahan.tegalgundil.fb,104000000000002,kelurahan,32.71.05.1002,Kelurahan Tegal Gundil
whatsapp,pemkotbogor.wa,106540352242922,city,32.71,WhatsApp Pemkot
x,pemkotbogor,123456789,city,32.71,Pemkot Bogor
youtube,pemkotbogor.yt,UCpemkotbogor0000000000,city,32.71,Pemkot Bogor
tiktok,pemkotbogor.tt,biz-pemkotbogor,city,32.71,Pemkot Bogor
"""


def with_connector_accounts(ctx: Any, tmp_path: Path) -> None:
    from paseban.services.people import accounts

    path = tmp_path / "connector_accounts.csv"
    path.write_text(CONNECTOR_ACCOUNTS_CSV, encoding="utf-8")
    accounts.import_csv(ctx, path)


def connector_settings(url: str, **overrides: Any) -> Any:
    from paseban.settings import Settings
    from tests.conftest import MEDIA_DIR, REPORTS_DIR

    values: dict[str, Any] = {
        "reports_dir": REPORTS_DIR,
        "media_dir": MEDIA_DIR,
        "database_url": url,
        "secret_key": "test-secret",
        "log_format": "console",
        "meta_app_secret": META_SECRET,
        "meta_verify_token": "token-verifikasi-kota",
        "x_consumer_secret": X_SECRET,
        "x_bearer_token": "x-app-bearer",
        "youtube_api_key": "yt-api-key",
        "whatsapp_token": "wa-system-token",
    }
    return Settings(**(values | overrides))


class RecordingQueue:
    """A job queue that only remembers what was asked: work that never ran, as after a crash."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, name: str, /, **kwargs: Any) -> None:
        self.jobs.append((name, kwargs))

    def start(self) -> None:
        return None

    def drain(self, timeout: float = 30.0) -> None:
        return None

    def shutdown(self) -> None:
        return None
