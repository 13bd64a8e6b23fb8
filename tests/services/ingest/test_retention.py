"""Raw deliveries are kept once and pruned (issue 16, defect 8: 20 identical deliveries made
20 raw_events rows)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.jobs import registry
from paseban.services.ingest import retention, webhooks
from paseban.settings import Settings, SettingsError
from paseban.storage import tables as t
from tests.connectors.helpers import meta_signed, with_connector_accounts
from tests.web.ingest.test_webhooks import make_context


@pytest.fixture
def wctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    ctx = make_context(db_url)
    with_connector_accounts(ctx, tmp_path)
    yield ctx
    ctx.close()


def _count(ctx: Context, table: sa.Table) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_retried_delivery_is_kept_once(wctx: Context) -> None:
    headers, body = meta_signed("meta", "instagram_comments__batch")
    for _ in range(20):
        webhooks.receive_webhook(wctx, "meta", headers, body)
    assert _count(wctx, t.raw_events) == 1
    stored = _count(wctx, t.messages)
    assert stored > 0
    other_headers, other = meta_signed("meta", "page_feed__comment")
    webhooks.receive_webhook(wctx, "meta", other_headers, other)
    assert _count(wctx, t.raw_events) == 2


def test_old_raw_events_are_pruned_and_messages_stay(wctx: Context) -> None:
    headers, body = meta_signed("meta", "instagram_comments__batch")
    webhooks.receive_webhook(wctx, "meta", headers, body)
    messages = _count(wctx, t.messages)
    assert retention.prune_raw_events(wctx) == {"deleted": 0, "partitions_dropped": 0}
    with wctx.engine.begin() as conn:
        conn.execute(sa.update(t.raw_events).values(received_at=wctx.now() - timedelta(days=91)))
    assert retention.prune_raw_events(wctx) == {"deleted": 1, "partitions_dropped": 0}
    assert _count(wctx, t.raw_events) == 0
    assert _count(wctx, t.messages) == messages


def test_the_pruning_job_is_registered(wctx: Context) -> None:
    assert registry(wctx)["prune_raw_events"].every == timedelta(days=1)


def test_a_retention_under_one_day_is_refused_with_its_setting_named() -> None:
    with pytest.raises(SettingsError, match="PASEBAN_RAW_EVENT_DAYS minimal 1"):
        Settings.from_env({"PASEBAN_RAW_EVENT_DAYS": "0"})
    assert Settings.from_env({"PASEBAN_RAW_EVENT_DAYS": "30"}).raw_event_days == 30
