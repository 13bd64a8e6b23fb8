"""Issue 16's findings at the HTTP edge: bounded bodies, JSON depth, the Host header, security
headers on webhook answers, and the throttle on public reads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paseban.connectors.base import hub_signature
from paseban.context import Context
from paseban.web import security
from paseban.web.app import create_app
from tests.connectors.helpers import META_SECRET, with_connector_accounts
from tests.web.conftest import Browser
from tests.web.ingest.test_webhooks import make_context


@pytest.fixture
def hook_client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    ctx = make_context(db_url)
    with_connector_accounts(ctx, tmp_path)
    with TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost") as client:
        yield client
    ctx.close()


def _chunks(size: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    """A body of `size` bytes sent without a declared length (chunked)."""
    sent = 0
    while sent < size:
        yield b"x" * min(piece, size - sent)
        sent += piece


def test_a_declared_oversize_body_is_refused_before_sign_in(anon: TestClient) -> None:
    # defect 4: 100 MB to /api/v1/manual-reports was read whole before the 401
    response = anon.post(
        "/api/v1/manual-reports",
        content=b"{}",
        headers={"content-length": str(100 * 1024 * 1024), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "TooLarge"


def test_an_undeclared_body_is_cut_off_while_it_streams(hook_client: TestClient) -> None:
    # defect 4: an unsigned 300 MB upload without a length grew the server by 600 MB; here 40 MB
    # is refused after the first 5 MB and the rest is never held
    reads = 0

    def body() -> Iterator[bytes]:
        nonlocal reads
        for chunk in _chunks(40 * 1024 * 1024):
            reads += 1
            yield chunk

    response = hook_client.post("/webhooks/meta", content=body())
    assert response.status_code == 413
    assert response.json()["error"] == "TooLarge"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_deeply_nested_json_is_a_400_not_a_500(hook_client: TestClient) -> None:
    # defect 6: a signed, deeply nested body raised RecursionError (HTTP 500)
    body = b'{"object": "instagram", "entry": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    headers = {"X-Hub-Signature-256": hub_signature(META_SECRET, body)}
    headers["content-type"] = "application/json"
    response = hook_client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 400
    assert "bersarang" in response.json()["detail"]


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert security.json_depth(b'{"a": [1, {"b": "[[[[["}]}') == 3
    assert security.json_depth(json.dumps({"x": [[[]]]}).encode()) == 4


def test_webhook_answers_carry_the_security_headers(hook_client: TestClient) -> None:
    # smaller finding: the fast path for deliveries answered without them
    response = hook_client.post("/webhooks/meta", content=b"{}")
    assert response.status_code in (401, 403)
    assert response.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in response.headers


def test_a_foreign_host_is_refused(anon: TestClient) -> None:
    # defect 9: /papan built its links from the Host header
    response = anon.get("/papan", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.json()["error"] == "UntrustedHost"


def test_papan_links_come_from_the_base_url(app_ctx: Context) -> None:
    app_ctx.settings = app_ctx.settings.__class__(
        **{**app_ctx.settings.__dict__, "public_url": "https://paseban.kotabogor.go.id"}
    )
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://localhost") as c:
        page = c.get("/papan")
    assert page.status_code == 200
    assert "https://paseban.kotabogor.go.id/static/" in page.text
    assert "http://localhost/static/" not in page.text


def test_public_reads_are_throttled_per_address(anon: TestClient) -> None:
    # defect 1: 120 anonymous requests in 0.5 s read 37 cases
    codes = [anon.get("/lacak/BGR-2611-0001").status_code for _ in range(60)]
    assert codes.count(429) >= 30
    assert codes[0] != 429
    limited = anon.get("/open311/v2/requests.json")
    assert limited.status_code == 429
    assert limited.headers["retry-after"]


def test_the_throttle_refills() -> None:
    limit = security.PublicRateLimit(lambda s, r, w: None, rate=2.0, burst=2)  # type: ignore[arg-type, return-value]
    assert limit.allow("a", 0.0) and limit.allow("a", 0.0)
    assert not limit.allow("a", 0.1)
    assert limit.allow("a", 1.0)
    assert limit.allow("b", 0.1)  # another address has its own bucket


def test_integers_beyond_64_bits_are_a_400(login: Callable[[str], Browser]) -> None:
    # Schemathesis found OverflowError reaching SQLite as HTTP 500
    op = login("operator")
    huge = "9223372036854775808"
    for path in (f"/api/v1/cases?offset={huge}", f"/api/v1/content/posts/{huge}"):
        response = op.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert {"error", "detail"} <= set(response.json())


def test_media_uploads_are_bounded_by_the_media_settings_not_the_default(
    anon: TestClient,
) -> None:
    """The media library's uploads (25 MB photos, 300 MB videos) were cut at the 1 MB default
    when both limits met: they keep their own bound, from the city's media settings."""
    headers = {
        "content-length": str(5 * 1024 * 1024),  # over the default, under the media limit
        "content-type": "multipart/form-data; boundary=x",
    }
    for method, path in sorted(security.SELF_BOUNDED):
        answer = anon.request(method, path, content=b"", headers=headers, follow_redirects=False)
        assert answer.status_code != 413, path
    other = anon.post("/konten/draf/baru", content=b"", headers=headers)
    assert other.status_code == 413  # the default still holds elsewhere
