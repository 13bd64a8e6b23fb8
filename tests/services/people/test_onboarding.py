"""Connecting accounts by signing in on each platform, against the fake authorization servers
on 127.0.0.1 (tests/fakes/platforms.py), which follow the documented requests and answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.oauth_login import LoginFailed
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import Actor, actor_for
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.ingest import subscriptions
from paseban.services.people import accounts, onboarding, onboarding_health
from paseban.services.people import credentials as creds
from paseban.storage import tables as t
from tests.conftest import T0
from tests.fakes.platforms import FakePlatforms, consent, fake_settings


@pytest.fixture
def fake() -> Iterator[FakePlatforms]:
    with FakePlatforms() as platforms:
        yield platforms


@pytest.fixture
def octx(ctx: Context, fake: FakePlatforms) -> Iterator[Context]:
    """The test database, with every sign-in configured and the platforms' hosts faked."""
    context = create_context(
        fake_settings(ctx.settings, fake),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    yield context
    context.close()


def operator(ctx: Context, session: str = "sesi-1") -> Actor:
    user_id = accounts.add_user(ctx, f"op{session}", role="diskominfo", scope=None)
    return actor_for(f"op{session}", Role.DISKOMINFO, Scope(), id=user_id, session_id=session)


def sign_in(ctx: Context, actor: Actor, key: str) -> str:
    back = consent(onboarding.begin(ctx, actor, key))
    return onboarding.finish(
        ctx, actor, key, state=back.get("state", ""), code=back.get("code", "")
    )


def test_facebook_pages_and_their_instagram_accounts(octx: Context, fake: FakePlatforms) -> None:
    actor = operator(octx)
    url = onboarding.begin(octx, actor, "facebook")
    query = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(f"{fake.base}/www.facebook.com/v25.0/dialog/oauth?")
    assert query["redirect_uri"] == "http://127.0.0.1:8000/oauth/callback/facebook"
    assert query["config_id"] == "987650000000001" and len(query["state"]) >= 40
    back = consent(url)
    attempt = onboarding.finish(octx, actor, "facebook", state=back["state"], code=back["code"])
    key, found = onboarding.candidates(octx, actor, attempt)
    assert key == "facebook"
    assert [(f.platform, f.platform_account_id, f.handle) for f in found] == [
        ("facebook", "104000000000001", "kelurahan.babakan"),
        ("instagram", "17841400000000001", "kelurahan.babakan"),
        ("facebook", "104000000000002", "dinas.lingkungan.hidup.kota.bogor"),
    ]
    assert found[0].missing == () and found[1].note == "tertaut ke Page Kelurahan Babakan"
    assert found[2].missing == ("tugas Page MESSAGE",)  # DLH's Page: no MESSAGE task
    picks = [
        onboarding.Pick(0, "kel.babakan", "Kelurahan Babakan", "kelurahan", "32.71.03.1003"),
        onboarding.Pick(1, "kelurahan.babakan", "", "kelurahan", "32.71.03.1003"),
    ]
    done = onboarding.connect(octx, actor, attempt, picks)
    assert [(d.platform, d.subscribes, d.created) for d in done] == [
        ("facebook", True, True),
        ("instagram", False, True),
    ]
    # the tokens are sealed at rest, and the Instagram account acts through its Page
    with octx.engine.connect() as conn:
        raw = conn.execute(sa.select(t.account_credentials.c.token)).scalars().all()
        assert raw and all("EAAG" not in r for r in raw)
        ig = creds.account_token(conn, octx.settings, done[1].account_id)
    assert ig is not None and ig.token == "EAAGpageTokenMadeUp"
    assert ig.extra == {"page_id": "104000000000001"}
    # the Page's webhooks are subscribed with the same call as `paseban accounts subscribe`
    with octx.connectors.for_platform("facebook").hosts().client() as client:  # type: ignore[union-attr]
        fields = subscriptions.subscribe(octx, "facebook", "kel.babakan", client=client)
    assert "feed" in fields and fake.state.subscribed == ["104000000000001"]
    health = onboarding_health.account_health(octx)
    assert health[done[0].account_id].state == "sehat"
    assert health[done[0].account_id].expires_at is None  # a Page token does not expire by time
    # the attempt is spent: its accounts cannot be picked twice
    with pytest.raises(NotFound):
        onboarding.candidates(octx, actor, attempt)


def test_state_is_bound_to_the_session_and_good_once(octx: Context) -> None:
    actor = operator(octx)
    back = consent(onboarding.begin(octx, actor, "facebook"))
    other = actor_for(actor.name, actor.role, actor.scope, id=actor.id, session_id="lain")
    with pytest.raises(Forbidden, match="sesi lain"):
        onboarding.finish(octx, other, "facebook", state=back["state"], code=back["code"])
    with pytest.raises(NotFound):
        onboarding.finish(octx, actor, "facebook", state="tebakan", code=back["code"])
    with pytest.raises(Forbidden, match="platform lain"):
        onboarding.finish(octx, actor, "x", state=back["state"], code=back["code"])
    # the wrong-provider return spent the state: even the right one is refused now
    with pytest.raises(Forbidden, match="sudah dipakai"):
        onboarding.finish(octx, actor, "facebook", state=back["state"], code=back["code"])


def test_an_expired_attempt_is_refused(octx: Context, clock: FixedClock) -> None:
    actor = operator(octx)
    back = consent(onboarding.begin(octx, actor, "tiktok"))
    late = create_context(
        octx.settings,
        clock=FixedClock(T0 + timedelta(minutes=16)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        with pytest.raises(Forbidden, match="kedaluwarsa"):
            onboarding.finish(late, actor, "tiktok", state=back["state"], code=back["code"])
    finally:
        late.close()


def test_x_uses_pkce_and_a_code_works_once(octx: Context, fake: FakePlatforms) -> None:
    actor = operator(octx)
    url = onboarding.begin(octx, actor, "x")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["scope"] == "tweet.read tweet.write users.read offline.access"
    back = consent(url)
    attempt = onboarding.finish(octx, actor, "x", state=back["state"], code=back["code"])
    _, found = onboarding.candidates(octx, actor, attempt)
    assert [(f.platform, f.handle, f.name, f.missing) for f in found] == [
        ("x", "PemkotBogor", "Pemkot Bogor", ())
    ]
    done = onboarding.connect(
        octx, actor, attempt, [onboarding.Pick(0, "PemkotBogor", "", "city", "32.71")]
    )
    with octx.engine.connect() as conn:
        stored = creds.account_token(conn, octx.settings, done[0].account_id)
        expires = conn.execute(sa.select(t.account_credentials.c.expires_at)).scalar_one()
    assert stored is not None and stored.extra["refresh_token"] == "xRefreshTokenMadeUp"
    assert expires == T0 + timedelta(hours=2)
    # the same code again (a replayed callback with a new state) is refused by the platform
    second = consent(onboarding.begin(octx, actor, "x"))
    with pytest.raises(LoginFailed, match="X menolak"):
        onboarding.finish(octx, actor, "x", state=second["state"], code=back["code"])


def test_instagram_without_a_page_google_and_tiktok(octx: Context, fake: FakePlatforms) -> None:
    actor = operator(octx)
    ig = sign_in(octx, actor, "instagram")
    _, found = onboarding.candidates(octx, actor, ig)
    assert [(f.platform, f.handle, f.name) for f in found] == [
        ("instagram", "rw05.cibuluh", "RW 05 Cibuluh")
    ]
    [done] = onboarding.connect(
        octx, actor, ig, [onboarding.Pick(0, "rw05.cibuluh", "", "kelurahan", "32.71.05.1001")]
    )
    with octx.engine.connect() as conn:
        token = creds.account_token(conn, octx.settings, done.account_id)
    assert token is not None and token.extra == {"flow": "instagram_login"}
    assert token.token == "IGAAinstagramUserTokenMadeUp"  # the long-lived one, 60 days
    fields = subscriptions.subscribe(
        octx, "instagram", "rw05.cibuluh", client=octx.connectors.login_provider("x").hosts.client()
    )
    assert fields == ["comments", "messages"] and fake.state.subscribed == ["ig:me"]

    yt = sign_in(octx, actor, "google")
    _, found = onboarding.candidates(octx, actor, yt)
    assert [(f.platform, f.platform_account_id, f.handle) for f in found] == [
        ("youtube", "UCAbCdEfGhIjKlMnOpQrStUv", "pemkotbogor")
    ]
    onboarding.connect(octx, actor, yt, [onboarding.Pick(0, "pemkotbogor", "", "city", "32.71")])

    tt = sign_in(octx, actor, "tiktok")
    [tiktok] = onboarding.connect(
        octx, actor, tt, [onboarding.Pick(0, "kel.babakan", "", "kelurahan", "32.71.03.1003")]
    )
    with octx.engine.connect() as conn:
        token = creds.account_token(conn, octx.settings, tiktok.account_id)
    assert token is not None and token.extra["refresh_token"].startswith("rft.")
    assert token.extra["refresh_expires_at"] == (T0 + timedelta(seconds=15552000)).isoformat()
    health = onboarding_health.account_health(octx)
    assert {h.handle: h.state for h in health.values() if h.connected_at} == {
        "rw05.cibuluh": "sehat",
        "pemkotbogor": "sehat",
        "kel.babakan": "sehat",
    }


def test_denied_consent_and_unconfigured_sign_ins(
    octx: Context, ctx: Context, fake: FakePlatforms
) -> None:
    actor = operator(octx)
    fake.state.deny.add("instagram")
    back = consent(onboarding.begin(octx, actor, "instagram"))
    with pytest.raises(LoginFailed, match="izin ditolak"):
        onboarding.finish(
            octx, actor, "instagram", state=back["state"], code="", error=back["error"]
        )
    # the test database's plain settings configure no sign-in: the operator is told what to set
    plain = operator(ctx, "sesi-2")
    with pytest.raises(InvalidInput, match="PASEBAN_META_APP_ID"):
        onboarding.begin(ctx, plain, "facebook")
    assert [p.configured for p in onboarding.providers(ctx)] == [False] * 5


def test_an_owner_is_required_and_nothing_is_stored_without_one(octx: Context) -> None:
    actor = operator(octx)
    attempt = sign_in(octx, actor, "facebook")
    picks = [
        onboarding.Pick(0, "kel.babakan", "", "kelurahan", "32.71.03.1003"),
        onboarding.Pick(2, "dlh.bogor", "", "opd", ""),
    ]
    with pytest.raises(InvalidInput, match="pemilik"):
        onboarding.connect(octx, actor, attempt, picks)
    with octx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.account_health)).scalar() == 0
    # still pickable after the refusal
    assert len(onboarding.candidates(octx, actor, attempt)[1]) == 3


def test_a_revoked_or_expired_token_shows_as_broken(octx: Context, fake: FakePlatforms) -> None:
    actor = operator(octx)
    fb = sign_in(octx, actor, "facebook")
    [page] = onboarding.connect(
        octx, actor, fb, [onboarding.Pick(0, "kel.babakan", "", "kelurahan", "32.71.03.1003")]
    )
    assert onboarding_health.check_connections(octx) == {
        "checked": 1,
        "refused": 0,
        "unreachable": 0,
    }
    fake.revoke("EAAGpageTokenMadeUp")  # the Page admin removed the app
    assert onboarding_health.check_connections(octx)["refused"] == 1
    [broken] = onboarding_health.broken(octx)
    assert broken.account_id == page.account_id and broken.state == "bermasalah"
    assert broken.reasons[0] == (
        "token ditolak Meta: masa berlaku token habis (kode 190/463); sambungkan ulang"
    )

    x = sign_in(octx, actor, "x")
    [account] = onboarding.connect(
        octx, actor, x, [onboarding.Pick(0, "PemkotBogor", "", "city", "32.71")]
    )
    later = create_context(
        octx.settings,
        clock=FixedClock(T0 + timedelta(hours=3)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        health = onboarding_health.account_health(later)[account.account_id]
        # renewable with its refresh token: not broken until a renewal fails
        assert health.state == "sehat" and health.renewable
        creds.note_problem(later, account.account_id, "perpanjangan token gagal: invalid_grant")
        assert onboarding_health.account_health(later)[account.account_id].state == "bermasalah"
    finally:
        later.close()


def test_tiktok_login_kit_tokens_renew_where_issued_and_rotate(
    octx: Context, fake: FakePlatforms
) -> None:
    """TikTok's current pages: access tokens last 2 hours and every renewal issues a new
    refresh token, the old one dead. The renewal goes to Login Kit's endpoint, not the
    Business API's, and the new refresh token is kept."""
    actor = operator(octx)
    attempt = sign_in(octx, actor, "tiktok")
    [account] = onboarding.connect(
        octx, actor, attempt, [onboarding.Pick(0, "kel.babakan", "", "kelurahan", "32.71.03.1003")]
    )
    later = create_context(
        octx.settings,
        clock=FixedClock(T0 + timedelta(hours=1, minutes=30)),  # within 6 h of the 2 h expiry
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        creds.note_problem(later, account.account_id, "perpanjangan token gagal: 5xx kemarin")
        assert creds.refresh_due(later) == {"renewed": 1, "failed": 0, "skipped": 0}
        # the renewal that worked ends the earlier trouble
        assert onboarding_health.account_health(later)[account.account_id].state == "sehat"
        with later.engine.connect() as conn:
            token = creds.account_token(conn, later.settings, account.account_id)
        assert token is not None and token.token == "act.refreshed12345Example"
        assert token.extra["refresh_token"] == "rft.rotated12345Example"
        assert "rft.example12345Example12345Example" in fake.state.revoked
        assert ("POST", "open.tiktokapis.com", "/v2/oauth/token/") in fake.state.requests
    finally:
        later.close()
    # the owner disconnects the app: the next renewal fails and the account says so
    fake.revoke("rft.rotated12345Example")
    much_later = create_context(
        octx.settings,
        clock=FixedClock(T0 + timedelta(hours=3, minutes=30)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        assert creds.refresh_due(much_later)["failed"] == 1
        health = onboarding_health.account_health(much_later)[account.account_id]
        assert health.state == "bermasalah"
        assert health.reasons[-1].startswith("perpanjangan token gagal: TikTok menolak")
    finally:
        much_later.close()
