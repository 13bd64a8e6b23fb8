"""The registry of official accounts and the people who work them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import (
    HANDLE_PATTERN,
    ROLE_SCOPE,
    Account,
    OwnerKind,
    Platform,
    Role,
)
from paseban.domain.wilayah import Level
from paseban.errors import BadFile, Conflict, ImportReport, InvalidInput, LineError, NotFound
from paseban.security import hash_password
from paseban.services.csvfiles import read_rows
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

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
    ctx: Context, path: Path | str, *, skip_bad: bool = False, sample: bool = False
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
        for line, account in parsed:
            try:
                with conn.begin_nested():
                    outcome = _upsert(conn, account, at=ctx.now(), sample=sample)
            except sa.exc.IntegrityError:
                problem = "platform_account_id sudah dipakai akun lain"
                if not skip_bad:
                    raise BadFile([LineError(str(path), line, problem)]) from None
                report.skipped.append(LineError(str(path), line, problem))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


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


def list_accounts(ctx: Context) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.accounts).order_by(t.accounts.c.platform, t.accounts.c.handle)
        ).mappings()
        return [dict(r) for r in rows]


def find_account(conn: sa.Connection, platform: str, ref: str) -> dict[str, Any] | None:
    """An account by handle (case-insensitive, with or without @) or platform account id."""
    handle = ref.lstrip("@").lower()
    row = (
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
    return dict(row) if row else None


# --- users -------------------------------------------------------------------------------------

USER_COLUMNS = ("username", "role")


def _check_user(conn: sa.Connection, role_raw: str, scope: str | None) -> tuple[Role, str | None]:
    try:
        role = Role(role_raw.lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(f"peran {role_raw!r} tidak dikenal (pilihan: {choices})") from None
    needs = ROLE_SCOPE[role]
    scope = scope or None
    if needs is None:
        if scope:
            raise InvalidInput(f"peran {role.value} tidak memakai cakupan, hapus {scope!r}")
        return role, None
    if not scope:
        raise InvalidInput(f"peran {role.value} membutuhkan cakupan ({needs})")
    if needs == "opd":
        if scope not in _opd_codes(conn):
            raise InvalidInput(f"OPD {scope!r} tidak dikenal")
    else:
        wanted = Level.KECAMATAN if needs == "kecamatan" else Level.KELURAHAN
        if _levels(conn).get(scope) != wanted:
            raise InvalidInput(f"cakupan {scope!r} bukan kode {needs} yang dikenal")
    return role, scope


def add_user(
    ctx: Context,
    username: str,
    *,
    role: str,
    scope: str | None = None,
    full_name: str = "",
    password: str | None = None,
    sample: bool = False,
) -> int:
    username = username.strip().lower()
    if not HANDLE_PATTERN.match(username):
        raise InvalidInput(f"nama pengguna {username!r} tidak sah")
    with ctx.engine.begin() as conn:
        checked_role, checked_scope = _check_user(conn, role, scope)
        if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
            raise Conflict(f"pengguna {username!r} sudah ada")
        return int(
            conn.execute(
                sa.insert(t.users)
                .values(
                    username=username,
                    full_name=full_name,
                    role=checked_role.value,
                    scope_code=checked_scope,
                    password_hash=hash_password(password) if password else None,
                    active=True,
                    is_sample=sample,
                    created_at=ctx.now(),
                )
                .returning(t.users.c.id)
            ).scalar_one()
        )


def import_users(
    ctx: Context, path: Path | str, *, skip_bad: bool = False, sample: bool = False
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
                _check_user(conn, row["role"], row.get("scope"))
            except InvalidInput as exc:
                errors.append(LineError(str(path), line, str(exc)))
                continue
            good.append((line, row))
    if errors and not skip_bad:
        raise BadFile(errors)
    report.skipped = errors
    for _line, row in good:
        if row["username"].lower() in existing:
            report.unchanged += 1
            continue
        add_user(
            ctx,
            row["username"],
            role=row["role"],
            scope=row.get("scope") or None,
            full_name=row.get("full_name", ""),
            sample=sample,
        )
        report.added += 1
    return report


def list_users(ctx: Context) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.users.c.id,
                t.users.c.username,
                t.users.c.full_name,
                t.users.c.role,
                t.users.c.scope_code,
                t.users.c.active,
            ).order_by(t.users.c.username)
        ).mappings()
        return [dict(r) for r in rows]


def get_user(ctx: Context, username: str) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        row = (
            conn.execute(sa.select(t.users).where(t.users.c.username == username.lower()))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"pengguna {username!r} tidak ada")
    return dict(row)
