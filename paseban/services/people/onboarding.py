"""Connecting a city's accounts from the dashboard: the operator signs in on the platform
(OAuth 2.0, the connectors' `LoginProvider`s), picks which of the accounts that sign-in reached
to connect and which kelurahan, kecamatan or OPD owns each, and Paseban registers them and
stores their tokens sealed (services/people/credentials.py). Webhook subscription is the
caller's next step (services/ingest/subscriptions.py, the same call as `paseban accounts
subscribe`); its outcome comes back here with `record_subscription`.

Security: the `state` sent to the platform is random per attempt, stored only as its hash, and
bound to the operator and to the session that started it; it is good for one return within
ATTEMPT_TTL. The PKCE verifier and the tokens found are sealed with PASEBAN_SECRET_KEY while
they wait for the operator's choice, and are never shown or logged.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.connectors.oauth_login import Found, LoginFailed, LoginProvider, pkce_pair
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.people import audit
from paseban.services.people import credentials as creds
from paseban.services.people.accounts import create_account, find_account, update_account
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

ATTEMPT_TTL = timedelta(minutes=15)  # from the click to the platform's return
PICK_TTL = timedelta(hours=1)  # from the return to the operator's choice
KEEP = timedelta(days=1)  # finished or abandoned attempts are deleted after this


@dataclass(frozen=True)
class ProviderView:
    key: str
    label: str
    configured: bool
    settings: str  # what to set when it is not configured


@dataclass(frozen=True)
class Candidate:
    """An account a sign-in reached, as the pick page shows it: no token."""

    index: int
    platform: str
    platform_account_id: str
    handle: str
    name: str
    note: str
    missing: tuple[str, ...]
    existing_id: int | None  # already registered: connecting renews its token
    owner_kind: str | None
    owner_code: str | None


@dataclass(frozen=True)
class Pick:
    index: int
    handle: str
    name: str
    owner_kind: str
    owner_code: str


@dataclass(frozen=True)
class Connected:
    account_id: int
    platform: str
    handle: str
    subscribes: bool
    created: bool


def providers(ctx: Context) -> list[ProviderView]:
    return [
        ProviderView(p.key, p.label, p.configured(), p.setting_names)
        for p in ctx.connectors.login_providers()
    ]


def redirect_uri(ctx: Context, key: str) -> str:
    """Registered with each platform once: `<PASEBAN_BASE_URL>/oauth/callback/<key>`."""
    return f"{ctx.settings.base_url()}/oauth/callback/{key}"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _session(actor: Actor) -> str:
    if actor.kind != "user" or actor.id is None or not actor.session_id:
        raise Forbidden("menyambungkan akun hanya lewat sesi masuk di peramban")
    return _hash(actor.session_id)


def _provider(ctx: Context, key: str) -> LoginProvider:
    provider = ctx.connectors.login_provider(key)
    if not provider.configured():
        raise InvalidInput(
            f"{provider.label} belum bisa dipakai: isi {provider.setting_names} "
            "di lingkungan server"
        )
    return provider


def begin(ctx: Context, actor: Actor, key: str) -> str:
    """Start a sign-in: the URL of the platform's dialog to send the browser to."""
    provider = _provider(ctx, key)
    session = _session(actor)
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair() if provider.pkce else (None, None)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        conn.execute(sa.delete(t.oauth_attempts).where(t.oauth_attempts.c.created_at < now - KEEP))
        conn.execute(
            sa.insert(t.oauth_attempts).values(
                id=_hash(state),
                user_id=actor.id,
                session_hash=session,
                provider=key,
                verifier=creds.seal(ctx.settings, verifier) if verifier else None,
                created_at=now,
            )
        )
    return provider.authorize_url(
        redirect_uri=redirect_uri(ctx, key), state=state, challenge=challenge
    )


def _attempt(conn: sa.Connection, ctx: Context, actor: Actor, attempt_id: str) -> Any:
    row = conn.execute(
        sa.select(t.oauth_attempts).where(t.oauth_attempts.c.id == attempt_id)
    ).first()
    if row is None:
        raise NotFound("percobaan menyambungkan tidak dikenal atau sudah kedaluwarsa; ulangi")
    if row.user_id != actor.id or not secrets.compare_digest(row.session_hash, _session(actor)):
        raise Forbidden("percobaan menyambungkan ini dimulai dari sesi lain; ulangi dari sini")
    return row


def finish(
    ctx: Context,
    actor: Actor,
    key: str,
    *,
    state: str,
    code: str,
    error: str = "",
    error_description: str = "",
    client: httpx.Client | None = None,
) -> str:
    """The platform sent the browser back: check the state, trade the code for tokens and
    keep (sealed) the accounts found. Returns the attempt id for the pick page. Raises
    Forbidden (state not ours), LoginFailed (refused or a bad answer), InvalidInput."""
    if not state or len(state) > 200:
        raise Forbidden("parameter state tidak ada: jawaban ini bukan dari percobaan kita")
    attempt_id = _hash(state)
    with ctx.engine.begin() as conn:
        row = _attempt(conn, ctx, actor, attempt_id)
        # the state is spent whatever happens next (one statement: two returns racing cannot
        # both claim it): a replayed or misdirected return is refused
        claimed = conn.execute(
            sa.update(t.oauth_attempts)
            .where(t.oauth_attempts.c.id == attempt_id, t.oauth_attempts.c.returned_at.is_(None))
            .values(returned_at=ctx.now())
        ).rowcount
    if not claimed or row.provider != key:
        raise Forbidden("state ini sudah dipakai atau milik platform lain; ulangi")
    if ctx.now() - row.created_at > ATTEMPT_TTL:
        raise Forbidden("percobaan menyambungkan sudah kedaluwarsa (15 menit); ulangi")
    if error:
        denied = "izin ditolak di halaman platform" if error == "access_denied" else error
        raise LoginFailed(f"tidak tersambung: {denied} {error_description[:200]}".strip())
    if not code or len(code) > 2000:
        raise LoginFailed("platform tidak mengirim kode otorisasi")
    provider = _provider(ctx, key)
    verifier = creds.unseal(ctx.settings, row.verifier) if row.verifier else None
    owned = client is None
    client = client or provider.hosts.client()
    try:
        found = provider.exchange(
            client, code=code, redirect_uri=redirect_uri(ctx, key), verifier=verifier
        )
    finally:
        if owned:
            client.close()
    sealed = creds.seal(ctx.settings, json.dumps([asdict(f) for f in found]))
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.oauth_attempts)
            .where(t.oauth_attempts.c.id == attempt_id)
            .values(found=sealed, verifier=None)
        )
    return attempt_id


def _found(conn: sa.Connection, ctx: Context, actor: Actor, attempt_id: str) -> list[Found]:
    row = _attempt(conn, ctx, actor, attempt_id)
    if row.found is None or row.finished_at is not None:
        raise NotFound("tidak ada akun yang menunggu dipilih dari percobaan ini")
    if row.returned_at is None or ctx.now() - row.returned_at > PICK_TTL:
        raise NotFound("pilihan akun sudah kedaluwarsa (1 jam); sambungkan ulang")
    items = json.loads(creds.unseal(ctx.settings, row.found))
    return [
        Found(**{**i, "scopes": tuple(i["scopes"]), "missing": tuple(i["missing"])}) for i in items
    ]


def candidates(ctx: Context, actor: Actor, attempt_id: str) -> tuple[str, list[Candidate]]:
    """The provider key and the accounts found, for the operator to pick from."""
    with ctx.engine.connect() as conn:
        key = str(_attempt(conn, ctx, actor, attempt_id).provider)
        found = _found(conn, ctx, actor, attempt_id)
        out = []
        for index, item in enumerate(found):
            existing = find_account(conn, item.platform, item.platform_account_id)
            out.append(
                Candidate(
                    index,
                    item.platform,
                    item.platform_account_id,
                    existing["handle"] if existing else item.handle,
                    existing["name"] if existing else item.name,
                    item.note,
                    item.missing,
                    int(existing["id"]) if existing else None,
                    existing["owner_kind"] if existing else None,
                    existing["owner_code"] if existing else None,
                )
            )
    return key, out


def connect(ctx: Context, actor: Actor, attempt_id: str, picks: list[Pick]) -> list[Connected]:
    """Register the picked accounts (or renew the token of those already registered), each
    with its owner. Nothing is stored when one pick is invalid."""
    if not picks:
        raise InvalidInput("pilih minimal satu akun untuk disambungkan")
    with ctx.engine.connect() as conn:
        key = str(_attempt(conn, ctx, actor, attempt_id).provider)
        found = _found(conn, ctx, actor, attempt_id)
    chosen = []
    for pick in picks:
        if not 0 <= pick.index < len(found):
            raise InvalidInput("akun yang dipilih tidak ada dalam hasil login")
        chosen.append((pick, found[pick.index]))
    _check_picks(ctx, chosen)
    done = []
    for pick, item in chosen:
        done.append(_connect_one(ctx, actor, key, pick, item))
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.oauth_attempts)
            .where(t.oauth_attempts.c.id == attempt_id)
            .values(finished_at=ctx.now(), found=None)
        )
    return done


def _check_picks(ctx: Context, chosen: list[tuple[Pick, Found]]) -> None:
    """Every pick valid before anything is written (an owner, a free handle)."""
    handles = [(item.platform, pick.handle.strip()) for pick, item in chosen]
    if len(set(handles)) != len(handles):
        raise InvalidInput("dua akun dipilih dengan handle yang sama")
    with ctx.engine.connect() as conn:
        for pick, item in chosen:
            if not pick.owner_kind or not pick.owner_code:
                raise InvalidInput(f"pilih pemilik untuk akun {item.name}")
            same = find_account(conn, item.platform, pick.handle.strip())
            if same is not None and same["platform_account_id"] != item.platform_account_id:
                raise Conflict(f"handle @{pick.handle.strip()} sudah dipakai akun lain")


def _connect_one(ctx: Context, actor: Actor, key: str, pick: Pick, item: Found) -> Connected:
    with ctx.engine.connect() as conn:
        existing = find_account(conn, item.platform, item.platform_account_id)
    fields = {"name": pick.name.strip() or item.name, "owner_kind": pick.owner_kind}
    if existing is None:
        account_id = create_account(
            ctx,
            {
                "platform": item.platform,
                "handle": pick.handle.strip(),
                "platform_account_id": item.platform_account_id,
                "owner_code": pick.owner_code,
                **fields,
            },
            actor=actor,
        )
        handle = pick.handle.strip()
    else:
        account_id, handle = int(existing["id"]), str(existing["handle"])
        update_account(
            ctx,
            account_id,
            owner_code=pick.owner_code,
            active=True,
            actor=actor,
            **fields,
        )
    now = ctx.now()
    extra: dict[str, Any] = dict(item.extra)
    if item.refresh_token:
        extra["refresh_token"] = item.refresh_token
    if item.refresh_expires_in:
        extra["refresh_expires_at"] = (now + timedelta(seconds=item.refresh_expires_in)).isoformat()
    expires = now + timedelta(seconds=item.expires_in) if item.expires_in else None
    creds.set_token(
        ctx,
        item.platform,
        handle,
        item.token,
        actor=audit.actor_name(actor),
        expires_at=expires,
        extra=extra,
    )
    values = {
        "provider": key,
        "scopes": list(item.scopes),
        "missing": list(item.missing),
        "problem": None,
        "problem_at": None,
        "checked_at": now,
        "connected_at": now,
        "connected_by": audit.actor_name(actor),
        "disconnected_at": None,  # connected again after a disconnection
        "disconnected_by": None,
    }
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(conn, t.account_health)
            .values(account_id=account_id, **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action="account.connect",
            target_kind="account",
            target_id=account_id,
            detail={"provider": key, "missing": list(item.missing)},
        )
    return Connected(account_id, item.platform, handle, item.subscribes, existing is None)


def record_subscription(
    ctx: Context, account_id: int, fields: list[str] | None, problem: str
) -> None:
    """What subscribing the account's webhooks gave: the fields, or why it failed."""
    values: dict[str, Any] = {"subscribed": fields}
    if problem:
        values |= {"problem": f"langganan webhook gagal: {problem}"[:300], "problem_at": ctx.now()}
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(conn, t.account_health)
            .values(account_id=account_id, scopes=[], missing=[], **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )
