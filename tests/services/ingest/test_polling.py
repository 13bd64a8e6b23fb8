"""Polls: each page stored with its cursor in one transaction; nothing lost, nothing doubled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.ingest import polling
from paseban.services.ingest import webhooks as ingest
from paseban.services.ingest.deliveries import store_batch
from paseban.services.people import credentials
from paseban.storage import tables as t
from tests.conftest import T0
from tests.connectors.helpers import (
    Recorder,
    connector_settings,
    json_response,
    meta_signed,
    with_connector_accounts,
)

MENTIONS = ("GET", "/2/users/123456789/mentions")


@pytest.fixture
def pctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    ctx = create_context(
        connector_settings(db_url),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    with_connector_accounts(ctx, tmp_path)
    yield ctx
    ctx.close()


def account_id(ctx: Context, platform: str) -> int:
    with ctx.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.platform == platform)
            ).scalar_one()
        )


def cursor(ctx: Context, platform: str) -> Any:
    with ctx.engine.connect() as conn:
        return conn.execute(
            sa.select(t.connector_cursors).where(
                t.connector_cursors.c.account_id == account_id(ctx, platform)
            )
        ).first()


def external_ids(ctx: Context) -> list[str]:
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(t.messages.c.external_id).order_by(t.messages.c.external_id)
            ).scalars()
        )


def set_cursor(ctx: Context, platform: str, value: dict[str, Any]) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.insert(t.connector_cursors).values(
                account_id=account_id(ctx, platform), cursor=value, updated_at=T0
            )
        )


def test_x_backlog_interrupted_by_an_error_resumes_where_it_stopped(pctx: Context) -> None:
    set_cursor(pctx, "x", {"since_id": "1994000000000000001"})
    api = Recorder({MENTIONS: [json_response("x", "mentions__first_page"), httpx.Response(503)]})
    report = polling.poll_account(pctx, account_id(pctx, "x"), client=api.client())
    assert report.pages == 1 and report.stored == 2 and "503" in (report.error or "")
    saved = cursor(pctx, "x")
    assert saved.cursor["since_id"] == "1994000000000000001"  # not moved: the backlog is not done
    assert saved.cursor["next_token"] and saved.last_error
    resumed = Recorder({MENTIONS: json_response("x", "mentions__last_page")})
    report = polling.poll_account(pctx, account_id(pctx, "x"), client=resumed.client())
    assert report.stored == 1 and report.error is None
    assert resumed.requests[0].url.params["pagination_token"] == saved.cursor["next_token"]
    assert cursor(pctx, "x").cursor == {"since_id": "1994000000000000103"}
    assert external_ids(pctx) == [
        "1994000000000000095",
        "1994000000000000101",
        "1994000000000000103",
    ]
    with pctx.engine.connect() as conn:
        own = conn.execute(
            sa.select(t.outbox.c.external_id, t.outbox.c.status).where(
                t.outbox.c.dedupe_key.like("seen:%")
            )
        ).all()
        analysed = conn.execute(
            sa.select(sa.func.count()).where(t.messages.c.analyzed_at.is_not(None))
        ).scalar()
    assert [tuple(r) for r in own] == [("1994000000000000102", "sent")]
    assert analysed == 3


def test_a_crash_before_the_page_is_committed_moves_no_cursor(
    pctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_cursor(pctx, "x", {"since_id": "1994000000000000001"})
    real = store_batch

    def crash(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("proses mati")

    monkeypatch.setattr(polling, "store_batch", crash)
    api = Recorder({MENTIONS: json_response("x", "mentions__last_page")})
    with pytest.raises(RuntimeError):
        polling.poll_account(pctx, account_id(pctx, "x"), client=api.client())
    assert external_ids(pctx) == [] and cursor(pctx, "x").cursor == {
        "since_id": "1994000000000000001"
    }
    monkeypatch.setattr(polling, "store_batch", real)
    polling.poll_account(pctx, account_id(pctx, "x"), client=api.client())
    assert external_ids(pctx) == ["1994000000000000095"]
    assert api.requests[0].url.params["since_id"] == api.requests[1].url.params["since_id"]


def test_a_repeated_page_stores_nothing_twice(pctx: Context) -> None:
    set_cursor(pctx, "x", {"since_id": "1"})
    for _ in range(2):
        api = Recorder({MENTIONS: json_response("x", "mentions__first_page")})
        with pctx.engine.begin() as conn:  # a poller that restarted from an old cursor
            conn.execute(sa.update(t.connector_cursors).values(cursor={"since_id": "1"}))
        polling.poll_account(pctx, account_id(pctx, "x"), client=api.client(), max_pages=1)
    assert external_ids(pctx) == ["1994000000000000101", "1994000000000000103"]
    with pctx.engine.connect() as conn:
        ours = sa.select(sa.func.count()).where(t.outbox.c.dedupe_key.like("seen:%"))
        assert conn.execute(ours).scalar() == 1  # our own reply seen on the platform, once


def test_rate_limit_waits_before_the_next_poll(pctx: Context) -> None:
    limited = Recorder(
        {MENTIONS: json_response("x", "error__rate_limited", 429, **{"retry-after": "600"})}
    )
    report = polling.poll_account(pctx, account_id(pctx, "x"), client=limited.client())
    assert report.error and cursor(pctx, "x").retry_after == T0 + timedelta(seconds=600)
    again = polling.poll_account(pctx, account_id(pctx, "x"), client=limited.client())
    assert again.skipped and len(limited.requests) == 1


def test_poll_due_reads_youtube_and_tiktok_and_skips_what_is_not_due(pctx: Context) -> None:
    credentials.set_token(pctx, "tiktok", "pemkotbogor.tt", "tt-business-token", actor="test")
    api = Recorder(
        {
            MENTIONS: json_response("x", "mentions__last_page"),
            ("GET", "/youtube/v3/commentThreads"): json_response(
                "youtube", "comment_threads__page"
            ),
            ("GET", "/open_api/v1.3/business/video/list/"): json_response("tiktok", "videos__list"),
            ("GET", "/open_api/v1.3/business/comment/list/"): [
                json_response("tiktok", "comments__video2"),
                json_response("tiktok", "comments__video1"),
            ],
            ("GET", "/open_api/v1.3/business/comment/reply/list/"): json_response(
                "tiktok", "replies__comment3"
            ),
        }
    )
    counts = polling.poll_due(pctx, client=api.client())
    assert counts["accounts"] == 3 and counts["errors"] == 0
    ids = external_ids(pctx)
    assert {"UgxThread0002", "UgxThread0001", "7441000000000000003", "1994000000000000095"} <= set(
        ids
    )
    hosts = {
        (r.url.host, r.headers.get("x-goog-api-key"), r.headers.get("access-token"))
        for r in api.requests
    }
    assert ("www.googleapis.com", "yt-api-key", None) in hosts
    assert ("business-api.tiktok.com", None, "tt-business-token") in hosts
    assert polling.poll_due(pctx, client=api.client())["accounts"] == 0  # polled a moment ago
    pctx.clock.advance(timedelta(seconds=pctx.settings.poll_seconds))  # type: ignore[attr-defined]
    assert polling.due_accounts(pctx) != []


def test_accounts_without_a_token_are_skipped(db_url: str, tmp_path: Path) -> None:
    ctx = create_context(
        connector_settings(db_url, x_bearer_token="", youtube_api_key=""),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        with_connector_accounts(ctx, tmp_path)
        api = Recorder({})
        counts = polling.poll_due(ctx, client=api.client())
        assert counts["skipped"] == 3 and api.requests == []
    finally:
        ctx.close()


def test_instagram_mentions_are_stored_once_their_text_is_fetched(pctx: Context) -> None:
    headers, body = meta_signed("meta", "instagram_mentions__comment")
    report = ingest.receive_webhook(pctx, "meta", headers, body)  # eager queue: resolve runs now
    assert report.waiting == 2
    with pctx.engine.connect() as conn:
        status, error = conn.execute(sa.select(t.raw_events.c.status, t.raw_events.c.error)).one()
    assert status == "waiting" and "token" in error  # no Page token yet: kept, explained
    credentials.set_token(pctx, "instagram", "pemkotbogor", "page-token", actor="test")
    api = Recorder(
        {
            ("GET", "/v25.0/17841400000000000"): [
                json_response("meta", "graph_mentioned_comment__ok"),
                httpx.Response(
                    200,
                    json={
                        "mentioned_media": {
                            "id": "18000000000000402",
                            "caption": "@pemkotbogor banjir lagi di jl. ahmad yani",
                            "timestamp": "2026-11-27T01:50:00+0000",
                            "username": "warga.tanahsareal",
                        },
                        "id": "17841400000000000",
                    },
                ),
            ]
        }
    )
    counts = polling.resolve_raw_events(pctx, client=api.client())
    assert counts == {"events": 1, "resolved": 1, "stored": 2, "still_waiting": 0}
    with pctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.messages.c.external_id, t.messages.c.kind, t.messages.c.analyzed_at)
        ).all()
    assert {(r.external_id, r.kind) for r in rows} == {
        ("17900000000000401", "mention"),
        ("18000000000000402", "mention"),
    }
    assert all(r.analyzed_at is not None for r in rows)
    assert polling.resolve_raw_events(pctx, client=api.client())["events"] == 0
