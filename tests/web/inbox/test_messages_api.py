"""GET /api/v1/messages: the caller's area only, filters, media and history, documented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.ingest import webhooks as ingest
from paseban.services.people import auth
from paseban.web.app import create_app
from tests.connectors.contract.helpers import (
    AT,
    SECRET,
    X_SECRET,
    meta_signed,
    with_contract_accounts,
)
from tests.connectors.helpers import connector_settings

OTHER_AREA = "32.71.05.1002"  # Tegal Gundil: the contract accounts are Batu Tulis's and the city's


@pytest.fixture
def api(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    ctx: Context = create_context(
        connector_settings(db_url, meta_app_secret=SECRET, x_consumer_secret=X_SECRET),
        clock=FixedClock(AT + timedelta(minutes=10)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    with_contract_accounts(ctx, tmp_path)
    for folder, name in (
        ("meta-instagram", "messaging__attachment_image"),
        ("whatsapp", "messages__text"),
        ("whatsapp", "messages__edit_coexistence"),
        ("meta-messenger-page", "feed__comment_add"),
    ):
        channel = "whatsapp" if folder == "whatsapp" else "meta"
        ingest.receive_webhook(ctx, channel, *meta_signed(folder, name))
    tokens = {
        "city": auth.create_token(
            ctx, "city", scopes=["messages:read", "pii:read"], role="diskominfo", actor="t"
        ),
        "masked": auth.create_token(
            ctx, "masked", scopes=["messages:read"], role="diskominfo", actor="t"
        ),
        "elsewhere": auth.create_token(
            ctx,
            "elsewhere",
            scopes=["messages:read"],
            role="kelurahan_admin",
            area=OTHER_AREA,
            actor="t",
        ),
        "cases": auth.create_token(
            ctx, "cases", scopes=["cases:read"], role="diskominfo", actor="t"
        ),
    }
    with TestClient(create_app(ctx, start_jobs=False)) as client:
        yield client, tokens
    ctx.close()


def get(api: tuple[TestClient, dict[str, str]], who: str, **params: str) -> Any:
    client, tokens = api
    return client.get(
        "/api/v1/messages", params=params, headers={"Authorization": f"Bearer {tokens[who]}"}
    )


def test_messages_with_media_history_and_analysis(api: tuple[TestClient, dict[str, str]]) -> None:
    response = get(api, "city")
    assert response.status_code == 200
    body = response.json()
    by_platform = {m["platform"]: m for m in body["items"]}
    assert set(by_platform) == {"instagram", "whatsapp", "facebook"}
    photo = by_platform["instagram"]
    assert photo["text"] == "[foto]" and photo["media"][0]["type"] == "image"
    assert photo["account"]["platform_account_id"] == "17841400000000001"
    edited = by_platform["whatsapp"]
    assert edited["edited_at"] and edited["history"][0]["kind"] == "edited"
    assert "PDAM" in edited["history"][0]["old_text"] and not edited["text_is_masked"]
    assert edited["analysis"]["intent"] and edited["author_id"] == "6280000000001"


def test_filters(api: tuple[TestClient, dict[str, str]]) -> None:
    only = get(api, "city", platform="whatsapp").json()["items"]
    assert [m["platform"] for m in only] == ["whatsapp"]
    by_account = get(api, "city", account="pemkot.contoh.fb").json()["items"]
    assert [m["platform"] for m in by_account] == ["facebook"]
    late = get(api, "city", since=(AT + timedelta(days=1)).isoformat()).json()
    assert late["items"] == []
    page = get(api, "city", limit="1").json()
    assert len(page["items"]) == 1 and page["has_next"] is True
    bad = get(api, "city", since=AT.isoformat(), until=AT.isoformat())
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"


def test_area_scope_and_personal_data(api: tuple[TestClient, dict[str, str]]) -> None:
    assert get(api, "elsewhere").json()["items"] == []
    masked = get(api, "masked").json()["items"]
    assert masked and all(m["text_is_masked"] and m["author"] is None for m in masked)
    refused = get(api, "cases")
    assert refused.status_code == 403
    client, _ = api
    assert client.get("/api/v1/messages").status_code == 401


def test_documented_in_the_openapi_schema(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/messages"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"platform", "account", "since", "until", "intent", "limit", "offset"} <= names
    fields = schema["components"]["schemas"]["MessageOut"]["properties"]
    assert {"external_id", "author_id", "kind", "media", "history", "analysis"} <= set(fields)
