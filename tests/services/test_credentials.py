from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import NotFound
from paseban.services import credentials
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
    with pytest.raises(credentials.InvalidInput):
        credentials.set_token(ctx, "instagram", "pemkotbogor", "two words", actor="op")
    with pytest.raises(credentials.InvalidInput, match="tidak dikenal"):
        credentials.set_token(ctx, "instagram", "pemkotbogor", "tok", actor="op", extra={"x": "1"})
    with pytest.raises(NotFound):
        credentials.set_token(ctx, "instagram", "tidak.ada", "tok", actor="op")
