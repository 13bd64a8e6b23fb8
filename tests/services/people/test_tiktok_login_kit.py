"""A TikTok account connected with Login Kit is polled for what its token may read (the
Display API's video list with comment counts, scope video.list) until its Business token is
set, and its health says which mode it is in (issue 19)."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import polling
from paseban.services.people import credentials as creds
from paseban.services.people import onboarding, onboarding_health
from paseban.storage import tables as t
from tests.fakes.platforms import FakePlatforms
from tests.services.people.test_onboarding import fake as fake  # the fixture
from tests.services.people.test_onboarding import octx as octx  # the fixture
from tests.services.people.test_onboarding import operator, sign_in


def cursor(ctx: Context, account_id: int) -> dict[str, object]:
    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.connector_cursors.c.cursor).where(
                t.connector_cursors.c.account_id == account_id
            )
        ).scalar()
    return dict(row or {})


def poll(ctx: Context, account_id: int) -> polling.PollReport:
    with ctx.connectors.login_provider("tiktok").hosts.client() as client:
        return polling.poll_account(ctx, account_id, client=client)


def test_login_kit_polls_the_video_list_until_the_business_token_is_set(
    octx: Context, fake: FakePlatforms
) -> None:
    actor = operator(octx)
    attempt = sign_in(octx, actor, "tiktok")
    pick = onboarding.Pick(0, "kel.babakan", "", "kelurahan", "32.71.03.1003")
    [done] = onboarding.connect(octx, actor, attempt, [pick])
    account = done.account_id
    health = onboarding_health.account_health(octx, account)[account]
    assert health.state == "sehat" and "video.list" not in health.missing
    assert health.mode.startswith("Login Kit: hanya daftar video")

    first = poll(octx, account)
    assert first.error is None and first.stored == 0  # comments are not readable with it
    assert ("POST", "open.tiktokapis.com", "/v2/video/list/") in fake.state.requests
    assert cursor(octx, account) == {
        "mode": "login_kit",
        "counts": {"7080217258529732882": 12, "7080213458555737282": 3},
        "waiting": 0,
        "videos": 2,
    }
    fake.state.tiktok_comments = 5  # five new comments on each video
    assert poll(octx, account).error is None
    assert cursor(octx, account)["waiting"] == 10
    health = onboarding_health.account_health(octx, account)[account]
    assert health.mode.endswith("10 komentar baru menunggu") and health.last_poll_at is not None

    fake.revoke("act.example12345Example12345Example")
    refused = poll(octx, account)
    assert refused.error is not None and "access_token_invalid" in refused.error

    # the city sets the Business token: the account is read as a business one from now on
    creds.set_token(octx, "tiktok", "kel.babakan", "tt-business-token", actor="cli")
    health = onboarding_health.account_health(octx, account)[account]
    assert health.mode == "TikTok API for Business: komentar dan balasannya dibaca"
