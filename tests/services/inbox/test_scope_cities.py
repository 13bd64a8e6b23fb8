"""Which accounts a city's Diskominfo works when the deployment holds one city or several."""

from __future__ import annotations

from pathlib import Path

from paseban.context import Context
from paseban.domain.accounts import Scope
from paseban.services.inbox.scope import account_ids_in_scope
from paseban.services.people import accounts
from paseban.services.reference import store as reference
from paseban.storage import tables as t
from tests.services.conftest import Desk

KAB_ACCOUNTS = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,pemkabbogor,3000,city,32.01,Pemkab Bogor
"""


def _ids(ctx: Context, scope: Scope) -> list[int] | None:
    with ctx.engine.connect() as conn:
        return account_ids_in_scope(conn, scope)


def test_the_only_city_filters_no_account_and_a_second_city_narrows_it(
    ctx: Context, tmp_path: Path
) -> None:
    Desk(ctx, tmp_path)  # Kota Bogor and its accounts
    kota = Scope(city="32.71")
    # every account is Kota Bogor's: no list, so the inbox's counts need no account filter
    assert _ids(ctx, kota) is None
    reference.load(ctx, "32.01")
    path = tmp_path / "kab.csv"
    path.write_text(KAB_ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, path)
    with ctx.engine.connect() as conn:
        by_city = dict(
            conn.execute(
                t.accounts.select().with_only_columns(t.accounts.c.id, t.accounts.c.city)
            ).all()
        )
    ids = _ids(ctx, kota)
    assert ids is not None and sorted(ids) == sorted(i for i, c in by_city.items() if c == "32.71")
    assert _ids(ctx, Scope(city="32.01")) == [i for i, c in by_city.items() if c == "32.01"]
    assert _ids(ctx, Scope()) is None  # the province role
