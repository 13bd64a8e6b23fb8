"""Signing in and out, server-side sessions, passwords and API tokens.

A session cookie holds a random token; the database keeps only its SHA-256, so a copy of the
database cannot be replayed as a login. The same holds for API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import HANDLE_PATTERN, Role, scope_for
from paseban.domain.auth import (
    ROLE_PERMISSIONS,
    Actor,
    LoginPolicy,
    actor_for,
    parse_permissions,
    session_expired,
)
from paseban.errors import Conflict, InvalidInput, NotFound, PasebanError
from paseban.security import hash_password, verify_password
from paseban.services.people import audit
from paseban.services.people.scopes import check_grantor, check_user
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.people import ApiTokenRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

POLICY = LoginPolicy()
TOKEN_PREFIX = "psb_"
SEEN_EVERY = timedelta(minutes=5)  # how often last_seen_at / last_used_at is written


class LoginRefused(PasebanError):
    """Wrong name or password, a locked name, or too many attempts from one address."""

    def __init__(self, reason: str, *, retry_at: datetime | None = None) -> None:
        self.reason = reason
        self.retry_at = retry_at
        messages = {
            "invalid": "nama pengguna atau kata sandi salah",
            "locked": "terlalu banyak percobaan gagal; akun dikunci sementara",
            "rate_limited": "terlalu banyak percobaan dari alamat ini; coba lagi nanti",
        }
        super().__init__(messages[reason])


@dataclass(frozen=True)
class SessionInfo:
    actor: Actor
    csrf_token: str


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie, never stored
    info: SessionInfo


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_dummy: list[str] = []


def _dummy_hash() -> str:
    """A real Argon2 hash to verify against when the user does not exist, so that a wrong user
    name takes as long as a wrong password."""
    if not _dummy:
        _dummy.append(hash_password(secrets.token_urlsafe(16)))
    return _dummy[0]


def _user_actor(row: Any, session_id: str | None = None) -> Actor:
    role = Role(row["role"])
    return actor_for(
        row["username"],
        role,
        scope_for(role, row["scope_code"], row["city"]),
        id=row["id"],
        full_name=row["full_name"] or "",
        session_id=session_id,
    )


def login(
    ctx: Context,
    username: str,
    password: str,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    policy: LoginPolicy = POLICY,
) -> NewSession:
    """Check a password and open a session. Every attempt is recorded; refused attempts raise
    LoginRefused with the same message whether or not the user exists."""
    name = username.strip().lower()[:100]
    now = ctx.now()
    la = t.login_attempts
    # counted before the password is checked, one atomic statement per counter: parallel
    # attempts cannot all read "4 failures" and all be checked (issue 16)
    with ctx.engine.begin() as conn:
        tries = _count_attempt(conn, f"user:{name}", now=now, window=policy.lockout)
        from_ip = _count_attempt(conn, f"ip:{ip}", now=now, window=policy.window).count if ip else 0
        user = conn.execute(sa.select(t.users).where(t.users.c.username == name)).mappings().first()
    refused: str | None = None
    retry_at: datetime | None = None
    if from_ip > policy.max_attempts_per_ip:
        refused, retry_at = "rate_limited", now + policy.window
    elif tries.count > policy.max_failures:
        refused, retry_at = "locked", tries.window_start + policy.lockout
    if refused:
        audit.record_now(
            ctx,
            actor=name or "-",
            action=f"login.{refused}",
            target_kind="user",
            target_id=name,
            ip=ip,
        )
        raise LoginRefused(refused, retry_at=retry_at)
    if user is not None and user["active"] and user["password_hash"]:
        ok = verify_password(user["password_hash"], password)
    else:
        verify_password(_dummy_hash(), password)
        ok = False
    with ctx.engine.begin() as conn:
        conn.execute(sa.insert(la).values(username=name, ip=ip, at=now, success=ok))
        if ok:  # a success clears the name's count and gives the address its attempt back
            conn.execute(
                sa.delete(t.login_counters).where(t.login_counters.c.key == f"user:{name}")
            )
            if ip:
                conn.execute(
                    sa.update(t.login_counters)
                    .where(t.login_counters.c.key == f"ip:{ip}", t.login_counters.c.count > 0)
                    .values(count=t.login_counters.c.count - 1)
                )
        if not ok:
            audit.record(
                conn,
                at=now,
                actor=name or "-",
                action="login.failed",
                target_kind="user",
                target_id=name,
                ip=ip,
            )
        else:
            assert user is not None
            new = _open_session(conn, user, at=now, ip=ip, user_agent=user_agent)
    if not ok:
        if tries.count >= policy.max_failures:
            raise LoginRefused("locked", retry_at=tries.window_start + policy.lockout)
        raise LoginRefused("invalid")
    return new


@dataclass(frozen=True)
class Tries:
    count: int
    window_start: datetime


def _count_attempt(conn: sa.Connection, key: str, *, now: datetime, window: timedelta) -> Tries:
    """Count one attempt for `key` and return the count in its window, in one statement
    (INSERT ... ON CONFLICT DO UPDATE ... RETURNING): a window older than `window` starts
    again at 1."""
    lc = t.login_counters
    expired = lc.c.window_start <= now - window
    stmt = insert(conn, lc).values(key=key[:160], count=1, window_start=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": sa.case((expired, 1), else_=lc.c.count + 1),
            "window_start": sa.case((expired, now), else_=lc.c.window_start),
        },
    ).returning(lc.c.count, lc.c.window_start)
    count, window_start = conn.execute(stmt).one()
    return Tries(int(count), window_start)


def _open_session(
    conn: sa.Connection, user: Any, *, at: datetime, ip: str | None, user_agent: str | None
) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    conn.execute(
        sa.insert(t.sessions).values(
            id=digest(token),
            user_id=user["id"],
            csrf_token=csrf,
            created_at=at,
            last_seen_at=at,
            ip=ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    actor = _user_actor(user, digest(token))
    audit.record(conn, at=at, actor=actor, action="login.ok", ip=ip)
    return NewSession(token, SessionInfo(actor, csrf))


def open_session(ctx: Context, username: str, *, ip: str | None = None) -> NewSession:
    """A session for a user whose identity was checked elsewhere (single sign-on, the test
    suite, the benchmark). Recorded in the audit trail like any sign-in."""
    with ctx.engine.begin() as conn:
        user = (
            conn.execute(sa.select(t.users).where(t.users.c.username == username.lower()))
            .mappings()
            .first()
        )
        if user is None or not user["active"]:
            raise NotFound(f"pengguna {username!r} tidak ada atau nonaktif")
        return _open_session(conn, user, at=ctx.now(), ip=ip, user_agent=None)


def session(ctx: Context, token: str | None, *, policy: LoginPolicy = POLICY) -> SessionInfo | None:
    """The signed-in user behind a session cookie, or None (unknown, expired, user disabled)."""
    if not token or len(token) > 200:
        return None
    sid = digest(token)
    now = ctx.now()
    with ctx.engine.connect() as conn:
        row = (
            conn.execute(
                sa.select(
                    t.sessions.c.csrf_token,
                    t.sessions.c.created_at,
                    t.sessions.c.last_seen_at,
                    t.users.c.id,
                    t.users.c.username,
                    t.users.c.full_name,
                    t.users.c.role,
                    t.users.c.scope_code,
                    t.users.c.active,
                    t.users.c.city,
                )
                .join(t.users, t.users.c.id == t.sessions.c.user_id)
                .where(t.sessions.c.id == sid)
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    if not row["active"] or session_expired(
        created_at=row["created_at"], last_seen_at=row["last_seen_at"], now=now, policy=policy
    ):
        with ctx.engine.begin() as conn:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.id == sid))
        return None
    if now - row["last_seen_at"] > SEEN_EVERY:
        with ctx.engine.begin() as conn:
            conn.execute(
                sa.update(t.sessions).where(t.sessions.c.id == sid).values(last_seen_at=now)
            )
    return SessionInfo(_user_actor(row, sid), row["csrf_token"])


def logout(ctx: Context, actor: Actor, *, ip: str | None = None) -> None:
    with ctx.engine.begin() as conn:
        if actor.session_id:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.id == actor.session_id))
        audit.record(conn, at=ctx.now(), actor=actor, action="logout", ip=ip)


def set_password(
    ctx: Context, username: str, password: str, *, actor: Actor | str, ip: str | None = None
) -> None:
    """Set a user's password and end all of that user's sessions."""
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    name = username.strip().lower()
    with ctx.engine.begin() as conn:
        user_id = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == name)).scalar()
        if user_id is None:
            raise NotFound(f"pengguna {name!r} tidak ada")
        conn.execute(sa.update(t.users).where(t.users.c.id == user_id).values(password_hash=hashed))
        conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user_id))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="password.set",
            target_kind="user",
            target_id=name,
            ip=ip,
        )


def set_sample_passwords(ctx: Context, password: str) -> list[str]:
    """Give every sample user without a password this one (hashed once). Returns their names."""
    hashed = hash_password(password)
    with ctx.engine.begin() as conn:
        names = list(
            conn.execute(
                sa.select(t.users.c.username).where(
                    t.users.c.is_sample.is_(True), t.users.c.password_hash.is_(None)
                )
            ).scalars()
        )
        if names:
            conn.execute(
                sa.update(t.users).where(t.users.c.username.in_(names)).values(password_hash=hashed)
            )
            for name in names:
                audit.record(
                    conn,
                    at=ctx.now(),
                    actor="sistem",
                    action="password.set",
                    target_kind="user",
                    target_id=name,
                    detail={"sample": True},
                )
    return sorted(names)


# --- API tokens ----------------------------------------------------------------------------------


def create_token(
    ctx: Context,
    name: str,
    *,
    scopes: list[str] | tuple[str, ...],
    role: str = Role.VIEWER.value,
    area: str | None = None,
    expires_days: int | None = None,
    actor: Actor | str,
    kota: str | None = None,
) -> str:
    """Create an API token for a machine client and return it; it is shown once, stored hashed.
    A token acts with a role, area and city like a user, narrowed to its scopes (an operator
    of one city makes tokens of that city: `kota` defaults to theirs)."""
    name = name.strip()
    if not HANDLE_PATTERN.match(name):
        raise InvalidInput(f"nama token {name!r} tidak sah (huruf, angka, . _ - @ +)")
    try:
        permissions = parse_permissions(scopes)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if expires_days is not None and expires_days < 1:
        raise InvalidInput("masa berlaku token minimal 1 hari")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        own = actor.scope.city if isinstance(actor, Actor) else None
        checked_role, checked_area, city = check_user(conn, role, area, kota or own)
        check_grantor(actor, checked_role, city)
        beyond = permissions - ROLE_PERMISSIONS[checked_role]
        if beyond:
            raise InvalidInput(
                f"peran {checked_role.value} tidak memiliki izin "
                f"{', '.join(sorted(p.value for p in beyond))}"
            )
        if conn.execute(sa.select(t.api_tokens.c.id).where(t.api_tokens.c.name == name)).first():
            raise Conflict(f"token {name!r} sudah ada")
        conn.execute(
            sa.insert(t.api_tokens).values(
                name=name,
                token_hash=digest(token),
                prefix=token[:10],
                role=checked_role.value,
                scope_code=checked_area,
                city=city,
                permissions=sorted(p.value for p in permissions),
                created_at=now,
                created_by=actor if isinstance(actor, str) else actor.name,
                expires_at=now + timedelta(days=expires_days) if expires_days else None,
            )
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action="token.create",
            target_kind="token",
            target_id=name,
            detail={
                "role": checked_role.value,
                "area": checked_area,
                "kota": city,
                "scopes": sorted(p.value for p in permissions),
            },
        )
    return token


def revoke_token(ctx: Context, name: str, *, actor: Actor | str) -> None:
    with ctx.engine.begin() as conn:
        row = conn.execute(
            sa.select(t.api_tokens.c.id, t.api_tokens.c.revoked_at).where(
                t.api_tokens.c.name == name
            )
        ).first()
        if row is None:
            raise NotFound(f"token {name!r} tidak ada")
        if row.revoked_at is not None:
            raise Conflict(f"token {name!r} sudah dicabut")
        conn.execute(
            sa.update(t.api_tokens).where(t.api_tokens.c.id == row.id).values(revoked_at=ctx.now())
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="token.revoke",
            target_kind="token",
            target_id=name,
        )


def list_tokens(ctx: Context) -> list[ApiTokenRow]:
    cols = [c for c in t.api_tokens.c if c.name != "token_hash"]
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(t.api_tokens.c.name)).mappings()
        return [row(ApiTokenRow, r) for r in rows]


def token_actor(ctx: Context, token: str | None) -> Actor | None:
    """The actor behind a bearer token, or None (unknown, revoked, expired)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = ctx.now()
    with ctx.engine.connect() as conn:
        row = (
            conn.execute(sa.select(t.api_tokens).where(t.api_tokens.c.token_hash == digest(token)))
            .mappings()
            .first()
        )
    if row is None or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] > SEEN_EVERY:
        with ctx.engine.begin() as conn:
            conn.execute(
                sa.update(t.api_tokens)
                .where(t.api_tokens.c.id == row["id"])
                .values(last_used_at=now)
            )
    role = Role(row["role"])
    return actor_for(
        row["name"],
        role,
        scope_for(role, row["scope_code"], row["city"]),
        kind="token",
        id=row["id"],
        granted=parse_permissions(row["permissions"]),
    )
