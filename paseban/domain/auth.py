"""Who is acting, and what they may do: permissions per role, API token scopes, login lock-out.

Pure values and functions; the services enforce them (a rule checked there holds for the web
pages, the API and the CLI alike)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from paseban.domain.accounts import Role, Scope


class Permission(StrEnum):
    """What an actor may do. API tokens carry a subset of these as their scopes."""

    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    MESSAGES_READ = "messages:read"
    MESSAGES_WRITE = "messages:write"  # reply, correct the analysis, mark, hide
    PII_READ = "pii:read"  # the citizen's original text and name
    SETTINGS_WRITE = "settings:write"  # accounts, users, OPDs, topics, tokens
    AUDIT_READ = "audit:read"
    # content (issue 8): drafts, programs, campaigns, profiles, training check-in
    CONTENT_READ = "content:read"
    CONTENT_WRITE = "content:write"
    # measurement (issue 7)
    REPORTS_READ = "reports:read"  # the report to the Wali Kota and its exports
    FIELD_WRITE = "field:write"  # log field visits, before/after photos of resolved cases


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.CASES_READ: "membaca kasus",
    Permission.CASES_WRITE: "menindaklanjuti kasus",
    Permission.MESSAGES_READ: "membaca pesan warga",
    Permission.MESSAGES_WRITE: "membalas dan mengoreksi pesan warga",
    Permission.PII_READ: "melihat data pribadi warga",
    Permission.SETTINGS_WRITE: "mengubah pengaturan",
    Permission.AUDIT_READ: "membaca jejak audit",
    Permission.CONTENT_READ: "membaca konten dan kalender",
    Permission.CONTENT_WRITE: "menulis dan meninjau konten",
    Permission.REPORTS_READ: "membaca laporan untuk Wali Kota",
    Permission.FIELD_WRITE: "mencatat kunjungan lapangan dan foto sebelum/sesudah",
}

_WORKER = frozenset(
    {
        Permission.CASES_READ,
        Permission.CASES_WRITE,
        Permission.MESSAGES_READ,
        Permission.MESSAGES_WRITE,
        Permission.PII_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PROVINCE: frozenset(Permission),
    Role.DISKOMINFO: frozenset(Permission),
    Role.KECAMATAN_ADMIN: _WORKER | {Permission.FIELD_WRITE},
    Role.KELURAHAN_ADMIN: _WORKER | {Permission.FIELD_WRITE},
    # an OPD officer works cases; the reports' authors stay masked
    Role.OPD_OFFICER: frozenset(
        {
            Permission.CASES_READ,
            Permission.CASES_WRITE,
            Permission.MESSAGES_READ,
            Permission.MESSAGES_WRITE,
            Permission.FIELD_WRITE,
        }
    ),
    # leadership reads, including the report to the Wali Kota
    Role.VIEWER: frozenset(
        {Permission.CASES_READ, Permission.MESSAGES_READ, Permission.REPORTS_READ}
    ),
}

# content (issue 8): every role reads the content of its area, all but viewers write it; the
# content services narrow writing further to the actor's own accounts and review steps
_CONTENT_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.KECAMATAN_ADMIN: frozenset({Permission.CONTENT_READ, Permission.CONTENT_WRITE}),
    Role.KELURAHAN_ADMIN: frozenset({Permission.CONTENT_READ, Permission.CONTENT_WRITE}),
    Role.OPD_OFFICER: frozenset({Permission.CONTENT_READ, Permission.CONTENT_WRITE}),
    Role.VIEWER: frozenset({Permission.CONTENT_READ}),
}
for _role, _grant in _CONTENT_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _grant


def parse_permissions(values: Iterable[str]) -> frozenset[Permission]:
    """Token scopes as typed by a person; raises ValueError naming the first unknown one."""
    result: set[Permission] = set()
    for raw in values:
        for part in raw.replace(",", " ").split():
            try:
                result.add(Permission(part.strip().lower()))
            except ValueError:
                choices = ", ".join(p.value for p in Permission)
                raise ValueError(
                    f"cakupan token {part!r} tidak dikenal (pilihan: {choices})"
                ) from None
    if not result:
        raise ValueError("token membutuhkan sedikitnya satu cakupan, mis. cases:read")
    return frozenset(result)


@dataclass(frozen=True)
class Actor:
    """A signed-in person or an API token, with the role's area and what it may do."""

    name: str
    role: Role
    scope: Scope
    permissions: frozenset[Permission]
    kind: str = "user"  # user or token
    id: int | None = None
    full_name: str = ""
    session_id: str | None = field(default=None, repr=False)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def read_only(self) -> bool:
        return not (
            {
                Permission.CASES_WRITE,
                Permission.MESSAGES_WRITE,
                Permission.SETTINGS_WRITE,
                Permission.FIELD_WRITE,
            }
            & self.permissions
        )

    @property
    def label(self) -> str:
        return self.full_name or self.name


def actor_for(
    name: str,
    role: Role,
    scope: Scope,
    *,
    kind: str = "user",
    id: int | None = None,
    full_name: str = "",
    granted: frozenset[Permission] | None = None,
    session_id: str | None = None,
) -> Actor:
    """An actor's permissions are its role's, narrowed to a token's scopes when there are any."""
    permissions = ROLE_PERMISSIONS[role]
    if granted is not None:
        permissions = permissions & granted
    return Actor(name, role, scope, permissions, kind, id, full_name, session_id)


# --- signing in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginPolicy:
    """Lock-out after repeated failures for one user name, and a rate limit per address."""

    max_failures: int = 5  # per user name within `window`
    lockout: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(minutes=15)
    max_attempts_per_ip: int = 30  # failed attempts from one address within `window`
    session_idle: timedelta = timedelta(hours=12)
    session_max: timedelta = timedelta(days=7)


def locked_until(
    failures: Iterable[datetime], *, now: datetime, policy: LoginPolicy
) -> datetime | None:
    """When a user name may try again, or None. `failures` are the times of failed attempts
    since the last success; only those within the window count."""
    recent = sorted(at for at in failures if at > now - policy.window)
    if len(recent) < policy.max_failures:
        return None
    until = recent[-1] + policy.lockout
    return until if until > now else None


def ip_limited(failures_from_ip: int, policy: LoginPolicy) -> bool:
    return failures_from_ip >= policy.max_attempts_per_ip


def session_expired(
    *, created_at: datetime, last_seen_at: datetime, now: datetime, policy: LoginPolicy
) -> bool:
    return now - last_seen_at > policy.session_idle or now - created_at > policy.session_max


def mask_name(name: str) -> str:
    """A citizen's name or handle for people who do not need it: 'w***5'."""
    name = name.strip()
    if len(name) <= 2:
        return "*" * len(name) if name else ""
    return f"{name[0]}***{name[-1]}"
