"""Where a user or an official account belongs: the role and scope code a user is given, and the
city (kota/kabupaten, migration 0022) of both, checked in one place for the forms, the CLI and
the CSV imports.

A city is named by its Kemendagri code (32.71) in the optional `kota` column or option. When it
can be read from the scope (a kelurahan's or kecamatan's code names its city, an OPD belongs to
one city) the column may stay empty and must agree when given; a Diskominfo operator or a
viewer names it, unless the deployment has one city; the province role has none."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.domain.accounts import ROLE_SCOPE, Account, OwnerKind, Role
from paseban.domain.wilayah import Level, level_of
from paseban.errors import Forbidden, InvalidInput
from paseban.storage import tables as t


def _levels(conn: sa.Connection) -> dict[str, int]:
    return dict(conn.execute(sa.select(t.wilayah.c.code, t.wilayah.c.level)).all())


def opd_cities(conn: sa.Connection) -> dict[str, str]:
    """Every OPD's key and its city."""
    return dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.city)).all())


def _cities(conn: sa.Connection) -> dict[str, str]:
    rows = conn.execute(sa.select(t.cities.c.code, t.cities.c.name).order_by(t.cities.c.position))
    return dict(rows.all())


def _city_of_code(code: str) -> str | None:
    """The kota/kabupaten a wilayah code lies in (32.71.01.1001 -> 32.71)."""
    try:
        level = level_of(code)
    except ValueError:
        return None
    return ".".join(code.split(".")[:2]) if level >= Level.KABKOTA else None


def resolve_city(conn: sa.Connection, implied: str | None, given: str | None) -> str | None:
    """The city a row belongs to: `implied` by its scope or owner, or the `given` one, which
    must be a city of the deployment and agree with the implied one. Without either, the only
    city of a one-city deployment; a province's deployment needs it named."""
    known = _cities(conn)
    given = (given or "").strip() or None
    if given is not None and given not in known:
        choices = ", ".join(f"{code} ({name})" for code, name in known.items())
        raise InvalidInput(f"kota {given!r} tidak dimuat di sini (pilihan: {choices})")
    if implied is not None and given is not None and implied != given:
        raise InvalidInput(f"cakupan ini milik kota {implied}, bukan {given}")
    found = implied or given
    if found is None and len(known) > 1:
        choices = ", ".join(f"{code} ({name})" for code, name in known.items())
        raise InvalidInput(
            f"sebutkan kotanya (pilih kota di atas halaman, atau kolom/opsi kota; pilihan: "
            f"{choices})"
        )
    return found or next(iter(known), None)


def check_user(
    conn: sa.Connection, role_raw: str, scope: str | None, kota: str | None = None
) -> tuple[Role, str | None, str | None]:
    """A user's role, scope code and city, checked: the province role has neither scope nor
    city; any other role is held to one city."""
    try:
        role = Role(role_raw.lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(f"peran {role_raw!r} tidak dikenal (pilihan: {choices})") from None
    needs = ROLE_SCOPE[role]
    scope = scope or None
    if role is Role.PROVINCE:
        if scope or (kota or "").strip():
            raise InvalidInput("peran provinsi mencakup semua kota; kosongkan cakupan dan kota")
        return role, None, None
    if needs is None:
        if scope:
            raise InvalidInput(f"peran {role.value} tidak memakai cakupan, hapus {scope!r}")
        return role, None, resolve_city(conn, None, kota)
    if not scope:
        raise InvalidInput(f"peran {role.value} membutuhkan cakupan ({needs})")
    if needs == "opd":
        opds = opd_cities(conn)
        if scope not in opds:
            raise InvalidInput(f"OPD {scope!r} tidak dikenal")
        return role, scope, resolve_city(conn, opds[scope], kota)
    wanted = Level.KECAMATAN if needs == "kecamatan" else Level.KELURAHAN
    if _levels(conn).get(scope) != wanted:
        raise InvalidInput(f"cakupan {scope!r} bukan kode {needs} yang dikenal")
    return role, scope, resolve_city(conn, _city_of_code(scope), kota)


def check_grantor(actor: object, role: Role, city: str | None) -> None:
    """An operator of one city gives users and tokens of that city only; the province role (or
    the CLI, a plain name) gives any."""
    own = getattr(getattr(actor, "scope", None), "city", None)
    if own is not None and (role is Role.PROVINCE or city != own):
        raise Forbidden("pengguna, token dan akun hanya untuk kota Anda sendiri")


def account_city(conn: sa.Connection, account: Account, kota: str | None = None) -> str | None:
    """An official account's city: its owner's (a wilayah code names its city; an OPD has one)."""
    if account.owner_kind is OwnerKind.OPD:
        implied = opd_cities(conn).get(account.owner_code)
    else:
        implied = _city_of_code(account.owner_code)
    return resolve_city(conn, implied, kota)
