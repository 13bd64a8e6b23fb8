from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.context import Context
from paseban.errors import InvalidInput, NotFound
from paseban.services.people import credentials
from paseban.storage import tables as t
from tests.factories import with_accounts


def test_tokens_are_encrypted_at_rest_and_need_the_same_key(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    account_id = credentials.set_token(
        ctx,
        "instagram",
        "pemkotbogor",
        "EAAG-page-token",
        actor="op",
        extra={"refresh_token": "rt-1"},
    )
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(t.account_credentials)).mappings().one()
        assert "EAAG" not in row["token"] and "rt-1" not in str(row["extra"])
        opened = credentials.account_token(conn, ctx.settings, account_id)
        assert opened is not None and opened.token == "EAAG-page-token"
        assert opened.extra == {"refresh_token": "rt-1"}
        other = dataclasses.replace(ctx.settings, secret_key="another-key")
        with pytest.raises(credentials.CredentialsLocked, match="simpan ulang"):
            credentials.account_token(conn, other, account_id)
        empty = dataclasses.replace(ctx.settings, secret_key="")
        with pytest.raises(credentials.CredentialsLocked, match="PASEBAN_SECRET_KEY"):
            credentials.account_token(conn, empty, account_id)
    assert credentials.remove_token(ctx, "instagram", "pemkotbogor")
    assert not credentials.remove_token(ctx, "instagram", "pemkotbogor")


def test_bad_tokens_and_unknown_accounts(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    with pytest.raises(InvalidInput):
        credentials.set_token(ctx, "instagram", "pemkotbogor", "two words", actor="op")
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        credentials.set_token(ctx, "instagram", "pemkotbogor", "tok", actor="op", extra={"x": "1"})
    with pytest.raises(NotFound):
        credentials.set_token(ctx, "instagram", "tidak.ada", "tok", actor="op")


def refresh_context(db_url: str) -> Context:
    from paseban.clock import FixedClock
    from tests.conftest import T0
    from tests.connectors.helpers import connector_settings

    settings = connector_settings(
        db_url,
        x_client_id="x-client",
        x_client_secret="x-client-secret",
        youtube_client_id="g-client",
        youtube_client_secret="g-secret",
    )
    return create_context(
        settings, clock=FixedClock(T0), load_entrypoints=False, jobs_backend="eager"
    )


def test_tokens_that_expire_soon_are_renewed(db_url: str, tmp_path: Path) -> None:
    import base64
    import json
    from datetime import timedelta

    import httpx

    from tests.connectors.helpers import Recorder, with_connector_accounts

    ctx = refresh_context(db_url)
    try:
        with_connector_accounts(ctx, tmp_path)
        soon, later = ctx.now() + timedelta(minutes=5), ctx.now() + timedelta(hours=12)
        credentials.set_token(
            ctx,
            "x",
            "pemkotbogor",
            "x-old",
            actor="op",
            expires_at=soon,
            extra={"refresh_token": "x-rt-1"},
        )
        credentials.set_token(
            ctx,
            "youtube",
            "pemkotbogor.yt",
            "g-old",
            actor="op",
            expires_at=soon,
            extra={"refresh_token": "g-rt"},
        )
        credentials.set_token(ctx, "instagram", "pemkotbogor", "page", actor="op", expires_at=soon)
        credentials.set_token(ctx, "tiktok", "pemkotbogor.tt", "tt", actor="op", expires_at=later)
        api = Recorder(
            {
                ("POST", "/2/oauth2/token"): httpx.Response(
                    200,
                    json={
                        "token_type": "bearer",
                        "access_token": "x-new",
                        "refresh_token": "x-rt-2",
                        "expires_in": 7200,
                        "scope": "tweet.write",
                    },
                ),
                ("POST", "/token"): httpx.Response(
                    200, json={"access_token": "g-new", "expires_in": 3599, "token_type": "Bearer"}
                ),
            }
        )
        assert credentials.refresh_due(ctx, client=api.client()) == {
            "renewed": 2,
            "failed": 0,
            "skipped": 0,
        }
        x_request = next(r for r in api.requests if r.url.host == "api.x.com")
        assert dict(httpx.QueryParams(x_request.content.decode())) == {
            "grant_type": "refresh_token",
            "refresh_token": "x-rt-1",
            "client_id": "x-client",
        }
        assert (
            x_request.headers["authorization"]
            == "Basic " + base64.b64encode(b"x-client:x-client-secret").decode()
        )
        google = next(r for r in api.requests if r.url.host == "oauth2.googleapis.com")
        assert httpx.QueryParams(google.content.decode())["client_secret"] == "g-secret"
        with ctx.engine.connect() as conn:
            x = credentials.account_token(conn, ctx.settings, _id(ctx, "x"))
            g = credentials.account_token(conn, ctx.settings, _id(ctx, "youtube"))
            expiry = conn.execute(
                sa.select(t.account_credentials.c.expires_at).where(
                    t.account_credentials.c.account_id == _id(ctx, "x")
                )
            ).scalar_one()
        assert x is not None and (x.token, x.extra["refresh_token"]) == (
            "x-new",
            "x-rt-2",
        )  # rotated
        assert g is not None and (g.token, g.extra["refresh_token"]) == ("g-new", "g-rt")
        assert expiry == ctx.now() + timedelta(seconds=7200)
        refused = Recorder(
            {
                ("POST", "/2/oauth2/token"): httpx.Response(
                    400,
                    json={
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                )
            }
        )
        credentials.set_token(
            ctx,
            "x",
            "pemkotbogor",
            "x-new",
            actor="op",
            expires_at=soon,
            extra={"refresh_token": "x-rt-2"},
        )
        counts = credentials.refresh_due(ctx, client=refused.client())
        assert counts["failed"] == 1
        with ctx.engine.connect() as conn:
            kept = credentials.account_token(conn, ctx.settings, _id(ctx, "x"))
        assert kept is not None and kept.token == "x-new" and json.dumps(kept.extra)
    finally:
        ctx.close()


def _id(ctx: Context, platform: str) -> int:
    with ctx.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.platform == platform)
            ).scalar_one()
        )
