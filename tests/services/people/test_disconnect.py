"""Disconnecting an account from the dashboard: the platform is told through its documented
call (tests/fixtures/oauth/*revoke*, *subscribed_apps_delete*), the tokens are forgotten, the
history stays, the account shows *terputus*, and signing in again connects it again."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import Conflict, NotFound
from paseban.services.ingest import files
from paseban.services.people import audit, disconnect, onboarding, onboarding_health
from paseban.services.people import credentials as creds
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.fakes.platforms import FakePlatforms
from tests.services.people.test_onboarding import fake as fake  # the fixture
from tests.services.people.test_onboarding import octx as octx  # the fixture
from tests.services.people.test_onboarding import operator, sign_in


def connect(ctx: Context, key: str, handle: str, owner: tuple[str, str], session: str = "1") -> int:
    actor = operator(ctx, f"sesi-{key}-{session}")
    attempt = sign_in(ctx, actor, key)
    [done] = onboarding.connect(ctx, actor, attempt, [onboarding.Pick(0, handle, "", *owner)])
    return done.account_id


def has_token(ctx: Context, account_id: int) -> bool:
    with ctx.engine.connect() as conn:
        return creds.account_token(conn, ctx.settings, account_id) is not None


def test_a_facebook_page_is_unsubscribed_and_forgotten_and_its_history_kept(
    octx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    page = connect(octx, "facebook", "kel.babakan", ("kelurahan", "32.71.03.1003"))
    record = message(1, "jalan rusak", account="kel.babakan", platform="facebook")
    files.ingest_file(octx, write_jsonl(tmp_path / "m.jsonl", [record]))  # history to keep
    result = disconnect.disconnect(octx, "operator", page)
    assert result.done == "langganan webhook Page dicabut (subscribed_apps)" and not result.problem
    assert fake.state.unsubscribed == ["104000000000001"]
    assert not has_token(octx, page)
    health = onboarding_health.account_health(octx, page)[page]
    assert health.state == "terputus" and health.disconnected_by == "operator"
    assert "diputus dari dasbor oleh operator" in health.reasons[0]
    assert [h.account_id for h in onboarding_health.broken(octx)] == [page]  # command centre
    with octx.engine.connect() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(t.messages)).scalar()
        active = conn.execute(sa.select(t.accounts.c.active).where(t.accounts.c.id == page))
        assert kept == 1 and active.scalar() is True
    [event] = audit.list_events(octx, action="account.disconnect")
    assert event["detail"]["di_platform"].startswith("langganan webhook")
    with pytest.raises(Conflict, match="sudah terputus"):
        disconnect.disconnect(octx, "operator", page)
    # connecting again by signing in works, and clears the mark
    again = connect(octx, "facebook", "kel.babakan", ("kelurahan", "32.71.03.1003"), "2")
    assert again == page
    assert onboarding_health.account_health(octx, page)[page].state == "sehat"
    assert onboarding_health.broken(octx) == []


def test_x_google_and_tiktok_tokens_are_revoked_at_the_platform(
    octx: Context, fake: FakePlatforms
) -> None:
    x = connect(octx, "x", "pemkotbogor", ("city", "32.71"))
    yt = connect(octx, "google", "pemkotbogor", ("city", "32.71"))
    tt = connect(octx, "tiktok", "kel.babakan", ("kelurahan", "32.71.03.1003"))
    assert "xAccessTokenMadeUp" in fake.state.tokens
    assert disconnect.disconnect(octx, "operator", x).done == "token dicabut di X"
    assert {"xAccessTokenMadeUp", "xRefreshTokenMadeUp"} <= fake.state.revoked
    assert disconnect.disconnect(octx, "operator", yt).done == "izin dicabut di akun Google"
    assert any(tok.startswith("1//") for tok in fake.state.revoked)  # the refresh token
    assert disconnect.disconnect(octx, "operator", tt).done == "token dicabut di TikTok"
    assert "act.example12345Example12345Example" in fake.state.revoked
    states = {h.account_id: h.state for h in onboarding_health.account_health(octx).values()}
    assert states[x] == states[yt] == states[tt] == "terputus"


def test_a_refusal_still_forgets_the_token_and_says_so(octx: Context, fake: FakePlatforms) -> None:
    tt = connect(octx, "tiktok", "kel.babakan", ("kelurahan", "32.71.03.1003"))
    fake.revoke("act.example12345Example12345Example")  # the person removed the app already
    result = disconnect.disconnect(octx, "operator", tt)
    assert result.done == "" and result.problem.startswith("TikTok menolak")
    assert not has_token(octx, tt)
    [event] = audit.list_events(octx, action="account.disconnect")
    assert event["detail"]["gagal"].startswith("TikTok menolak")


def test_an_unknown_account_is_refused(octx: Context) -> None:
    with pytest.raises(NotFound):
        disconnect.disconnect(octx, "operator", 9999)
