"""Who is acting on content, and which accounts they may see: people by username, the
Diskominfo-only check, accounts as the approval rules see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.domain.accounts import OPERATORS, OwnerKind, Role, Scope
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.reference import cities
from paseban.storage import tables as t
from paseban.storage.lookup import exists
from paseban.storage.rows import row
from paseban.storage.rows.people import AccountRow

if TYPE_CHECKING:
    from paseban.context import Context


def person(ctx: Context, username: str) -> ap.Person:
    """A stored user as an actor (the CLI's --as)."""
    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                t.users.c.username,
                t.users.c.role,
                t.users.c.scope_code,
                t.users.c.active,
                t.users.c.city,
            ).where(t.users.c.username == username.strip().lower())
        ).first()
    if row is None or not row.active:
        raise NotFound(f"pengguna {username!r} tidak ada atau tidak aktif")
    role = Role(row.role)
    if role is Role.OPD_OFFICER:
        scope = Scope(opd=row.scope_code, city=row.city)
    elif row.scope_code:
        scope = Scope(wilayah=row.scope_code, city=row.city)
    else:
        scope = Scope(city=None if role is Role.PROVINCE else row.city)
    return ap.Person(row.username, role, scope)


def require_diskominfo(who: ap.Who, what: str) -> None:
    if who.role not in OPERATORS:
        raise Forbidden(f"hanya operator Diskominfo yang dapat {what}")


def account_ref(row: Mapping[str, Any]) -> ap.AccountRef:
    return ap.AccountRef(
        int(row["id"]), OwnerKind(row["owner_kind"]), str(row["owner_code"]), row.get("city")
    )


def load_account(conn: sa.Connection, account_id: int) -> AccountRow:
    found = (
        conn.execute(sa.select(t.accounts).where(t.accounts.c.id == account_id)).mappings().first()
    )
    if found is None:
        raise NotFound(f"akun {account_id} tidak ada")
    return row(AccountRow, found)


def visible_accounts(ctx: Context, conn: sa.Connection, who: ap.Who) -> list[AccountRow]:
    """The active publishing accounts this person may see, city first, then by name; an
    account publishes when its platform's connector posts there (`Connector.publishes`)."""
    publishable = ctx.connectors.publishable_platforms()
    rows = conn.execute(
        sa.select(t.accounts)
        .where(t.accounts.c.active.is_(True), t.accounts.c.platform.in_(publishable))
        .order_by(t.accounts.c.owner_kind, t.accounts.c.name, t.accounts.c.handle)
    ).mappings()
    order = {"city": 0, "kecamatan": 1, "kelurahan": 2, "opd": 3}
    out = [row(AccountRow, r) for r in rows if ap.can_see(who, account_ref(dict(r)))]
    return sorted(out, key=lambda r: (order.get(r["owner_kind"], 9), r["name"], r["handle"]))


def of_city(column: sa.ColumnElement[Any], who: ap.Who) -> sa.ColumnElement[bool]:
    """The one scope rule's city as SQL: a content row (programme, campaign, media item,
    training session) of another city is never seen; the province role sees every city, or
    the one it chose (`?kota=`)."""
    return column == who.scope.city if who.scope.city is not None else sa.true()


def writing_city(conn: sa.Connection, who: ap.Who, implied: str | None = None) -> str:
    """The city a new content row belongs to: the person's own; for the province role the
    city the row implies (a programme's, an OPD's, a kecamatan's), else the only city. A
    province's row that implies none is refused (the pages and the API ask which city first):
    it is never put silently in the first city."""
    if who.scope.city is not None:
        return who.scope.city
    known = cities.loaded(conn)  # read once per transaction
    if not known:
        raise InvalidInput("belum ada kota/kabupaten yang dimuat (jalankan paseban init)")
    if implied is None:
        if len(known) > 1:
            raise InvalidInput("kota wajib diisi: kota/kabupaten mana?")
        return known[0].code
    found = cities.city_of(conn, implied)
    if found is None:
        raise InvalidInput(f"kota/kabupaten {implied!r} tidak dimuat di sini")
    return found.code


def check_city_refs(
    conn: sa.Connection, city: str, *, program_id: int | None, campaign_id: int | None
) -> None:
    """A post or a media item may name only its own city's programme and campaign."""
    for table, value, what in (
        (t.programs, program_id, "program"),
        (t.campaigns, campaign_id, "kampanye"),
    ):
        if value is not None and not exists(conn, table.c.id, value, table.c.city == city):
            raise InvalidInput(f"{what} {value} tidak ada")


def within(who: ap.Who, city: str) -> ap.Who:
    """The person as seen within one city: the province role acting on a city's account sees
    that city's media and programmes only, as the city's own operator does."""
    if who.scope.city is not None:
        return who
    return ap.Person(who.name, who.role, replace(who.scope, city=city))
