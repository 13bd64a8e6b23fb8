"""Disconnecting an account from the dashboard (issue 19): Diskominfo lets go of an official
account (a kelurahan merged, a Page handed over, a token that must not stay with Paseban).

The platform is told where it documents a call (Meta: the Page's webhook subscription is
deleted; X, Google, TikTok: the token is revoked), then the stored tokens are forgotten. The
account itself, its messages, cases and metrics stay: its history is the city's record. Its
health says *terputus*, on its page and in the command centre, until someone connects it again
by signing in (services/people/onboarding.py clears the mark). When the platform refuses or
cannot be reached, the tokens are forgotten all the same (the operator asked for it) and the
page says what to do on the platform's side; the audit trail keeps both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import sqlalchemy as sa

from paseban.connectors.oauth_login import LoginFailed, LoginProvider
from paseban.errors import Conflict, NotFound
from paseban.services.people import audit
from paseban.services.people import credentials as creds
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

log = logging.getLogger("paseban.disconnect")


@dataclass(frozen=True)
class Disconnected:
    account_id: int
    done: str  # what the platform did, in words ("" when nothing was asked of it)
    problem: str  # why the platform did not confirm ("" when it did, or was not asked)


def _provider(ctx: Context, key: str | None, platform: str) -> LoginProvider | None:
    """The sign-in that connected the account, else the configured one for its platform (a
    token set on the command line has no sign-in behind it)."""
    providers = [p for p in ctx.connectors.login_providers() if p.configured()]
    return next((p for p in providers if p.key == key), None) or next(
        (p for p in providers if platform in p.platforms and not key), None
    )


def disconnect(
    ctx: Context, actor: Actor | str, account_id: int, *, client: httpx.Client | None = None
) -> Disconnected:
    """Tell the platform, forget the tokens, mark the account *terputus*, audit it."""
    a, h = t.accounts.c, t.account_health.c
    with ctx.engine.connect() as conn:
        account = conn.execute(
            sa.select(a.id, a.platform, a.handle, a.platform_account_id, h.provider)
            .select_from(t.accounts.outerjoin(t.account_health, h.account_id == a.id))
            .where(a.id == account_id)
        ).first()
        if account is None:
            raise NotFound(f"akun {account_id} tidak ada")
        token = creds.account_token(conn, ctx.settings, account_id)
    if token is None:
        raise Conflict("akun ini tidak punya token tersimpan: sudah terputus")
    provider = _provider(ctx, account.provider, account.platform)
    done = problem = ""
    if provider is not None:
        owned = client is None
        http = client or provider.hosts.client()
        try:
            done = provider.revoke(
                http, account.platform, str(account.platform_account_id or ""), token
            )
        except LoginFailed as exc:
            problem = str(exc)[:200]
            log.warning("revocation refused", extra={"account": account_id, "error": problem})
        finally:
            if owned:
                http.close()
    now = ctx.now()
    name = audit.actor_name(actor)
    values = {
        "disconnected_at": now,
        "disconnected_by": name,
        "subscribed": None,
        "problem": None,
        "problem_at": None,
    }
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.delete(t.account_credentials).where(t.account_credentials.c.account_id == account_id)
        )
        conn.execute(
            insert(conn, t.account_health)
            .values(account_id=account_id, scopes=[], missing=[], **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action="account.disconnect",
            target_kind="account",
            target_id=account_id,
            detail={
                "platform": account.platform,
                "handle": account.handle,
                "di_platform": done or None,
                "gagal": problem or None,
            },
        )
    return Disconnected(account_id, done, problem)
