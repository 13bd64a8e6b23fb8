"""Instagram Login's 60-day tokens renew themselves before they end (Meta's Refresh Access
Token reference: `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`, on
a token at least 24 hours old), against the fake server; a failure shows in the health."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.people import credentials as creds
from paseban.services.people import onboarding, onboarding_health
from paseban.storage import tables as t
from tests.conftest import T0
from tests.fakes.platforms import FakePlatforms
from tests.services.people.test_onboarding import fake as fake  # the fixture
from tests.services.people.test_onboarding import octx as octx  # the fixture
from tests.services.people.test_onboarding import operator, sign_in


def connect_instagram(ctx: Context) -> int:
    actor = operator(ctx)
    attempt = sign_in(ctx, actor, "instagram")
    pick = onboarding.Pick(0, "rw05.cibuluh", "", "kelurahan", "32.71.05.1001")
    [done] = onboarding.connect(ctx, actor, attempt, [pick])
    return done.account_id


def stored(ctx: Context, account_id: int) -> tuple[str, object]:
    with ctx.engine.connect() as conn:
        token = creds.account_token(conn, ctx.settings, account_id)
        expires = conn.execute(
            sa.select(t.account_credentials.c.expires_at).where(
                t.account_credentials.c.account_id == account_id
            )
        ).scalar()
    assert token is not None
    return token.token, expires


def test_a_token_is_renewed_a_month_before_its_end(octx: Context, fake: FakePlatforms) -> None:
    account = connect_instagram(octx)
    token, expires = stored(octx, account)
    assert token == "IGAAinstagramUserTokenMadeUp" and expires == T0 + timedelta(seconds=5183944)
    health = onboarding_health.account_health(octx, account)[account]
    assert health.renewable and health.state == "sehat"  # no "sign in again" warning
    assert onboarding_health.renew_long_lived(octx) == {"renewed": 0, "failed": 0, "young": 0}
    octx.clock = FixedClock(T0 + timedelta(days=31))  # 29 days left
    assert onboarding_health.renew_long_lived(octx)["renewed"] == 1
    assert ("GET", "graph.instagram.com", "/refresh_access_token") in fake.state.requests
    token, expires = stored(octx, account)
    assert token == "IGAArefreshedMadeUp"
    assert expires == T0 + timedelta(days=31, seconds=5183944)  # 60 days from the renewal
    with octx.engine.connect() as conn:
        assert creds.account_token(conn, octx.settings, account).extra == {  # type: ignore[union-attr]
            "flow": "instagram_login"
        }


def test_a_token_younger_than_a_day_waits(octx: Context, fake: FakePlatforms) -> None:
    account = connect_instagram(octx)
    with octx.engine.begin() as conn:  # stored an hour ago, ending in ten days
        conn.execute(
            sa.update(t.account_credentials).values(
                expires_at=T0 + timedelta(days=10), updated_at=T0 - timedelta(hours=1)
            )
        )
    assert onboarding_health.renew_long_lived(octx)["young"] == 1
    assert ("GET", "graph.instagram.com", "/refresh_access_token") not in fake.state.requests
    assert stored(octx, account)[0] == "IGAAinstagramUserTokenMadeUp"


def test_a_refused_renewal_shows_in_the_health_until_one_works(
    octx: Context, fake: FakePlatforms
) -> None:
    account = connect_instagram(octx)
    octx.clock = FixedClock(T0 + timedelta(days=40))
    fake.revoke("IGAAinstagramUserTokenMadeUp")  # the owner removed the app
    assert onboarding_health.renew_long_lived(octx)["failed"] == 1
    health = onboarding_health.account_health(octx, account)[account]
    assert health.state == "bermasalah"
    assert health.reasons[0].startswith("perpanjangan token gagal: Instagram menolak")
    assert [h.account_id for h in onboarding_health.broken(octx)] == [account]
    assert stored(octx, account)[0] == "IGAAinstagramUserTokenMadeUp"  # kept while it lasts
    fake.state.revoked.discard("IGAAinstagramUserTokenMadeUp")
    fake.state.tokens.add("IGAAinstagramUserTokenMadeUp")
    assert onboarding_health.renew_long_lived(octx)["renewed"] == 1
    assert onboarding_health.account_health(octx, account)[account].state == "sehat"
    # past its end it cannot be renewed any more: a new sign-in is needed
    octx.clock = FixedClock(T0 + timedelta(days=200))
    health = onboarding_health.account_health(octx, account)[account]
    assert not health.renewable and health.state == "bermasalah"


def test_the_renewal_job_is_registered(octx: Context) -> None:
    hook = octx.pm.hook.register_jobs
    names = {spec.name for specs in hook(settings=octx.settings) for spec in specs}
    assert "renew_long_lived_tokens" in names
