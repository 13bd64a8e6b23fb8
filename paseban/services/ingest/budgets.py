"""One scheduler for every platform's rate limits: polls and sends of all accounts are spread
within the budgets each connector declares (connectors/limits.py), and the platforms' own signals
(remaining calls, reset times, "wait N minutes", a daily quota gone) are obeyed.

A budget is one row of `rate_windows`, keyed by connector, bucket, scope and holder:
`x:mentions:app_token:-` is shared by every X account polled with the app's bearer token,
`x:mentions:user:12` belongs to account 12 (its own token), `youtube:units:app:-` is the whole
Google project. Before a call the budget is asked whether it may be made (`admit`); every
answer spends its cost and applies what the platform said (`Meter`, an httpx response hook), so
a call that the platform counted is counted here too, errors included.

Polls are spread by their interval: accounts sharing a budget are polled at most as often as the
budget allows for all of them (`poll_interval`), never more often than PASEBAN_POLL_SECONDS.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.connectors.limits import Limit, LimitScope, Operation, RateSignal
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.budgets")

SLOW_AT = 80.0  # Meta's usage in percent from which calls are spaced out
PAUSES = ((100.0, 600.0), (90.0, 300.0), (SLOW_AT, 60.0))  # usage >= pct: wait seconds


@dataclass(frozen=True)
class Budget:
    key: str
    limit: Limit

    def allowed(self, operation: str) -> int | None:
        """Units the operation may fill the window up to (polls leave the replies' share)."""
        if self.limit.capacity is None:
            return None
        share = self.limit.poll_share if operation == Operation.POLL else 1.0
        return int(self.limit.capacity * share)


def budgets_for(
    ctx: Context, platform: str, account_id: int, operation: str, *, own_token: bool
) -> list[Budget]:
    """The budgets a call of `operation` for the account counts against."""
    connector = ctx.connectors.for_platform(platform)
    if connector is None:
        return []
    found = []
    for limit in connector.limits(platform):
        if not limit.applies(operation, own_token=own_token):
            continue
        holder = account_id if limit.scope in (LimitScope.USER, LimitScope.ACCOUNT) else "-"
        found.append(Budget(f"{connector.name}:{limit.bucket}:{limit.scope}:{holder}", limit))
    return found


def has_own_token(conn: sa.Connection, account_id: int) -> bool:
    return (
        conn.execute(
            sa.select(t.account_credentials.c.account_id).where(
                t.account_credentials.c.account_id == account_id
            )
        ).first()
        is not None
    )


def _row(conn: sa.Connection, budget: Budget, now: datetime) -> Any:
    """The budget's row for the window `now` falls in (a new window once the last is over)."""
    query = sa.select(t.rate_windows).where(t.rate_windows.c.key == budget.key)
    found = conn.execute(query).first()
    if found is not None and found.window_end > now:
        return found
    start, end = budget.limit.window_at(now)
    values = {
        "window_start": start,
        "window_end": end,
        "capacity": budget.limit.capacity or 0,
        "used": 0,
        "updated_at": now,
    }
    stmt = insert(conn, t.rate_windows).values(key=budget.key, blocked_until=None, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_=values))
    return conn.execute(query).one()


def admit(ctx: Context, budgets: list[Budget], operation: str) -> datetime | None:
    """None when a call may be made now; otherwise when to come back (the platform asked us to
    wait, or the window's share for this operation is spent)."""
    now = ctx.now()
    later: list[datetime] = []
    with ctx.engine.begin() as conn:
        for budget in budgets:
            row = _row(conn, budget, now)
            if row.blocked_until is not None and row.blocked_until > now:
                later.append(row.blocked_until)
                continue
            allowed = budget.allowed(operation)
            if allowed is not None and row.used + budget.limit.cost(operation) > allowed:
                later.append(row.window_end)
    return max(later) if later else None


def spend(ctx: Context, budgets: list[Budget], operation: str, signals: list[RateSignal]) -> None:
    """Count one call against its budgets and apply what the platform said about them."""
    now = ctx.now()
    with ctx.engine.begin() as conn:
        for budget in budgets:
            row = _row(conn, budget, now)
            values: dict[str, Any] = {
                "used": row.used + budget.limit.cost(operation),
                "updated_at": now,
            }
            for signal in signals:
                if _about(signal, budget):
                    values |= _applied(signal, budget, now, row)
            conn.execute(
                sa.update(t.rate_windows).where(t.rate_windows.c.key == budget.key).values(**values)
            )


def _about(signal: RateSignal, budget: Budget) -> bool:
    if signal.bucket is not None and signal.bucket != budget.limit.bucket:
        return False
    return signal.scope is None or signal.scope == budget.limit.scope


def _applied(signal: RateSignal, budget: Budget, now: datetime, row: Any) -> dict[str, Any]:
    """The platform's word beats our count: its remaining calls, its reset time, its wait."""
    values: dict[str, Any] = {}
    capacity = signal.capacity or budget.limit.capacity
    if signal.remaining is not None and capacity:
        values |= {"used": max(0, capacity - signal.remaining), "capacity": capacity}
    if signal.reset_at is not None and signal.reset_at > now:
        values["window_end"] = signal.reset_at
    wait = signal.wait
    if signal.usage_pct is not None:
        values["usage_pct"] = signal.usage_pct
        pause = next((p for pct, p in PAUSES if signal.usage_pct >= pct), None)
        wait = max(wait or 0.0, pause or 0.0) or None
    if signal.remaining == 0 and signal.reset_at is not None and signal.reset_at > now:
        wait = max(wait or 0.0, (signal.reset_at - now).total_seconds())
    if wait:
        until = now + timedelta(seconds=wait)
        values["blocked_until"] = max(until, row.blocked_until or until)
        log.info("rate budget paused", extra={"budget": budget.key, "seconds": round(wait)})
    return values


class Meter:
    """An httpx response hook that spends each answer's cost on the call's budgets and applies
    the platform's signals: installed on the shared client while one account's calls run."""

    def __init__(self, ctx: Context, platform: str, budgets: list[Budget], operation: str):
        self.ctx = ctx
        self.platform = platform
        self.budgets = budgets
        self.operation = operation
        self.calls = 0

    def __call__(self, response: httpx.Response) -> None:
        self.calls += 1
        connector = self.ctx.connectors.for_platform(self.platform)
        signals: list[RateSignal] = []
        if connector is not None:
            if response.status_code >= 400:
                response.read()  # the error body says what kind of limit it was
            signals = connector.rate_signals(self.platform, response, now=self.ctx.now())
        if self.budgets:
            spend(self.ctx, self.budgets, self.operation, signals)


@contextmanager
def metered(
    ctx: Context, client: httpx.Client, platform: str, budgets: list[Budget], operation: str
) -> Iterator[Meter]:
    meter = Meter(ctx, platform, budgets, operation)
    hooks: list[Callable[..., Any]] = list(client.event_hooks.get("response", []))
    client.event_hooks["response"] = [*hooks, meter]
    try:
        yield meter
    finally:
        client.event_hooks["response"] = hooks


# --- polls: how often each account -------------------------------------------------------------


@dataclass(frozen=True)
class PolledAccount:
    id: int
    platform: str
    own_token: bool
    last_polled_at: datetime | None
    retry_after: datetime | None


def polled_accounts(ctx: Context) -> list[PolledAccount]:
    """Active, real accounts on the platforms Paseban polls, with what scheduling needs."""
    platforms = ctx.connectors.polled_platforms()
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.accounts.c.id,
                t.accounts.c.platform,
                t.account_credentials.c.account_id.label("token"),
                t.connector_cursors.c.last_polled_at,
                t.connector_cursors.c.retry_after,
            )
            .select_from(
                t.accounts.outerjoin(
                    t.connector_cursors, t.connector_cursors.c.account_id == t.accounts.c.id
                ).outerjoin(
                    t.account_credentials, t.account_credentials.c.account_id == t.accounts.c.id
                )
            )
            .where(
                t.accounts.c.active.is_(True),
                t.accounts.c.is_sample.is_(False),
                t.accounts.c.platform.in_(platforms),
            )
            .order_by(t.accounts.c.id)
        ).all()
    return [
        PolledAccount(r.id, r.platform, r.token is not None, r.last_polled_at, r.retry_after)
        for r in rows
    ]


def poll_intervals(ctx: Context, accounts: list[PolledAccount]) -> dict[int, float]:
    """Seconds between two polls of each account: PASEBAN_POLL_SECONDS, or longer where the
    accounts that share a budget would spend more than it holds."""
    sharing: Counter[str] = Counter()
    keys: dict[int, list[Budget]] = {}
    for account in accounts:
        found = budgets_for(
            ctx, account.platform, account.id, Operation.POLL, own_token=account.own_token
        )
        keys[account.id] = found
        sharing.update(b.key for b in found)
    floor = float(ctx.settings.poll_seconds)
    return {
        account_id: max(
            [floor, *(b.limit.poll_interval(sharing[b.key]) for b in found)],
        )
        for account_id, found in keys.items()
    }


def due_accounts(ctx: Context) -> list[int]:
    """Accounts whose interval has passed since their last poll, the longest waiting first."""
    now = ctx.now()
    accounts = polled_accounts(ctx)
    intervals = poll_intervals(ctx, accounts)
    due = [
        a
        for a in accounts
        if a.last_polled_at is None or a.last_polled_at <= now - timedelta(seconds=intervals[a.id])
    ]
    due.sort(key=lambda a: (a.last_polled_at is not None, a.last_polled_at or now, a.id))
    return [a.id for a in due]


# --- what the settings page shows --------------------------------------------------------------


@dataclass(frozen=True)
class BudgetView:
    label: str  # "permintaan mention (token akun)", as an operator reads it
    remaining: int | None  # None: the platform states only a share used
    capacity: int | None
    resets_at: datetime | None
    blocked_until: datetime | None
    usage_pct: float | None
    shared: bool  # with other accounts (the app's token, the Google project)


@dataclass(frozen=True, slots=True)
class AccountBudgets:
    """What the accounts settings page says of one account's platform limits."""

    interval: float | None  # seconds between two polls; None: the platform is not polled
    budgets: list[BudgetView]  # each budget its polls and sends count against


SCOPE_LABELS = {
    LimitScope.APP: "seluruh aplikasi",
    LimitScope.APP_TOKEN: "token aplikasi, bersama",
    LimitScope.USER: "token akun",
    LimitScope.ACCOUNT: "akun ini",
}


def account_budgets(ctx: Context) -> dict[int, AccountBudgets]:
    """For each account: its poll interval (polled platforms) and each budget its polls and
    sends count against, with what is left in the current window."""
    now = ctx.now()
    with ctx.engine.connect() as conn:
        accounts = conn.execute(
            sa.select(
                t.accounts.c.id,
                t.accounts.c.platform,
                t.account_credentials.c.account_id.label("token"),
            ).select_from(
                t.accounts.outerjoin(
                    t.account_credentials, t.account_credentials.c.account_id == t.accounts.c.id
                )
            )
        ).all()
        rows = {r.key: r for r in conn.execute(sa.select(t.rate_windows))}
    polled = polled_accounts(ctx)
    intervals = poll_intervals(ctx, polled)
    out: dict[int, AccountBudgets] = {}
    for account in accounts:
        views: list[BudgetView] = []
        seen: set[str] = set()
        for operation in (Operation.POLL, Operation.SEND):
            own = account.token is not None
            for budget in budgets_for(ctx, account.platform, account.id, operation, own_token=own):
                if budget.key in seen:
                    continue
                seen.add(budget.key)
                views.append(_view(budget, rows.get(budget.key), now))
        out[account.id] = AccountBudgets(interval=intervals.get(account.id), budgets=views)
    return out


def _view(budget: Budget, row: Any, now: datetime) -> BudgetView:
    limit = budget.limit
    current = row is not None and row.window_end > now
    used = row.used if current else 0
    capacity = (row.capacity if current and row.capacity else None) or limit.capacity
    blocked = (
        row.blocked_until
        if row is not None and row.blocked_until and row.blocked_until > now
        else None
    )
    return BudgetView(
        label=f"{limit.label or limit.bucket} ({SCOPE_LABELS[limit.scope]})",
        remaining=max(0, capacity - used) if capacity is not None else None,
        capacity=capacity,
        resets_at=row.window_end if current else None,
        blocked_until=blocked,
        usage_pct=row.usage_pct if row is not None else None,
        shared=limit.scope in (LimitScope.APP, LimitScope.APP_TOKEN),
    )
