"""Open311 API keys: one per client app, each with its own `open311` account of one city (the
city whose cases its reports open), stored hashed and shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.services.reference import cities
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context


class Open311Error(Exception):
    """An error in the spec's terms: HTTP status and a description for the client."""

    def __init__(self, status: int, description: str, code: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.code = code or status
        self.description = description


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_key(ctx: Context, name: str, *, actor: str = "sistem", kota: str | None = None) -> str:
    """Create an API key for a client app; returns the key (shown once, stored hashed). Each key
    gets its own `open311` account, so its reports are counted like any other channel; the
    account is of the city `kota` (None: the first city), whose cases its reports open."""
    name = name.strip().lower()
    if not name or len(name) > 80 or not all(c.isalnum() or c in "-_." for c in name):
        raise InvalidInput("nama kunci: huruf, angka, -, _ atau . (maks. 80)")
    key = f"p311_{secrets.token_urlsafe(24)}"
    now = ctx.now()
    with ctx.engine.begin() as conn:
        if conn.execute(
            sa.select(t.open311_keys.c.id).where(t.open311_keys.c.name == name)
        ).first():
            raise Conflict(f"kunci {name!r} sudah ada")
        found = cities.city_of(conn, kota)
        if found is None:
            raise InvalidInput(
                f"kota {kota!r} tidak dimuat di sini"
                if kota
                else "basis data belum berisi data wilayah; jalankan `paseban init`"
            )
        city = found.code
        handle = f"open311.{name}"
        account_id = conn.execute(
            sa.select(t.accounts.c.id).where(
                t.accounts.c.platform == "open311", t.accounts.c.handle == handle
            )
        ).scalar()
        if account_id is None:
            account_id = conn.execute(
                sa.insert(t.accounts)
                .values(
                    platform="open311",
                    handle=handle,
                    platform_account_id=None,
                    owner_kind="city",
                    owner_code=city,
                    name=f"Open311: {name}",
                    active=True,
                    is_sample=False,
                    created_at=now,
                    city=city,
                )
                .returning(t.accounts.c.id)
            ).scalar_one()
        conn.execute(
            sa.insert(t.open311_keys).values(
                name=name,
                key_hash=digest(key),
                prefix=key[:10],
                account_id=account_id,
                active=True,
                created_at=now,
                created_by=actor,
            )
        )
    return key


def list_keys(ctx: Context, city: str | None = None) -> list[dict[str, Any]]:
    """The keys, with their city; of one city only when `city` is given (a city's operator)."""
    query = (
        sa.select(
            t.open311_keys.c.name,
            t.open311_keys.c.prefix,
            t.open311_keys.c.active,
            t.open311_keys.c.created_at,
            t.open311_keys.c.last_used_at,
            t.accounts.c.city,
        )
        .join(t.accounts, t.accounts.c.id == t.open311_keys.c.account_id)
        .order_by(t.open311_keys.c.name)
    )
    if city is not None:
        query = query.where(t.accounts.c.city == city)
    with ctx.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def revoke_key(ctx: Context, name: str) -> None:
    with ctx.engine.begin() as conn:
        done = conn.execute(
            sa.update(t.open311_keys)
            .where(t.open311_keys.c.name == name.strip().lower())
            .values(active=False)
        ).rowcount
    if not done:
        raise NotFound(f"kunci {name!r} tidak ada")


def key_account(conn: sa.Connection, key: str | None, at: datetime) -> tuple[int, str]:
    """The key's account, and its city: a request through it is that city's."""
    if not key:
        raise Open311Error(403, "api_key wajib untuk membuat laporan")
    row = conn.execute(
        sa.select(t.open311_keys.c.id, t.open311_keys.c.account_id, t.open311_keys.c.key_hash)
        .add_columns(t.accounts.c.city)
        .join(t.accounts, t.accounts.c.id == t.open311_keys.c.account_id)
        .where(t.open311_keys.c.key_hash == digest(key), t.open311_keys.c.active.is_(True))
    ).first()
    if row is None or not hmac.compare_digest(row.key_hash, digest(key)):
        raise Open311Error(403, "api_key tidak sah atau sudah dicabut")
    conn.execute(
        sa.update(t.open311_keys).where(t.open311_keys.c.id == row.id).values(last_used_at=at)
    )
    return int(row.account_id), str(row.city)
