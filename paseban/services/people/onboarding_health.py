"""Each connected account's health, as an operator needs it before a citizen notices: is the
token still good (its expiry, a refusal by the platform, a failed renewal), were all the
permissions granted, when did the last delivery arrive and the last poll run. Shown on the
account's settings page; an expired or refused token also in the command centre.

`check_connections` (a job, hourly) asks the platforms that can say so (Meta's debug_token:
"Facebook will not notify you that an access token has become invalid").
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.connectors.oauth_login import LoginFailed, LoginProvider
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.people import credentials as creds
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.onboarding")

EXPIRY_WARNING = timedelta(days=7)  # a token that needs a new sign-in within a week is flagged


class State:
    HEALTHY = "sehat"
    WARNING = "perlu perhatian"
    BROKEN = "bermasalah"
    UNCONNECTED = "belum tersambung"
    DISCONNECTED = "terputus"  # let go from the dashboard (services/people/disconnect.py)


@dataclass(frozen=True)
class Health:
    account_id: int
    platform: str
    handle: str
    name: str
    state: str
    reasons: tuple[str, ...]  # in Bahasa Indonesia, for the page
    has_token: bool
    expires_at: datetime | None
    renewable: bool  # a refresh token renews it without anyone signing in
    missing: tuple[str, ...]
    provider: str | None
    connected_at: datetime | None
    connected_by: str | None
    subscribed: tuple[str, ...] | None
    last_delivery_at: datetime | None
    last_poll_at: datetime | None
    poll_error: str | None
    disconnected_at: datetime | None = None
    disconnected_by: str | None = None
    mode: str = ""  # how the account is read now, when its platform has more than one way


def _connectable(ctx: Context) -> set[str]:
    return {p for provider in ctx.connectors.login_providers() for p in provider.platforms}


def _judge(row: Any, now: datetime, extra_refresh: bool) -> tuple[str, tuple[str, ...]]:
    reasons: list[str] = []
    broken = False
    if row.token is None and row.disconnected_at is not None:
        return State.DISCONNECTED, (
            f"diputus dari dasbor oleh {row.disconnected_by}: pesan baru tidak masuk; "
            "sambungkan ulang lewat login platform",
        )
    if row.token is None:
        return State.UNCONNECTED, ("belum ada token akun: sambungkan lewat login platform",)
    if row.expires_at is not None and row.expires_at <= now and not extra_refresh:
        broken = True
        reasons.append("token kedaluwarsa: sambungkan ulang")
    if row.problem:
        broken = True
        reasons.append(str(row.problem))
    if broken:
        return State.BROKEN, tuple(reasons)
    if row.expires_at is not None and not extra_refresh and row.expires_at - now < EXPIRY_WARNING:
        reasons.append("token habis dalam kurang dari 7 hari: sambungkan ulang sebelum itu")
    if row.missing:
        reasons.append(f"{len(row.missing)} izin belum diberikan (lihat halaman akun)")
    return (State.WARNING if reasons else State.HEALTHY), tuple(reasons)


def _rows(conn: sa.Connection, account_id: int | None) -> list[Any]:
    a, c, h, k = t.accounts.c, t.account_credentials.c, t.account_health.c, t.connector_cursors.c
    # each account's newest delivery: one backward probe of (account_id, received_at) per
    # account (per monthly partition on PostgreSQL), not an aggregate over every message
    # (2 s at 2 million messages: bench/national.py)
    m = t.messages.c
    last = (
        sa.select(m.received_at)
        .where(m.account_id == a.id)
        .order_by(m.received_at.desc())
        .limit(1)
        .correlate(t.accounts)
        .scalar_subquery()
    )
    query = (
        sa.select(
            a.id,
            a.platform,
            a.handle,
            a.name,
            c.token,
            c.extra,
            c.expires_at,
            h.provider,
            h.missing,
            h.problem,
            h.connected_at,
            h.connected_by,
            h.subscribed,
            h.disconnected_at,
            h.disconnected_by,
            last.label("last_delivery_at"),
            k.last_polled_at,
            k.last_error,
            k.cursor,
        )
        .select_from(
            t.accounts.outerjoin(t.account_credentials, c.account_id == a.id)
            .outerjoin(t.account_health, h.account_id == a.id)
            .outerjoin(t.connector_cursors, k.account_id == a.id)
        )
        .where(a.active.is_(True))
        .order_by(a.platform, a.handle)
    )
    if account_id is not None:
        query = query.where(a.id == account_id)
    return list(conn.execute(query).all())


def account_health(ctx: Context, account_id: int | None = None) -> dict[int, Health]:
    """Health of the active accounts on platforms that connect by signing in (or of one)."""
    now = ctx.now()
    connectable = _connectable(ctx)
    out: dict[int, Health] = {}
    with ctx.engine.connect() as conn:
        rows = _rows(conn, account_id)
        for row in rows:
            if row.platform not in connectable:
                continue
            extra = _extras(ctx, row.extra)
            renewable = _renewable(ctx, extra, row.expires_at, now)
            state, reasons = _judge(row, now, renewable)
            out[row.id] = Health(
                row.id,
                row.platform,
                row.handle,
                row.name,
                state,
                reasons,
                row.token is not None,
                row.expires_at,
                renewable,
                tuple(row.missing or ()),
                row.provider,
                row.connected_at,
                row.connected_by,
                tuple(row.subscribed) if row.subscribed is not None else None,
                row.last_delivery_at,
                row.last_polled_at,
                row.last_error,
                row.disconnected_at,
                row.disconnected_by,
                _mode(ctx, row.platform, extra, row.cursor) if row.token is not None else "",
            )
    return out


def _extras(ctx: Context, extra: dict[str, Any] | None) -> dict[str, Any]:
    """The sealed extras, read with the row (no query per account); {} when locked."""
    sealed = (extra or {}).get("sealed")
    if not sealed:
        return {}
    try:
        return dict(json.loads(creds.unseal(ctx.settings, sealed)))
    except creds.CredentialsLocked:
        return {}


def _renewable(
    ctx: Context, extra: dict[str, Any], expires_at: datetime | None, now: datetime
) -> bool:
    """Whether the extras hold a refresh token, or name a sign-in whose token renews itself
    while it is still good (Instagram Login: `renew_long_lived`)."""
    if extra.get("refresh_token"):
        return True
    alive = expires_at is None or expires_at > now
    return alive and extra.get("flow") in _self_renewing(ctx)


def _mode(ctx: Context, platform: str, extra: dict[str, Any], cursor: Any) -> str:
    """How the account is read now, in the words of the sign-in of its platform (TikTok: Login
    Kit's video list, or the Business API's comments)."""
    for provider in ctx.connectors.login_providers():
        if platform in provider.platforms and (text := provider.mode(extra, cursor)):
            return text
    return ""


def _self_renewing(ctx: Context) -> dict[str, LoginProvider]:
    return {p.flow: p for p in ctx.connectors.login_providers() if p.renews_own_token and p.flow}


def broken(ctx: Context) -> list[Health]:
    """Accounts whose token no longer works, or that were disconnected: the command centre
    lists them (no new message arrives from them)."""
    gone = (State.BROKEN, State.DISCONNECTED)
    return [h for h in account_health(ctx).values() if h.state in gone]


def check_connections(
    ctx: Context, *, client: httpx.Client | None = None, account_ids: list[int] | None = None
) -> dict[str, int]:
    """Job: ask the platforms whether the stored tokens still work; a refusal is recorded as
    the account's problem, a good answer clears an earlier one and refreshes the scopes."""
    counts = {"checked": 0, "refused": 0, "unreachable": 0}
    providers = {p.key: p for p in ctx.connectors.login_providers()}
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.account_health.c.account_id, t.account_health.c.provider, t.accounts.c.platform
            )
            .join(t.accounts, t.accounts.c.id == t.account_health.c.account_id)
            .where(t.accounts.c.active.is_(True), t.account_health.c.provider.is_not(None))
        ).all()
    if account_ids is not None:
        rows = [r for r in rows if r.account_id in account_ids]
    for row in rows:
        provider = providers.get(row.provider)
        if provider is None or not provider.configured():
            continue
        with ctx.engine.connect() as conn:
            token = creds.account_token(conn, ctx.settings, row.account_id)
        if token is None:
            continue
        owned = client is None
        http = client or provider.hosts.client()
        try:
            verdict = provider.check(http, row.platform, token)
        except LoginFailed as exc:
            counts["unreachable"] += 1
            log.warning("token check failed", extra={"account": row.account_id, "error": str(exc)})
            continue
        finally:
            if owned:
                http.close()
        counts["checked"] += 1
        counts["refused"] += 0 if verdict.valid else 1
        values: dict[str, Any] = {"checked_at": ctx.now()}
        values |= (
            {"problem": None, "problem_at": None}
            if verdict.valid
            else {
                "problem": verdict.problem[:300],
                "problem_at": ctx.now(),
            }
        )
        with ctx.engine.begin() as conn:
            conn.execute(
                sa.update(t.account_health)
                .where(t.account_health.c.account_id == row.account_id)
                .values(**values)
            )
    return counts


RENEW_BEFORE = timedelta(days=30)  # half of Instagram Login's 60 days: many tries before the end


def renew_long_lived(ctx: Context, *, client: httpx.Client | None = None) -> dict[str, int]:
    """Job: renew the long-lived tokens that renew themselves (Instagram Login: `GET
    /refresh_access_token`) once they are old enough for the platform and within RENEW_BEFORE
    of their end. A failure is the account's problem (its page and the command centre) until a
    renewal works again; the old token is kept while it lasts."""
    counts = {"renewed": 0, "failed": 0, "young": 0}
    providers = _self_renewing(ctx)
    now = ctx.now()
    c = t.account_credentials.c
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(c.account_id, c.expires_at, c.updated_at, t.accounts.c.platform)
            .join(t.accounts, t.accounts.c.id == c.account_id)
            .where(
                t.accounts.c.active.is_(True),
                c.expires_at.is_not(None),
                c.expires_at > now,
                c.expires_at <= now + RENEW_BEFORE,
            )
        ).all()
        due = [(r, creds.account_token(conn, ctx.settings, r.account_id)) for r in rows]
    for row, token in due:
        provider = providers.get(str(token.extra.get("flow"))) if token else None
        if token is None or provider is None:
            continue
        if row.updated_at > now - timedelta(seconds=provider.own_min_age):
            counts["young"] += 1  # "at least 24 hours old": the next run renews it
            continue
        owned = client is None
        http = client or provider.hosts.client()
        try:
            fresh = provider.renew_own(http, token)
        except LoginFailed as exc:
            counts["failed"] += 1
            creds.note_problem(ctx, row.account_id, f"{creds.RENEWAL_PROBLEM}: {exc}")
            log.warning("token renewal failed", extra={"account": row.account_id})
            continue
        finally:
            if owned:
                http.close()
        until = now + timedelta(seconds=fresh.expires_in) if fresh.expires_in else None
        creds.store_renewed(ctx, row.account_id, fresh.token, until, dict(token.extra))
        creds.clear_renewal_problem(ctx, row.account_id)
        counts["renewed"] += 1
    return counts


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "check_connections",
            check_connections,
            every=timedelta(hours=1),
            description="periksa token akun yang tersambung (kedaluwarsa, dicabut)",
        ),
        JobSpec(
            "renew_long_lived_tokens",
            renew_long_lived,
            every=timedelta(hours=6),
            description="perpanjang token Instagram Login sebelum 60 harinya habis",
        ),
    ]
