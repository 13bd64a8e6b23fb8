# ruff: noqa: E501  (generated SQL reads best unwrapped)
"""Benchmark: all KPIs and leaderboards for a year of data for 75 accounts (about 2 million
citizen messages, 100,000 cases, 30,000 posts), on SQLite and, when a URL is given, PostgreSQL.

    .venv/bin/python bench/measurement.py                       # SQLite in a temporary folder
    .venv/bin/python bench/measurement.py postgresql+psycopg://u:p@127.0.0.1:5432/bench

The data is generated inside the database (a recursive CTE on SQLite, generate_series on
PostgreSQL), deterministic, in seconds. The figures printed are the time to compute every unit's
KPIs for the year, for the last month, and the leaderboards, sosok ideal and lagging list on top.
The target is under 2 seconds for the year.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paseban.clock import FixedClock  # noqa: E402
from paseban.context import Context  # noqa: E402
from paseban.measurement import (  # noqa: E402
    leaderboards,
    queries,
    recognition,
)
from paseban.measurement.periods import Period, month_of  # noqa: E402
from paseban.services import reference  # noqa: E402
from paseban.settings import Settings  # noqa: E402
from paseban.storage import migrate  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
MESSAGES = 2_000_000
CASES = 100_000
POSTS = 30_000
VISITS = 10_000
YEAR = Period(date(2025, 12, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
START = "2025-11-30 17:00:00"  # 1 Dec 2025 00:00 WIB, in UTC
SECONDS = 365 * 86400


def series(dialect: str, n: int) -> str:
    if dialect == "sqlite":
        return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) "
    return ""


def source(dialect: str, n: int) -> str:
    return "seq" if dialect == "sqlite" else f"generate_series(CAST(1 AS BIGINT), {n}) AS seq(n)"


def at(dialect: str, seconds_sql: str, base: str = f"'{START}'") -> str:
    if dialect == "sqlite":
        return f"datetime({base}, '+' || ({seconds_sql}) || ' seconds')"
    return f"(TIMESTAMPTZ {base.replace(chr(39), chr(39))} AT TIME ZONE 'UTC' + ({seconds_sql}) * INTERVAL '1 second')"


def after(dialect: str, column: str, seconds_sql: str) -> str:
    if dialect == "sqlite":
        return f"datetime({column}, '+' || ({seconds_sql}) || ' seconds')"
    return f"({column} + ({seconds_sql}) * INTERVAL '1 second')"


def generate(engine: sa.Engine) -> dict[str, float]:
    d = engine.dialect.name
    start_sql = f"'{START}'" if d == "sqlite" else f"TIMESTAMPTZ '{START}+00'"

    def when(seconds_sql: str) -> str:
        if d == "sqlite":
            return f"datetime({start_sql}, '+' || ({seconds_sql}) || ' seconds')"
        return f"({start_sql} + ({seconds_sql}) * INTERVAL '1 second')"

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with engine.begin() as conn:
        kel = conn.execute(
            sa.text("SELECT code, parent_code FROM wilayah WHERE level = 4 ORDER BY code")
        ).all()
        kec = [
            r[0]
            for r in conn.execute(sa.text("SELECT code FROM wilayah WHERE level = 3 ORDER BY code"))
        ]
        opds = [
            r[0]
            for r in conn.execute(sa.text("SELECT code FROM opds WHERE kind = 'opd' ORDER BY code"))
        ]
        owners = (
            [("kelurahan", c) for c, _ in kel]
            + [("kecamatan", c) for c in kec]
            + [("city", "32.71")]
        )
        conn.execute(
            sa.text(
                "INSERT INTO accounts (id, platform, handle, owner_kind, owner_code, name, active, is_sample, created_at) "
                "VALUES (:id, 'instagram', :h, :k, :c, :h, true, false, :t)"
            ),
            [
                {"id": i + 1, "h": f"bench{i + 1}", "k": k, "c": c, "t": NOW}
                for i, (k, c) in enumerate(owners)
            ],
        )
        n_acc = len(owners)
        step = SECONDS / MESSAGES
        conn.execute(
            sa.text(
                series(d, MESSAGES)
                + "INSERT INTO messages (id, platform, external_id, account_id, kind, author, text, posted_at, received_at, intent, needs_review, is_sample) "
                f"SELECT n, 'instagram', 'b' || n, 1 + (n * 7919) % {n_acc}, 'comment', '', '', "
                f"{when(f'CAST(n * {step} AS INTEGER)')}, {when(f'CAST(n * {step} AS INTEGER)')}, "
                "CASE n % 10 WHEN 0 THEN 'aduan' WHEN 1 THEN 'aduan' WHEN 2 THEN 'aduan' WHEN 3 THEN 'aduan' "
                "WHEN 4 THEN 'pertanyaan' WHEN 5 THEN 'pertanyaan' WHEN 6 THEN 'aspirasi' WHEN 7 THEN 'apresiasi' "
                "WHEN 8 THEN 'informasi' ELSE 'spam' END, false, false "
                f"FROM {source(d, MESSAGES)}"
            )
        )
        timings["messages"] = time.perf_counter() - t0
        wall = "(60 + (message_id * 7907) % 43200)"
        conn.execute(
            sa.text(
                "INSERT INTO response_facts (message_id, account_id, received_at, intent, first_reply_at, wall_seconds, business_seconds, updated_at) "
                "SELECT id, account_id, posted_at, intent, NULL, NULL, NULL, posted_at FROM messages "
                "WHERE intent IN ('aduan', 'pertanyaan', 'aspirasi')"
            )
        )
        conn.execute(
            sa.text(
                f"UPDATE response_facts SET wall_seconds = {wall}, business_seconds = {wall} * 2 / 5, "
                f"first_reply_at = {after(d, 'received_at', wall)} WHERE (message_id / 10) % 10 < 8"
            )
        )
        timings["facts"] = time.perf_counter() - t0
        pstep = SECONDS / POSTS
        posted = when(f"CAST(n * {pstep} AS INTEGER)")
        posted_on = (
            f"date({posted}, '+7 hours')"
            if d == "sqlite"
            else f"CAST(({posted}) AT TIME ZONE 'Asia/Jakarta' AS DATE)"
        )
        conn.execute(
            sa.text(
                series(d, POSTS)
                + "INSERT INTO post_metrics (account_id, external_id, posted_at, posted_on, likes, comments, shares, saves, reach, views, program, campaign, measured_on, source, is_sample) "
                f"SELECT 1 + (n * 13) % {n_acc}, 'p' || n, {posted}, {posted_on}, n % 300, n % 40, n % 12, n % 9, 1000 + (n * 37) % 5000, 2000 + n % 9000, "
                "CASE WHEN n % 3 = 0 THEN 'bogor_bersih' END, CASE WHEN n % 7 = 0 THEN 'kampanye' || (n % 12) END, "
                f"{posted_on}, 'bench', false FROM {source(d, POSTS)}"
            )
        )
        day_expr = (
            "date('2025-11-30', '+' || n || ' days')" if d == "sqlite" else "DATE '2025-11-30' + n"
        )
        conn.execute(
            sa.text(
                series(d, 366 * n_acc)
                + "INSERT INTO account_snapshots (account_id, day, followers, posts_count, reach, views, source, recorded_at) "
                f"SELECT 1 + (n - 1) / 366, {day_expr.replace('n', '((n - 1) % 366)') if d == 'sqlite' else 'DATE ' + chr(39) + '2025-11-30' + chr(39) + ' + ((n - 1) % 366)'}, "
                "1000 + ((n - 1) % 366) * (1 + (n - 1) / 366 % 5), NULL, NULL, NULL, 'bench', "
                f"{when('0')} FROM {source(d, 366 * n_acc)}"
            )
        )
        cstep = SECONDS / CASES
        n_kel = len(kel)
        kel_case = " ".join(f"WHEN {i} THEN '{c}'" for i, (c, _) in enumerate(kel))
        kec_case = " ".join(f"WHEN {i} THEN '{p}'" for i, (_, p) in enumerate(kel))
        opd_case = " ".join(f"WHEN {i} THEN '{o}'" for i, o in enumerate(opds))
        conn.execute(
            sa.text(
                series(d, CASES)
                + "INSERT INTO cases (id, ticket, status, topic, urgency, kelurahan, kecamatan, opd, title, report_count, opened_at, updated_at, version, is_sample) "
                f"SELECT n, 'B-' || n, 'closed', 'jalan', 'normal', CASE n % {n_kel} {kel_case} END, CASE n % {n_kel} {kec_case} END, "
                f"CASE n % {len(opds)} {opd_case} END, '', 1 + n % 3, {when(f'CAST(n * {cstep} AS INTEGER)')}, {when(f'CAST(n * {cstep} AS INTEGER)')}, 1, false "
                f"FROM {source(d, CASES)}"
            )
        )
        for k, (stage, offset, length) in enumerate(
            (("verify", 0, 259200), ("follow_up", 86400, 432000), ("confirm", 5 * 86400, 864000))
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO case_stages (case_id, stage, started_at, due_at, escalate_at, escalation_level, finished_at, policy) "
                    f"SELECT id, '{stage}', {after(d, 'opened_at', str(offset))}, {after(d, 'opened_at', str(offset + length))}, "
                    f"{after(d, 'opened_at', str(offset + 2 * length))}, 0, "
                    f"CASE WHEN (id + {k}) % 13 = 0 THEN NULL ELSE {after(d, 'opened_at', f'{offset} + (id * 7919) % {int(length * 1.3)}')} END, '{{}}' FROM cases"
                )
            )
        for action, cond, actor, offset in (
            ("resolve", "id % 5 <> 0", "petugas", 4 * 86400),
            ("close", "id % 5 IN (1, 2)", "warga", 6 * 86400),
            ("reopen", "id % 25 = 3", "warga", 6 * 86400),
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO case_events (case_id, action, from_status, to_status, at, actor, note) "
                    f"SELECT id, '{action}', NULL, 'x', {after(d, 'opened_at', str(offset))}, '{actor}', '' FROM cases WHERE {cond}"
                )
            )
        vstep = SECONDS / VISITS
        conn.execute(
            sa.text(
                series(d, VISITS)
                + "INSERT INTO field_visits (officer, unit_code, kelurahan, purpose, visited_at, created_at, is_sample) "
                f"SELECT 'petugas', CASE n % {n_kel} {kel_case} END, NULL, 'cek', {when(f'CAST(n * {vstep} AS INTEGER)')}, {when('0')}, false FROM {source(d, VISITS)}"
            )
        )
    if d == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    timings["total"] = time.perf_counter() - t0
    return timings


def compute(engine: sa.Engine, period: Period) -> tuple[float, dict[str, int]]:
    t0 = time.perf_counter()
    with engine.connect() as conn:
        measured = queries.measure(conn, period, tz=WIB, as_of=NOW)
        previous = queries.measure(
            conn, period.previous(), tz=WIB, as_of=NOW, all_units=measured.units
        )
        lo, hi = period.bounds(WIB)
        admins = queries.admin_activity(conn, lo, hi)
    boards = []
    lags = []
    for group in ("kelurahan", "kecamatan", "opd"):
        group_boards = [
            leaderboards.build(measured.group(group), index, group, previous=previous.group(group))
            for index in ("responsiveness", "activity")
        ]
        boards += group_boards
        lags += recognition.lagging(measured.group(group), group, group_boards)
    top = recognition.top_units(boards)
    recognition.top_admins(admins)
    elapsed = time.perf_counter() - t0
    city = measured.city
    return elapsed, {
        "complaints": city.complaints,
        "needing_reply": int(city.response.den),
        "answered": int(city.response.num),
        "posts": city.posts,
        "resolved": int(city.confirmed.den),
        "ranked_kelurahan": len(boards[0].ranked),
        "highlights": len(top),
        "lags": len(lags),
    }


def run(url: str) -> None:
    settings = Settings(
        database_url=url, secret_key="bench", log_format="console", log_level="WARNING"
    )
    ctx = Context.create(
        settings, clock=FixedClock(NOW), load_entrypoints=False, jobs_backend="eager"
    )
    engine = ctx.engine
    migrate.upgrade(engine)
    reference.load(ctx, "32.71")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM messages")).scalar_one()
    if rows == 0:
        timings = generate(engine)
        print(f"  generated in {timings['total']:.1f} s (messages {timings['messages']:.1f} s)")
    with engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in (
                "accounts",
                "messages",
                "response_facts",
                "post_metrics",
                "cases",
                "case_stages",
                "case_events",
                "field_visits",
            )
        }
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    compute(engine, month_of(date(2026, 11, 1)))  # warm the caches once
    for label, period in (("year", YEAR), ("month", month_of(date(2026, 11, 1)))):
        best = min(compute(engine, period)[0] for _ in range(3))
        _, figures = compute(engine, period)
        print(
            f"  {label:5} all KPIs + leaderboards (this and previous period): {best:.2f} s  {figures}"
        )
    ctx.close()


def main() -> None:
    urls = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({tmp}/bench.db)")
        run(f"sqlite:///{tmp}/bench.db")
    for url in urls:
        print(f"PostgreSQL ({sa.engine.make_url(url).render_as_string(hide_password=True)})")
        run(url)


if __name__ == "__main__":
    main()
