"""Sign-in limits hold under races (issue 16, defect 2): 30 parallel wrong passwords got 25
checked against a limit of 5, and a burst of 29 wrong guesses plus the right one signed in."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from paseban import security
from paseban.context import Context
from paseban.domain.auth import LoginPolicy
from paseban.services.people import accounts, auth

PASSWORD = "kata-sandi-rahasia"


@pytest.fixture
def counted(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check, counted; a slow-enough hash so that the attempts overlap."""
    monkeypatch.setattr(
        "paseban.security._hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    )
    accounts.add_user(ctx, "operator", role="diskominfo", password=PASSWORD)
    checks: list[str] = []
    lock = threading.Lock()
    real = security.verify_password

    def verify(stored: str | None, password: str) -> bool:
        with lock:
            checks.append(password)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", verify)
    return checks


def _attempt(ctx: Context, password: str, n: int) -> str:
    try:
        auth.login(ctx, "operator", password, ip=f"10.0.0.{n % 250}")
    except auth.LoginRefused as refused:
        return refused.reason
    return "ok"


def test_thirty_parallel_attempts_check_at_most_five(ctx: Context, counted: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda n: _attempt(ctx, "salah-salah-salah", n), range(30)))
    assert len(counted) <= 5, len(counted)
    assert "ok" not in results
    assert results.count("locked") >= 25


def test_a_burst_of_guesses_with_the_right_one_does_not_sign_in(
    ctx: Context, counted: list[str]
) -> None:
    guesses = ["salah-salah-salah"] * 29 + [PASSWORD]
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda p: _attempt(ctx, p[1], p[0]), enumerate(guesses)))
    assert len(counted) <= 5
    # the right password is checked only if it came among the first five
    assert results.count("ok") <= (1 if PASSWORD in counted else 0)


def test_one_address_is_limited_under_a_race(ctx: Context, counted: list[str]) -> None:
    policy = LoginPolicy(max_failures=100, max_attempts_per_ip=5)

    def attempt(n: int) -> str:
        try:
            auth.login(ctx, f"nama{n}", "salah-salah-salah", ip="10.9.9.9", policy=policy)
        except auth.LoginRefused as refused:
            return refused.reason
        return "ok"

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(attempt, range(30)))
    assert results.count("rate_limited") >= 25
    assert len(counted) <= 5
