"""Access tokens per official account (Page tokens, user tokens, business tokens).

App-wide secrets are deployment facts and come from settings; a token that belongs to one
account lives in `account_credentials`, set by an operator (`paseban accounts token`). Tokens
are encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256) with a key derived from
PASEBAN_SECRET_KEY, so a copy of the database alone does not hand out the city's accounts.
They are never written to a log and never returned by the API; `Credentials.__repr__` hides them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from paseban.connectors.base import Credentials, SendError
from paseban.connectors.hosts import Hosts
from paseban.connectors.oauth_login import LoginFailed
from paseban.errors import InvalidInput, NotFound
from paseban.services.people.accounts import find_account
from paseban.settings import PLACEHOLDER_SECRETS
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.people import CredentialStatusRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.settings import Settings

log = logging.getLogger("paseban.credentials")

# refresh_expires_at: when the refresh token itself runs out (TikTok: a year); page_id: the
# Page an Instagram account is linked to; flow: "instagram_login" for an Instagram account
# without a Page (docs/connectors/meta.md)
EXTRA_KEYS = frozenset(
    {"refresh_token", "business_id", "note", "refresh_expires_at", "page_id", "flow"}
)
KEY_LABEL = b"paseban/account-credentials/v1"


class CredentialsLocked(InvalidInput):
    """Tokens cannot be stored or read without the key they are encrypted with."""


def _fernet(settings: Settings) -> Fernet:
    secret = settings.secret_key
    if not secret or secret in PLACEHOLDER_SECRETS:
        raise CredentialsLocked(
            "PASEBAN_SECRET_KEY belum diisi: token akun disimpan terenkripsi dengan kunci itu"
        )
    digest = hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(settings: Settings, value: str) -> str:
    return _fernet(settings).encrypt(value.encode()).decode()


def _open(settings: Settings, value: str) -> str:
    try:
        return _fernet(settings).decrypt(value.encode()).decode()
    except InvalidToken:
        raise CredentialsLocked(
            "token akun tidak bisa dibuka: PASEBAN_SECRET_KEY berbeda dari saat token disimpan; "
            "simpan ulang tokennya (paseban accounts token)"
        ) from None


def seal(settings: Settings, value: str) -> str:
    """Encrypt something as secret as a token (a sign-in's verifier, the tokens it returned)."""
    return _seal(settings, value)


def unseal(settings: Settings, value: str) -> str:
    return _open(settings, value)


def set_token(
    ctx: Context,
    platform: str,
    account_ref: str,
    token: str,
    *,
    actor: str,
    expires_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Store (or replace) the token of one account; returns the account id."""
    token = token.strip()
    if not token or any(c.isspace() for c in token) or len(token) > 4000:
        raise InvalidInput("token kosong atau tidak sah")
    unknown = set(extra or {}) - EXTRA_KEYS
    if unknown:
        raise InvalidInput(f"kunci tambahan tidak dikenal: {', '.join(sorted(unknown))}")
    with ctx.engine.begin() as conn:
        account = find_account(conn, platform, account_ref)
        if account is None:
            raise NotFound(f"akun {account_ref!r} di {platform} tidak terdaftar")
        values = {
            "token": _seal(ctx.settings, token),
            "extra": {"sealed": _seal(ctx.settings, json.dumps(extra or {}))},
            "expires_at": expires_at,
            "updated_at": ctx.now(),
            "updated_by": actor,
        }
        conn.execute(
            insert(conn, t.account_credentials)
            .values(account_id=account["id"], **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )
        return int(account["id"])


def store_renewed(
    ctx: Context,
    account_id: int,
    token: str,
    expires_at: datetime | None,
    extra: dict[str, Any],
) -> None:
    """Keep a renewed token in place of the old one (by account id: a renewal job has no
    handle to look up)."""
    values = {
        "token": _seal(ctx.settings, token),
        "extra": {"sealed": _seal(ctx.settings, json.dumps(extra))},
        "expires_at": expires_at,
        "updated_at": ctx.now(),
        "updated_by": "refresh",
    }
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.account_credentials)
            .where(t.account_credentials.c.account_id == account_id)
            .values(**values)
        )


def remove_token(ctx: Context, platform: str, account_ref: str) -> bool:
    with ctx.engine.begin() as conn:
        account = find_account(conn, platform, account_ref)
        if account is None:
            raise NotFound(f"akun {account_ref!r} di {platform} tidak terdaftar")
        result = conn.execute(
            sa.delete(t.account_credentials).where(
                t.account_credentials.c.account_id == account["id"]
            )
        )
        return bool(result.rowcount)


def account_token(conn: sa.Connection, settings: Settings, account_id: int) -> Credentials | None:
    row = conn.execute(
        sa.select(t.account_credentials.c.token, t.account_credentials.c.extra).where(
            t.account_credentials.c.account_id == account_id
        )
    ).first()
    if row is None:
        return None
    sealed = (row.extra or {}).get("sealed")
    extra = json.loads(_open(settings, sealed)) if sealed else {}
    return Credentials(_open(settings, row.token), extra)


def for_reading(
    conn: sa.Connection, ctx: Context, platform: str, account_id: int
) -> Credentials | None:
    """What a poll or a mention lookup uses: the account's token, else the app's (the
    connector knows whether its platform has one: X's bearer token, YouTube's API key)."""
    own = account_token(conn, ctx.settings, account_id)
    if own is not None:
        return own
    connector = ctx.connectors.for_platform(platform)
    return connector.app_reading_credentials(platform) if connector else None


def for_sending(
    conn: sa.Connection, ctx: Context, platform: str, account_id: int
) -> Credentials | None:
    """What a reply or a post uses: the account's own token, else the app's (WhatsApp may
    share the business's system-user token from settings)."""
    own = account_token(conn, ctx.settings, account_id)
    if own is not None:
        return own
    connector = ctx.connectors.for_platform(platform)
    return connector.app_sending_credentials(platform) if connector else None


def status(ctx: Context) -> list[CredentialStatusRow]:
    """Which accounts have a token, and until when; never the token itself."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.accounts.c.platform,
                t.accounts.c.handle,
                t.account_credentials.c.expires_at,
                t.account_credentials.c.updated_at,
                t.account_credentials.c.updated_by,
            )
            .join(t.accounts, t.accounts.c.id == t.account_credentials.c.account_id)
            .order_by(t.accounts.c.platform, t.accounts.c.handle)
        ).mappings()
        return [typed.row(CredentialStatusRow, r) for r in rows]


# --- renewing tokens that expire within hours (X, YouTube, TikTok) -------------------------------

REFRESH_AHEAD = timedelta(minutes=15)  # unless the connector asks for more (TikTok: 6 hours)
REFRESH_TOKEN_WARNING = timedelta(days=30)


def refresh_due(ctx: Context, *, client: httpx.Client | None = None) -> dict[str, int]:
    """Renew the tokens that expire within REFRESH_AHEAD and carry a refresh token. A token
    that cannot be renewed is kept (it may still work) and the reason is logged, never the
    token."""
    platforms = ctx.connectors.renewable_platforms()
    ahead = {
        p: max(
            REFRESH_AHEAD, getattr(ctx.connectors.for_platform(p), "refresh_ahead", REFRESH_AHEAD)
        )
        for p in platforms
    }
    soon = ctx.now() + max(ahead.values(), default=REFRESH_AHEAD)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.account_credentials.c.account_id,
                t.account_credentials.c.extra,
                t.account_credentials.c.expires_at,
                t.accounts.c.platform,
                t.accounts.c.handle,
            )
            .join(t.accounts, t.accounts.c.id == t.account_credentials.c.account_id)
            .where(
                t.account_credentials.c.expires_at.is_not(None),
                t.account_credentials.c.expires_at <= soon,
                t.accounts.c.platform.in_(platforms),
            )
        ).all()
    rows = [r for r in rows if r.expires_at <= ctx.now() + ahead[r.platform]]
    counts = {"renewed": 0, "failed": 0, "skipped": 0}
    owned = client is None
    client = client or Hosts(ctx.settings.platform_hosts).client()
    try:
        for row in rows:
            connector = ctx.connectors.for_platform(row.platform)
            app = connector.oauth_client(row.platform) if connector else None
            sealed = (row.extra or {}).get("sealed")
            try:
                extra = json.loads(_open(ctx.settings, sealed)) if sealed else {}
            except CredentialsLocked:
                extra = {}
            if connector is None or app is None or not extra.get("refresh_token"):
                counts["skipped"] += 1
                continue
            login = next(
                (
                    p
                    for p in ctx.connectors.login_providers()
                    if p.flow and p.flow == extra.get("flow")
                ),
                None,
            )
            try:
                if login is not None:  # connected by signing in: renewed where it was issued
                    fresh = login.renew(client, refresh_token=extra["refresh_token"])
                else:
                    fresh = connector.renew(
                        client,
                        row.platform,
                        client_id=app[0],
                        client_secret=app[1],
                        token=extra["refresh_token"],
                    )
            except (SendError, LoginFailed) as exc:
                counts["failed"] += 1
                note_problem(ctx, row.account_id, f"{RENEWAL_PROBLEM}: {exc}")
                log.warning(
                    "token refresh failed",
                    extra={"platform": row.platform, "account": row.handle, "error": str(exc)},
                )
                continue
            if fresh.refresh_token:
                extra["refresh_token"] = fresh.refresh_token
            if fresh.refresh_expires_in:
                until = ctx.now() + timedelta(seconds=fresh.refresh_expires_in)
                extra["refresh_expires_at"] = until.isoformat()
            _warn_refresh_expiry(ctx, row.platform, row.handle, extra)
            expires = ctx.now() + timedelta(seconds=fresh.expires_in) if fresh.expires_in else None
            set_token(
                ctx,
                row.platform,
                row.handle,
                fresh.token,
                actor="refresh",
                expires_at=expires,
                extra=extra,
            )
            clear_renewal_problem(ctx, row.account_id)
            counts["renewed"] += 1
    finally:
        if owned:
            client.close()
    return counts


def note_problem(ctx: Context, account_id: int, problem: str) -> None:
    """Say on the account's health (services/people/onboarding_health.py) why its token is in
    trouble; the command centre shows it."""
    values = {"problem": problem[:300], "problem_at": ctx.now()}
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(conn, t.account_health)
            .values(account_id=account_id, scopes=[], missing=[], **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )


RENEWAL_PROBLEM = "perpanjangan token gagal"


def clear_renewal_problem(ctx: Context, account_id: int) -> None:
    """A renewal that worked again ends the trouble an earlier failed one reported."""
    health = t.account_health.c
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.account_health)
            .where(health.account_id == account_id, health.problem.like(f"{RENEWAL_PROBLEM}%"))
            .values(problem=None, problem_at=None)
        )


def _warn_refresh_expiry(ctx: Context, platform: str, handle: str, extra: dict[str, Any]) -> None:
    """A refresh token that itself runs out soon (TikTok's last a year) needs the account
    owner to sign in again: said in the log a month ahead."""
    raw = extra.get("refresh_expires_at")
    if not isinstance(raw, str):
        return
    try:
        until = datetime.fromisoformat(raw)
    except ValueError:
        return
    if until - ctx.now() <= REFRESH_TOKEN_WARNING:
        log.warning(
            "refresh token expires soon: the account must be authorised again",
            extra={"platform": platform, "account": handle, "until": raw},
        )
