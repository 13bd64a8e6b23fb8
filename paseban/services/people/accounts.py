"""The registry of official accounts and the people who work them."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.csvfiles import read_rows
from paseban.domain.accounts import (
    HANDLE_PATTERN,
    Account,
    OwnerKind,
    Platform,
    Role,
)
from paseban.domain.wilayah import Level
from paseban.errors import BadFile, Conflict, ImportReport, InvalidInput, LineError, NotFound
from paseban.progress import Progress, counted, quiet
from paseban.security import hash_password
from paseban.services.people import audit, scopes
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.people import AccountRow, StoredUserRow, UserRow

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

ACCOUNT_COLUMNS = ("platform", "handle", "owner_kind", "owner_code")
OWNER_LEVEL = {
    OwnerKind.KELURAHAN: Level.KELURAHAN,
    OwnerKind.KECAMATAN: Level.KECAMATAN,
    OwnerKind.CITY: Level.KABKOTA,
}


def _levels(conn: sa.Connection) -> dict[str, int]:
    return dict(conn.execute(sa.select(t.wilayah.c.code, t.wilayah.c.level)).all())


def _opd_codes(conn: sa.Connection) -> set[str]:
    return set(conn.execute(sa.select(t.opds.c.code)).scalars())


def _check_owner(kind: OwnerKind, code: str, levels: dict[str, int], opds: set[str]) -> str | None:
    if kind is OwnerKind.OPD:
        return None if code in opds else f"OPD {code!r} tidak dikenal"
    level = levels.get(code)
    if level is None:
        return f"kode wilayah {code!r} tidak dikenal (sudah menjalankan paseban init?)"
    if level != OWNER_LEVEL[kind]:
        return f"kode {code!r} bukan {kind.value}"
    return None


def parse_account(row: dict[str, str], levels: dict[str, int], opds: set[str]) -> Account:
    if "__error__" in row:
        raise InvalidInput(row["__error__"])
    try:
        platform = Platform(row["platform"].lower())
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise InvalidInput(
            f"platform {row['platform']!r} tidak dikenal (pilihan: {choices})"
        ) from None
    handle = row["handle"].lstrip("@")
    if not HANDLE_PATTERN.match(handle):
        raise InvalidInput(f"handle {row['handle']!r} tidak sah")
    try:
        kind = OwnerKind(row["owner_kind"].lower())
    except ValueError:
        choices = ", ".join(k.value for k in OwnerKind)
        raise InvalidInput(
            f"owner_kind {row['owner_kind']!r} tidak dikenal (pilihan: {choices})"
        ) from None
    problem = _check_owner(kind, row["owner_code"], levels, opds)
    if problem:
        raise InvalidInput(problem)
    return Account(
        platform=platform,
        handle=handle,
        owner_kind=kind,
        owner_code=row["owner_code"],
        platform_account_id=row.get("platform_account_id") or None,
        name=row.get("name", ""),
    )


def import_csv(
    ctx: Context,
    path: Path | str,
    *,
    skip_bad: bool = False,
    sample: bool = False,
    progress: Progress = quiet,
) -> ImportReport:
    """Add or update accounts from a CSV file, keyed by (platform, handle). All lines or none,
    unless skip_bad: then the good lines are stored and the bad ones reported."""
    report = ImportReport(str(path))
    with ctx.engine.begin() as conn:
        levels, opds = _levels(conn), _opd_codes(conn)
        parsed: list[tuple[int, Account]] = []
        errors: list[LineError] = []
        seen: dict[tuple[str, str], int] = {}
        for line, row in read_rows(path, ACCOUNT_COLUMNS):
            try:
                account = parse_account(row, levels, opds)
                account = replace(account, city=scopes.account_city(conn, account, row.get("kota")))
            except InvalidInput as exc:
                errors.append(LineError(str(path), line, str(exc)))
                continue
            key = (account.platform.value, account.handle.lower())
            if key in seen:
                errors.append(
                    LineError(str(path), line, f"akun ganda, sama dengan baris {seen[key]}")
                )
                continue
            seen[key] = line
            parsed.append((line, account))
        if errors and not skip_bad:
            raise BadFile(errors)
        report.skipped = errors
        for line, account in counted(progress, "menyimpan akun", parsed):
            # a platform id another account holds is found before anything is written: on
            # SQLite a savepoint opened before the first write commits when released, so the
            # lines before a bad one stayed stored (issue 16)
            problem = _id_taken(conn, account)
            if problem:
                if not skip_bad:
                    raise BadFile([LineError(str(path), line, problem)])
                report.skipped.append(LineError(str(path), line, problem))
                continue
            outcome = _upsert(conn, account, at=ctx.now(), sample=sample)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _id_taken(conn: sa.Connection, account: Account) -> str | None:
    if not account.platform_account_id:
        return None
    holder = conn.execute(
        sa.select(t.accounts.c.handle).where(
            t.accounts.c.platform == account.platform.value,
            t.accounts.c.platform_account_id == account.platform_account_id,
            sa.func.lower(t.accounts.c.handle) != account.handle.lower(),
        )
    ).scalar()
    if holder is None:
        return None
    return f"platform_account_id sudah dipakai akun {holder}"


def _upsert(conn: sa.Connection, account: Account, *, at: Any, sample: bool) -> str:
    existing = (
        conn.execute(
            sa.select(t.accounts).where(
                t.accounts.c.platform == account.platform.value,
                sa.func.lower(t.accounts.c.handle) == account.handle.lower(),
            )
        )
        .mappings()
        .first()
    )
    values = {
        "platform": account.platform.value,
        "handle": account.handle,
        "platform_account_id": account.platform_account_id,
        "owner_kind": account.owner_kind.value,
        "owner_code": account.owner_code,
        "name": account.name,
        "city": account.city,
    }
    if existing is None:
        conn.execute(
            sa.insert(t.accounts).values(**values, active=True, is_sample=sample, created_at=at)
        )
        return "added"
    if all(existing[k] == v for k, v in values.items()):
        return "unchanged"
    conn.execute(sa.update(t.accounts).where(t.accounts.c.id == existing["id"]).values(**values))
    return "updated"


def list_accounts(ctx: Context) -> list[AccountRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.accounts).order_by(t.accounts.c.platform, t.accounts.c.handle)
        ).mappings()
        return [row(AccountRow, r) for r in rows]


def account_platform(ctx: Context, account_id: int) -> str:
    """The platform of an account, by id (NoResultFound when there is none)."""
    with ctx.engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(t.accounts.c.platform).where(t.accounts.c.id == account_id)
            ).scalar_one()
        )


def find_account(conn: sa.Connection, platform: str, ref: str) -> AccountRow | None:
    """An account by handle (case-insensitive, with or without @) or platform account id."""
    handle = ref.lstrip("@").lower()
    found = (
        conn.execute(
            sa.select(t.accounts).where(
                t.accounts.c.platform == platform,
                sa.or_(
                    sa.func.lower(t.accounts.c.handle) == handle,
                    t.accounts.c.platform_account_id == ref,
                ),
            )
        )
        .mappings()
        .first()
    )
    return row(AccountRow, found) if found else None


# --- users -------------------------------------------------------------------------------------

USER_COLUMNS = ("username", "role")  # optional: scope, full_name, email, kota
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[a-z]{2,}$", re.IGNORECASE)


def check_email(value: str | None) -> str | None:
    """An address to notify, lower-cased; None for none; InvalidInput when it cannot be one."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL.match(value):
        raise InvalidInput(f"alamat e-mail {value!r} tidak sah")
    return value.lower()


def set_email(ctx: Context, username: str, email: str | None, *, actor: Actor | str) -> bool:
    """Set (or clear, with None or "") the address a user is notified at; audited."""
    with ctx.engine.connect() as conn:
        user_id = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == username.strip().lower())
        ).scalar()
    if user_id is None:
        raise NotFound(f"pengguna {username!r} tidak ada")
    return change_email(ctx, int(user_id), email, actor=actor)


def change_email(ctx: Context, user_id: int, email: str | None, *, actor: Actor | str) -> bool:
    """The same by id; False when the address is what it was (nothing written)."""
    address = check_email(email)
    with ctx.engine.begin() as conn:
        row = conn.execute(
            sa.select(t.users.c.username, t.users.c.email).where(t.users.c.id == user_id)
        ).first()
        if row is None:
            raise NotFound(f"pengguna {user_id} tidak ada")
        if row.email == address:
            return False
        conn.execute(sa.update(t.users).where(t.users.c.id == user_id).values(email=address))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="user.email",
            target_kind="user",
            target_id=row.username,
            detail={"set": address is not None},  # the address itself stays out of the trail
        )
    return True


def add_user(
    ctx: Context,
    username: str,
    *,
    role: str,
    scope: str | None = None,
    full_name: str = "",
    password: str | None = None,
    email: str | None = None,
    sample: bool = False,
    actor: Actor | str | None = None,
    kota: str | None = None,
) -> int:
    """Add a user; with an actor (the dashboard), the change is in the audit trail."""
    username = username.strip().lower()
    if not HANDLE_PATTERN.match(username):
        raise InvalidInput(f"nama pengguna {username!r} tidak sah")
    if len(full_name) > 200:
        raise InvalidInput("nama lengkap paling banyak 200 karakter")
    email = check_email(email)
    with ctx.engine.begin() as conn:
        return _add_user(
            conn, username, role=role, scope=scope, full_name=full_name, password=password,
            email=email, sample=sample, actor=actor, at=ctx.now(), kota=kota,
        )  # fmt: skip


def _add_user(  # the insert of add_user, in the caller's transaction (imports: all or none)
    conn: sa.Connection,
    username: str,
    *,
    role: str,
    scope: str | None,
    full_name: str,
    password: str | None,
    email: str | None,
    sample: bool,
    actor: Actor | str | None,
    at: Any,
    kota: str | None = None,
) -> int:
    checked_role, checked_scope, city = scopes.check_user(conn, role, scope, kota)
    scopes.check_grantor(actor, checked_role, city)
    if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
        raise Conflict(f"pengguna {username!r} sudah ada")
    user_id = int(
        conn.execute(
            sa.insert(t.users)
            .values(
                username=username,
                full_name=full_name,
                role=checked_role.value,
                scope_code=checked_scope,
                password_hash=hash_password(password) if password else None,
                email=email,
                active=True,
                is_sample=sample,
                created_at=at,
                city=city,
            )
            .returning(t.users.c.id)
        ).scalar_one()
    )
    if actor is not None:
        audit.record(
            conn,
            at=at,
            actor=actor,
            action="user.create",
            target_kind="user",
            target_id=username,
            detail={"after": {"role": checked_role.value, "scope": checked_scope, "kota": city}},
        )
    return user_id


def import_users(
    ctx: Context,
    path: Path | str,
    *,
    skip_bad: bool = False,
    sample: bool = False,
    progress: Progress = quiet,
) -> ImportReport:
    report = ImportReport(str(path))
    rows = list(read_rows(path, USER_COLUMNS))
    errors: list[LineError] = []
    good: list[tuple[int, dict[str, str]]] = []
    with ctx.engine.connect() as conn:
        existing = set(conn.execute(sa.select(t.users.c.username)).scalars())
        for line, row in rows:
            try:
                if "__error__" in row:
                    raise InvalidInput(row["__error__"])
                scopes.check_user(conn, row["role"], row.get("scope"), row.get("kota"))
                check_email(row.get("email"))
            except InvalidInput as exc:
                errors.append(LineError(str(path), line, str(exc)))
                continue
            good.append((line, row))
    if errors and not skip_bad:
        raise BadFile(errors)
    report.skipped = errors
    with ctx.engine.begin() as conn:  # all lines or none (issue 16)
        for line, row in counted(progress, "menyimpan pengguna", good):
            name = row["username"].strip().lower()
            if name in existing:
                report.unchanged += 1
                continue
            if not HANDLE_PATTERN.match(name):
                raise BadFile([LineError(str(path), line, f"nama pengguna {name!r} tidak sah")])
            _add_user(
                conn, name, role=row["role"], scope=row.get("scope") or None,
                full_name=row.get("full_name", ""), password=None,
                email=row.get("email") or None, sample=sample, actor=None, at=ctx.now(),
                kota=row.get("kota"),
            )  # fmt: skip
            existing.add(name)
            report.added += 1
    return report


def list_users(ctx: Context) -> list[UserRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.users.c.id,
                t.users.c.username,
                t.users.c.full_name,
                t.users.c.role,
                t.users.c.scope_code,
                t.users.c.email,
                t.users.c.active,
                t.users.c.phone,  # WhatsApp notifications (issue 19)
                t.users.c.phone_opt_in_at,
                t.users.c.phone_opt_in_note,
                t.users.c.notify_channel,
                t.users.c.city,
            ).order_by(t.users.c.username)
        ).mappings()
        return [row(UserRow, r) for r in rows]


def get_user(ctx: Context, username: str) -> StoredUserRow:
    with ctx.engine.connect() as conn:
        found = (
            conn.execute(sa.select(t.users).where(t.users.c.username == username.lower()))
            .mappings()
            .first()
        )
    if found is None:
        raise NotFound(f"pengguna {username!r} tidak ada")
    return row(StoredUserRow, found)


# --- edits from the dashboard (Diskominfo settings), each with its audit row ------------------


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {
        "before": {k: before.get(k) for k in changed},
        "after": {k: after[k] for k in changed},
    }


def create_account(ctx: Context, row: dict[str, str], *, actor: Actor | str) -> int:
    """Add one official account (same validation as the CSV import)."""
    with ctx.engine.begin() as conn:
        account = parse_account(row, _levels(conn), _opd_codes(conn))
        city = scopes.account_city(conn, account, row.get("kota"))
        scopes.check_grantor(actor, Role.VIEWER, city)  # an operator adds its city's accounts
        if find_account(conn, account.platform.value, account.handle) is not None:
            raise Conflict(f"akun {account.platform.value} @{account.handle} sudah terdaftar")
        if account.platform_account_id and find_account(
            conn, account.platform.value, account.platform_account_id
        ):
            raise Conflict("platform_account_id sudah dipakai akun lain")
        new_id = conn.execute(
            sa.insert(t.accounts)
            .values(
                platform=account.platform.value,
                handle=account.handle,
                platform_account_id=account.platform_account_id,
                owner_kind=account.owner_kind.value,
                owner_code=account.owner_code,
                name=account.name,
                active=True,
                is_sample=False,
                created_at=ctx.now(),
                city=city,
            )
            .returning(t.accounts.c.id)
        ).scalar_one()
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="account.create",
            target_kind="account",
            target_id=new_id,
            detail={"after": {k: v for k, v in row.items() if not k.startswith("__")}},
        )
    return int(new_id)


def update_account(
    ctx: Context,
    account_id: int,
    *,
    name: str,
    owner_kind: str,
    owner_code: str,
    active: bool,
    actor: Actor | str,
) -> bool:
    """Change an account's owner, name or whether it is active. Returns whether anything changed."""
    with ctx.engine.begin() as conn:
        row = (
            conn.execute(sa.select(t.accounts).where(t.accounts.c.id == account_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"akun {account_id} tidak ada")
        scopes.check_grantor(actor, Role.VIEWER, row["city"])  # and changes them only
        if len(name) > 200:
            raise InvalidInput("nama akun paling banyak 200 karakter")
        account = parse_account(
            {
                "platform": row["platform"],
                "handle": row["handle"],
                "owner_kind": owner_kind,
                "owner_code": owner_code.strip(),
                "name": name.strip(),
            },
            _levels(conn),
            _opd_codes(conn),
        )
        city = scopes.account_city(conn, account)
        scopes.check_grantor(actor, Role.VIEWER, city)
        after = {
            "name": account.name,
            "owner_kind": account.owner_kind.value,
            "owner_code": account.owner_code,
            "active": active,
            "city": city,
        }
        diff = _changes(dict(row), after)
        if not diff["after"]:
            return False
        conn.execute(sa.update(t.accounts).where(t.accounts.c.id == account_id).values(**after))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="account.update",
            target_kind="account",
            target_id=account_id,
            detail=diff,
        )
    return True


def update_user(
    ctx: Context,
    user_id: int,
    *,
    role: str,
    scope: str | None,
    full_name: str,
    active: bool,
    actor: Actor,
    kota: str | None = None,
) -> bool:
    """Change a user's role, scope, city, name or whether the user may sign in. A deactivated user's
    sessions end at once. Nobody can deactivate or demote themselves (no lock-out by mistake)."""
    with ctx.engine.begin() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).mappings().first()
        if row is None:
            raise NotFound(f"pengguna {user_id} tidak ada")
        wanted = kota or (row["city"] if role != Role.PROVINCE.value else None)  # theirs
        checked_role, checked_scope, city = scopes.check_user(conn, role, scope, wanted)
        scopes.check_grantor(actor, checked_role, city)
        scopes.check_grantor(actor, Role(row["role"]), row["city"])  # and theirs before
        if len(full_name) > 200:
            raise InvalidInput("nama lengkap paling banyak 200 karakter")
        if row["id"] == actor.id and (not active or checked_role.value != row["role"]):
            raise InvalidInput("Anda tidak dapat menonaktifkan atau mengubah peran diri sendiri")
        after = {
            "role": checked_role.value,
            "scope_code": checked_scope,
            "full_name": full_name.strip(),
            "active": active,
            "city": city,
        }
        diff = _changes(dict(row), after)
        if not diff["after"]:
            return False
        conn.execute(sa.update(t.users).where(t.users.c.id == user_id).values(**after))
        if not active or {"role", "scope_code", "city"} & set(diff["after"]):
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user_id))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="user.update",
            target_kind="user",
            target_id=row["username"],
            detail=diff,
        )
    return True
