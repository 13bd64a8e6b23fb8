"""One scheduler within the platforms' limits (issue 15: defects 10 and 14, and 1 for renewal)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.ingest import budgets, polling
from paseban.services.people import accounts, credentials
from paseban.storage import tables as t
from tests.connectors.contract.helpers import AT, answer, request
from tests.connectors.helpers import connector_settings


def accounts_csv(tmp_path: Path, x: int, youtube: int) -> Path:
    rows = ["platform,handle,platform_account_id,owner_kind,owner_code,name"]
    rows += [f"x,x{i},{1500000000000000000 + i},city,32.71,X {i}" for i in range(x)]
    rows += [f"youtube,yt{i},UCbench{i:016d},city,32.71,YT {i}" for i in range(youtube)]
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def bctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    ctx = create_context(
        connector_settings(db_url, x_mentions_app_limit=15, x_mentions_user_limit=10),
        clock=FixedClock(AT),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    accounts.import_csv(ctx, accounts_csv(tmp_path, 20, 3))
    yield ctx
    ctx.close()


def ids(ctx: Context, platform: str) -> list[int]:
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(t.accounts.c.id)
                .where(t.accounts.c.platform == platform)
                .order_by(t.accounts.c.id)
            ).scalars()
        )


def test_defect_10_accounts_on_the_shared_bearer_share_its_budget(bctx: Context) -> None:
    """Before: every account polled every 300 s on the app's bearer token, whatever the count:
    more than 5 accounts on the old Basic tier (15 per 15 min) hit 429s."""
    x_accounts = ids(bctx, "x")
    credentials.set_token(bctx, "x", "x0", "user-token", actor="t")  # x0 has its own budget
    intervals = budgets.poll_intervals(bctx, budgets.polled_accounts(bctx))
    shared = [intervals[i] for i in x_accounts[1:]]
    assert set(shared) == {900 * 19 / 15}  # 19 accounts share 15 calls per 15 minutes
    # x0's own token allows 10 per 15 minutes (every 90 s), but never more often than
    # PASEBAN_POLL_SECONDS
    assert intervals[x_accounts[0]] == 300


def test_defect_10_polls_stay_inside_the_window_and_obey_the_headers(bctx: Context) -> None:
    """The first round polls 15 of the 19 shared accounts and no more; the platform's
    x-rate-limit-remaining of 0 holds the budget until x-rate-limit-reset."""
    calls: list[httpx.Request] = []

    def x_api(req: httpx.Request) -> httpx.Response:
        if req.url.host != "api.x.com":
            return httpx.Response(200, json={"items": []})
        calls.append(req)
        reset = str(int((AT + timedelta(minutes=15)).timestamp()))
        left = str(max(0, 15 - len(calls)))
        return httpx.Response(
            200,
            json={"meta": {"result_count": 0}},
            headers={
                "x-rate-limit-limit": "15",
                "x-rate-limit-remaining": left,
                "x-rate-limit-reset": reset,
            },
        )

    client = httpx.Client(transport=httpx.MockTransport(x_api))
    counts = polling.poll_due(bctx, client=client)
    assert len(calls) == 15 and counts["skipped"] >= 5
    with bctx.engine.connect() as conn:
        window = conn.execute(
            sa.select(t.rate_windows).where(t.rate_windows.c.key == "x:mentions:app_token:-")
        ).one()
    assert window.used == 15 and window.window_end == AT + timedelta(minutes=15)
    bctx.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    polling.poll_due(bctx, client=client)
    assert len(calls) == 15  # the window is spent: nobody polls, nobody gets a 429
    bctx.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    polling.poll_due(bctx, client=client)
    assert len(calls) > 15  # a new window


def test_defect_14_quota_exceeded_holds_every_youtube_channel_until_midnight_pacific(
    bctx: Context,
) -> None:
    """Before: each channel retried on its own, with back-off, all day."""
    calls: list[httpx.Request] = []

    def google(req: httpx.Request) -> httpx.Response:
        calls.append(req)
        return answer("youtube", "error__quota_exceeded")

    client = httpx.Client(transport=httpx.MockTransport(google))
    for account_id in ids(bctx, "youtube"):
        polling.poll_account(bctx, account_id, client=client)
    assert len(calls) == 1  # the other channels did not even ask
    midnight_pt = AT.replace(hour=7, minute=0)  # 2026-07-01 00:00 PDT
    assert (
        budgets.admit(
            bctx, budgets.budgets_for(bctx, "youtube", 1, "poll", own_token=False), "poll"
        )
        == midnight_pt
    )
    views = budgets.account_budgets(bctx)[ids(bctx, "youtube")[1]].budgets
    (units,) = views
    assert units.blocked_until == midnight_pt and units.shared


def test_defect_14_youtube_polls_are_spread_over_the_projects_day(bctx: Context) -> None:
    intervals = budgets.poll_intervals(bctx, budgets.polled_accounts(bctx))
    assert {intervals[i] for i in ids(bctx, "youtube")} == {300.0}  # 3 channels fit
    limit = budgets.budgets_for(bctx, "youtube", 1, "poll", own_token=False)[0].limit
    assert limit.poll_interval(100) == 86400 * 100 / 8000  # 100 channels: every 18 minutes


def test_the_settings_view_shows_what_is_left(bctx: Context) -> None:
    x0 = ids(bctx, "x")[0]
    view = budgets.account_budgets(bctx)[x0]
    labels = [b.label for b in view.budgets]
    assert "permintaan mention (token aplikasi, bersama)" in labels
    assert view.interval is not None and view.interval >= 300
    assert all(b.remaining == b.capacity for b in view.budgets if b.capacity)


def test_defect_1_tiktok_tokens_are_renewed_before_the_day_is_over(
    db_url: str, tmp_path: Path
) -> None:
    ctx = create_context(
        connector_settings(
            db_url, tiktok_client_id="TEST-CLIENT-ID", tiktok_client_secret="TEST-CLIENT-SECRET"
        ),
        clock=FixedClock(AT),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        path = tmp_path / "tt.csv"
        path.write_text(
            "platform,handle,platform_account_id,owner_kind,owner_code,name\n"
            "tiktok,tt,biz-1,city,32.71,TikTok\n",
            encoding="utf-8",
        )
        accounts.import_csv(ctx, path)
        credentials.set_token(
            ctx,
            "tiktok",
            "tt",
            "act.old",
            actor="t",
            expires_at=AT + timedelta(hours=5),  # inside the 6 hours ahead
            extra={"refresh_token": "rft.TEST-REFRESH-TOKEN"},
        )
        sent: list[httpx.Request] = []

        def tiktok(req: httpx.Request) -> httpx.Response:
            sent.append(req)
            return answer("tiktok", "token__refresh")

        client = httpx.Client(transport=httpx.MockTransport(tiktok))
        assert credentials.refresh_due(ctx, client=client)["renewed"] == 1
        import json

        assert json.loads(sent[0].content) == request("tiktok", "token__refresh")["json"]
        with ctx.engine.connect() as conn:
            token = credentials.account_token(conn, ctx.settings, ids(ctx, "tiktok")[0])
            expires = conn.execute(sa.select(t.account_credentials.c.expires_at)).scalar()
        assert token is not None and token.token == "act.TEST-NEW-ACCESS-TOKEN"
        assert token.extra["refresh_token"] == "rft.TEST-NEW-REFRESH-TOKEN"
        assert token.extra["refresh_expires_at"].startswith("2027-06-30")
        assert expires == AT + timedelta(seconds=86400)
    finally:
        ctx.close()
