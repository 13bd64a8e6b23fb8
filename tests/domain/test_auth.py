from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import (
    ROLE_PERMISSIONS,
    LoginPolicy,
    Permission,
    actor_for,
    ip_limited,
    locked_until,
    mask_name,
    parse_permissions,
    session_expired,
)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
POLICY = LoginPolicy(max_failures=3, lockout=timedelta(minutes=15), window=timedelta(minutes=15))


def test_lockout_after_repeated_failures_within_the_window() -> None:
    two = [NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)]
    assert locked_until(two, now=NOW, policy=POLICY) is None
    three = [*two, NOW]
    assert locked_until(three, now=NOW, policy=POLICY) == NOW + timedelta(minutes=15)
    # old failures do not count, and a lock ends
    stale = [NOW - timedelta(hours=1)] * 5
    assert locked_until(stale, now=NOW, policy=POLICY) is None
    assert locked_until(three, now=NOW + timedelta(minutes=16), policy=POLICY) is None


def test_ip_limit_and_session_expiry() -> None:
    policy = LoginPolicy(max_attempts_per_ip=2)
    assert not ip_limited(1, policy) and ip_limited(2, policy)
    policy = LoginPolicy(session_idle=timedelta(hours=1), session_max=timedelta(days=1))
    fresh = {"created_at": NOW, "last_seen_at": NOW, "policy": policy}
    assert not session_expired(now=NOW + timedelta(minutes=59), **fresh)  # type: ignore[arg-type]
    assert session_expired(now=NOW + timedelta(minutes=61), **fresh)  # type: ignore[arg-type]
    assert session_expired(
        created_at=NOW,
        last_seen_at=NOW + timedelta(hours=24),
        now=NOW + timedelta(hours=24, minutes=1),
        policy=policy,
    )


def test_viewer_reads_only_and_tokens_narrow_a_role() -> None:
    viewer = actor_for("p", Role.VIEWER, Scope())
    assert viewer.read_only and viewer.can(Permission.CASES_READ)
    assert not viewer.can(Permission.MESSAGES_WRITE)
    assert not actor_for("l", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001")).read_only
    token = actor_for(
        "bot", Role.DISKOMINFO, Scope(), kind="token", granted=frozenset({Permission.CASES_READ})
    )
    assert token.permissions == {Permission.CASES_READ}
    # a token never gets more than its role
    weak = actor_for("bot", Role.VIEWER, Scope(), granted=frozenset(Permission))
    assert weak.permissions == ROLE_PERMISSIONS[Role.VIEWER]
    assert all(ROLE_PERMISSIONS[r] <= ROLE_PERMISSIONS[Role.DISKOMINFO] for r in Role)
    assert not ROLE_PERMISSIONS[Role.OPD_OFFICER] & {Permission.PII_READ, Permission.SETTINGS_WRITE}


def test_parse_permissions() -> None:
    assert parse_permissions(["cases:read,messages:read"]) == {
        Permission.CASES_READ,
        Permission.MESSAGES_READ,
    }
    with pytest.raises(ValueError, match="'cases:delete'"):
        parse_permissions(["cases:delete"])
    with pytest.raises(ValueError, match="sedikitnya satu"):
        parse_permissions([])


def test_mask_name() -> None:
    assert mask_name("warga_batutulis") == "w***s"
    assert mask_name("ab") == "**" and mask_name("") == ""
