"""Benchmark: polling 10,000 simulated accounts within X's and YouTube's documented limits.

    .venv/bin/python bench/polling.py                      # 10,000 accounts, 2 simulated hours
    .venv/bin/python bench/polling.py --accounts 2000 --hours 1 --sqlite /tmp/poll.db

A local fake platform (an httpx transport inside this process; nothing leaves the machine)
enforces the limits the platforms document:

- X `GET /2/users/:id/mentions`: 450 requests per 15-minute window for the app's bearer token
  and 300 per window per user token; windows start at a token's first request; every answer
  carries `x-rate-limit-limit`, `-remaining` and `-reset`; over the limit: HTTP 429.
- YouTube Data API: 10,000 units a day for the whole Google project (every channel, every key),
  back at midnight Pacific time; `commentThreads.list` costs 1; over it: HTTP 403
  `quotaExceeded`.

The accounts: 30 % X accounts with their own user token, 30 % X accounts on the app's bearer
token, 40 % YouTube channels of one project. A simulated clock runs the real `poll_platforms`
job (services/ingest/polling.py, with the scheduler of services/ingest/budgets.py) once a
simulated minute, as the job runner does, against a real database. Printed: requests and 429s
(goal: none) per platform, and per group the delay between two polls of the same account
(median, p95, max) next to the interval the scheduler computed, and how long until every
account was polled once.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paseban.boot import create_context  # noqa: E402
from paseban.clock import FixedClock  # noqa: E402
from paseban.connectors.limits import next_pacific_midnight  # noqa: E402
from paseban.context import Context  # noqa: E402
from paseban.services.ingest import budgets, polling  # noqa: E402
from paseban.services.people import accounts  # noqa: E402
from paseban.services.reference import store as reference  # noqa: E402
from paseban.settings import Settings  # noqa: E402
from paseban.storage import migrate  # noqa: E402
from paseban.storage import tables as t  # noqa: E402
from paseban.storage.upsert import insert  # noqa: E402

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
X_APP_LIMIT, X_USER_LIMIT, WINDOW = 450, 300, timedelta(minutes=15)
YOUTUBE_UNITS = 10_000


class FakePlatform:
    """X and YouTube as their documentation says they count."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.windows: dict[str, tuple[datetime, int]] = {}  # token -> (window start, used)
        self.units_day: datetime | None = None
        self.units = 0
        self.requests: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)
        self.polls: dict[str, list[datetime]] = defaultdict(list)  # account -> request times

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.x.com":
            return self._x(request)
        return self._youtube(request)

    def _x(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.now()
        token = request.headers["authorization"].removeprefix("Bearer ")
        limit = X_APP_LIMIT if token == "app-bearer" else X_USER_LIMIT
        start, used = self.windows.get(token, (now, 0))
        if now >= start + WINDOW:
            start, used = now, 0
        self.requests["x"] += 1
        reset = str(int((start + WINDOW).timestamp()))
        headers = {"x-rate-limit-limit": str(limit), "x-rate-limit-reset": reset}
        if used >= limit:
            self.refused["x"] += 1
            headers["x-rate-limit-remaining"] = "0"
            body = {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
            return httpx.Response(429, json=body, headers=headers)
        self.windows[token] = (start, used + 1)
        headers["x-rate-limit-remaining"] = str(limit - used - 1)
        self.polls[request.url.path.split("/")[3]].append(now)
        return httpx.Response(200, json={"meta": {"result_count": 0}}, headers=headers)

    def _youtube(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.now()
        day = next_pacific_midnight(now)
        if self.units_day != day:
            self.units_day, self.units = day, 0
        self.requests["youtube"] += 1
        self.units += 1  # every request costs, refused ones too
        if self.units > YOUTUBE_UNITS:
            self.refused["youtube"] += 1
            reason = {"domain": "youtube.quota", "reason": "quotaExceeded", "message": "quota"}
            body = {"error": {"code": 403, "message": "quota", "errors": [reason]}}
            return httpx.Response(403, json=body)
        self.polls[request.url.params["allThreadsRelatedToChannelId"]].append(now)
        body = {"kind": "youtube#commentThreadListResponse", "items": []}
        return httpx.Response(200, json=body)


def setup(ctx: Context, total: int, tmp: Path) -> dict[str, list[str]]:
    """Accounts (30 % X with a user token, 30 % X on the app bearer, 40 % YouTube)."""
    own, shared = int(total * 0.3), int(total * 0.3)
    tube = total - own - shared
    rows = ["platform,handle,platform_account_id,owner_kind,owner_code,name"]
    groups: dict[str, list[str]] = {"x_user": [], "x_app": [], "youtube": []}
    for i in range(own + shared):
        ref = str(1600000000000000000 + i)
        rows.append(f"x,x{i},{ref},city,32.71,X {i}")
        groups["x_user" if i < own else "x_app"].append(ref)
    for i in range(tube):
        ref = f"UCbench{i:017d}"
        rows.append(f"youtube,yt{i},{ref},city,32.71,YouTube {i}")
        groups["youtube"].append(ref)
    csv = tmp / "accounts.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    accounts.import_csv(ctx, csv)
    with ctx.engine.begin() as conn:
        ids = dict(
            conn.execute(
                sa.select(t.accounts.c.platform_account_id, t.accounts.c.id).where(
                    t.accounts.c.platform == "x"
                )
            ).all()
        )
        sealed = ctx_seal(ctx)
        for ref in groups["x_user"]:
            conn.execute(
                insert(conn, t.account_credentials).values(
                    account_id=ids[ref],
                    token=sealed(f"user-{ref}"),
                    extra={"sealed": sealed("{}")},
                    expires_at=None,
                    updated_at=START,
                    updated_by="bench",
                )
            )
    return groups


def ctx_seal(ctx: Context):  # type: ignore[no-untyped-def]
    """The tokens are stored as `paseban accounts token` stores them (sealed)."""
    from paseban.services.people.credentials import _seal

    return lambda value: _seal(ctx.settings, value)


def report(
    platform: FakePlatform, groups: dict[str, list[str]], intervals: dict[str, float], wall: float
) -> None:
    print(f"wall time {wall:.0f} s")
    for name in ("x", "youtube"):
        refused = platform.refused[name]
        print(f"{name:8} requests {platform.requests[name]:8d}   429/403 refused {refused}")
    heads = ("accounts", "interval", "polled", "first(max)", "gap p50", "gap p95", "gap max")
    print(f"{'group':10} " + " ".join(f"{h:>10}" for h in heads))
    for group, refs in groups.items():
        gaps: list[float] = []
        firsts: list[float] = []
        polled = 0
        for ref in refs:
            times = platform.polls.get(ref, [])
            if times:
                polled += 1
                firsts.append((times[0] - START).total_seconds())
            gaps += [(b - a).total_seconds() for a, b in itertools.pairwise(times)]

        def q(values: list[float], p: float) -> str:
            if not values:
                return "-"
            ordered = sorted(values)
            return f"{ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 60:.1f}m"

        cells = (
            str(len(refs)),
            f"{intervals[group] / 60:.1f}m",
            str(polled),
            f"{max(firsts) / 60:.1f}m" if firsts else "-",
            q(gaps, 0.5),
            q(gaps, 0.95),
            q(gaps, 1.0),
        )
        print(f"{group:10} " + " ".join(f"{c:>10}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--sqlite", type=Path, default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="paseban-poll-"))
    db = args.sqlite or tmp / "poll.db"
    settings = Settings(
        database_url=f"sqlite:///{db}",
        secret_key="bench-secret",
        x_bearer_token="app-bearer",
        youtube_api_key="project-key",
        log_level="WARNING",
    )
    clock = FixedClock(START)
    ctx = create_context(settings, clock=clock, load_entrypoints=False, jobs_backend="eager")
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    groups = setup(ctx, args.accounts, tmp)
    by_id = budgets.poll_intervals(ctx, budgets.polled_accounts(ctx))
    with ctx.engine.connect() as conn:
        refs = dict(
            conn.execute(sa.select(t.accounts.c.id, t.accounts.c.platform_account_id)).all()
        )
    group_of = {ref: g for g, members in groups.items() for ref in members}
    intervals = {g: max(v for k, v in by_id.items() if group_of[refs[k]] == g) for g in groups}
    platform = FakePlatform(clock)
    client = httpx.Client(transport=httpx.MockTransport(platform))
    ctx.jobs.enqueue = lambda *a, **k: None  # type: ignore[method-assign]  # nothing to analyse
    began = time.monotonic()
    steps = int(args.hours * 60)
    for step in range(steps):
        polling.poll_due(ctx, client=client)
        clock.advance(timedelta(minutes=1))
        if step % 15 == 14:
            print(
                f"  {step + 1:4d} min: {dict(platform.requests)} refused {dict(platform.refused)}",
                flush=True,
            )
    report(platform, groups, intervals, time.monotonic() - began)
    print(json.dumps({"requests": platform.requests, "refused": platform.refused}))
    ctx.close()


if __name__ == "__main__":
    main()
