# ruff: noqa: E501  (generated SQL reads best unwrapped)
"""Benchmark: all KPIs and leaderboards for a year of data for 75 accounts (about 2 million
citizen messages, 100,000 cases, 30,000 posts), on SQLite and, when a URL is given, PostgreSQL.

    .venv/bin/python bench/measurement.py                       # SQLite in a temporary folder
    .venv/bin/python bench/measurement.py postgresql+psycopg://u:p@127.0.0.1:5432/bench
    .venv/bin/python bench/measurement.py --sqlite /tmp/bench.db  # keep (and reuse) the file

The data is generated inside the database (a recursive CTE on SQLite, generate_series on
PostgreSQL), deterministic: messages, the response facts of the 1.4 million that needed an answer
(with their durations and duration buckets), replies recorded in the inbox, posts, daily
snapshots, cases with three stages each and their events, field visits. The roll-ups are then
built from scratch by the same code the nightly job runs (timed), and an incremental refresh
after an hour of new traffic is timed too. The main figure is the time to compute every unit's
KPIs for the year and the year before, all leaderboards, sosok ideal and the lagging list; the
target is under 2 seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paseban.boot import create_context  # noqa: E402
from paseban.clock import FixedClock  # noqa: E402
from paseban.context import Context  # noqa: E402
from paseban.measurement import (  # noqa: E402
    histograms,
    leaderboards,
    queries,
    recognition,
)
from paseban.measurement.periods import Period, month_of  # noqa: E402
from paseban.services.measurement import recording as measurement  # noqa: E402
from paseban.services.measurement import reports as report_service  # noqa: E402
from paseban.services.measurement.case_rollups import refresh_activity_rollups, refresh_case_rollups  # noqa: E402
from paseban.services.measurement.response_facts import refresh_response_facts  # noqa: E402
from paseban.services.reference import store as reference  # noqa: E402
from paseban.settings import Settings  # noqa: E402
from paseban.storage import migrate  # noqa: E402
from paseban.storage import tables as t  # noqa: E402

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


def after(dialect: str, column: str, seconds_sql: str) -> str:
    if dialect == "sqlite":  # the text SQLAlchemy stores: 2026-11-27 02:00:00.000000
        return f"(datetime({column}, '+' || ({seconds_sql}) || ' seconds') || '.000000')"
    return f"({column} + ({seconds_sql}) * INTERVAL '1 second')"


def bucket_sql(column: str) -> str:
    """measurement/histograms.py's bucket_of, in SQL (for generating the facts only)."""
    whens = " ".join(
        f"WHEN {column} < {edge} THEN {i - 1}" for i, edge in enumerate(histograms.EDGES) if i
    )
    return f"CASE {whens} ELSE {histograms.BUCKETS - 1} END"


def generate(engine: sa.Engine) -> dict[str, float]:
    d = engine.dialect.name
    start_sql = f"'{START}'" if d == "sqlite" else f"TIMESTAMPTZ '{START}+00'"

    def when(seconds_sql: str) -> str:
        if d == "sqlite":
            return f"(datetime({start_sql}, '+' || ({seconds_sql}) || ' seconds') || '.000000')"
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
        conn.execute(
            sa.text(
                "INSERT INTO users (username, full_name, role, scope_code, active, is_sample, created_at) "
                "VALUES (:u, :u, :r, :c, true, false, :t)"
            ),
            [
                {
                    "u": f"admin{i + 1}",
                    "r": f"{k}_admin" if k != "city" else "diskominfo",
                    "c": c if k != "city" else None,
                    "t": NOW,
                }
                for i, (k, c) in enumerate(owners)
            ],
        )
        step = SECONDS / MESSAGES
        # 80 % of the messages that need an answer are answered, after `wall` seconds
        answered_sql = "(n % 10 < 7 AND (n / 10) % 10 < 8)"
        wall_n = "(60 + (n * 7907) % 43200)"
        conn.execute(
            sa.text(
                series(d, MESSAGES)
                + "INSERT INTO messages (id, platform, external_id, account_id, kind, author, text, posted_at, received_at, intent, needs_review, is_sample, inbox_state, handled_by, handled_at) "
                f"SELECT n, 'instagram', 'b' || n, 1 + (n * 7919) % {n_acc}, 'comment', '', '', "
                f"{when(f'CAST(n * {step} AS INTEGER)')}, {when(f'CAST(n * {step} AS INTEGER)')}, "
                "CASE n % 10 WHEN 0 THEN 'aduan' WHEN 1 THEN 'aduan' WHEN 2 THEN 'aduan' WHEN 3 THEN 'aduan' "
                "WHEN 4 THEN 'pertanyaan' WHEN 5 THEN 'pertanyaan' WHEN 6 THEN 'aspirasi' WHEN 7 THEN 'apresiasi' "
                "WHEN 8 THEN 'informasi' ELSE 'spam' END, false, false, "
                f"CASE WHEN {answered_sql} THEN 'answered' ELSE 'new' END, "
                f"CASE WHEN {answered_sql} THEN 'admin' || (1 + (n * 7919) % {n_acc}) END, "
                f"CASE WHEN {answered_sql} THEN {when(f'CAST(n * {step} AS INTEGER) + {wall_n}')} END "
                f"FROM {source(d, MESSAGES)}"
            )
        )
        timings["messages"] = time.perf_counter() - t0
        wall = "(60 + (CAST(message_id AS BIGINT) * 7907) % 43200)"
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
        conn.execute(
            sa.text(
                f"UPDATE response_facts SET wall_bucket = {bucket_sql('wall_seconds')}, "
                f"business_bucket = {bucket_sql('business_seconds')} WHERE wall_seconds IS NOT NULL"
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
                f"SELECT 1 + (n - 1) / 366, {day_expr.replace('n', '((n - 1) % 366)') if d == 'sqlite' else 'DATE ' + chr(39) + '2025-11-30' + chr(39) + ' + CAST((n - 1) % 366 AS INTEGER)'}, "
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
        month_ago = (
            "'2026-10-31 17:00:00.000000'"
            if d == "sqlite"
            else "TIMESTAMPTZ '2026-10-31 17:00:00+00'"
        )
        for k, (stage, offset, length) in enumerate(
            (("verify", 0, 259200), ("follow_up", 86400, 432000), ("confirm", 5 * 86400, 864000))
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO case_stages (case_id, stage, started_at, due_at, escalate_at, escalation_level, finished_at, policy) "
                    f"SELECT id, '{stage}', {after(d, 'opened_at', str(offset))}, {after(d, 'opened_at', str(offset + length))}, "
                    f"{after(d, 'opened_at', str(offset + 2 * length))}, 0, "
                    # stages of the last month's cases may still run (1 in 13); older ones all ended
                    f"CASE WHEN (id + {k}) % 13 = 0 AND opened_at >= {month_ago} THEN NULL ELSE {after(d, 'opened_at', f'{offset} + (id * 7919) % {int(length * 1.3)}')} END, '{{}}' FROM cases"
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
        admins = queries.admin_activity(conn, period)
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


def incremental(ctx: Context) -> float:
    """An hour of traffic (230 messages, their replies, 12 case events), then both refresh jobs
    as the scheduler runs them; returns their time."""
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    with ctx.engine.connect() as conn:  # a kept database: continue after the last refresh
        last = conn.execute(sa.select(sa.func.max(t.measurement_cursors.c.at))).scalar()
    clock.at = max(clock.at, last or clock.at) + timedelta(hours=1)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        top = conn.execute(sa.select(sa.func.max(t.messages.c.id))).scalar_one()
        messages = []
        for i in range(230):
            at = now - timedelta(minutes=60 - i * 60 / 230)
            messages.append(
                {
                    "id": top + i + 1,
                    "platform": "instagram",
                    "external_id": f"inc{top + i}",
                    "account_id": 1 + i % 75,
                    "kind": "comment",
                    "author": "",
                    "text": "",
                    "posted_at": at,
                    "received_at": at,
                    "analyzed_at": at + timedelta(seconds=2),
                    "intent": ("aduan", "pertanyaan", "apresiasi")[i % 3],
                    "needs_review": False,
                    "is_sample": False,
                }
            )
        conn.execute(sa.insert(t.messages), messages)
        conn.execute(
            sa.insert(t.outbox),
            [
                {
                    "platform": "instagram",
                    "account_id": m["account_id"],
                    "in_reply_to_message_id": m["id"],
                    "kind": "reply",
                    "text": "",
                    "status": "sent",
                    "attempts": 1,
                    "dedupe_key": f"inc{m['id']}",
                    "created_at": m["posted_at"],
                    "sent_at": m["posted_at"] + timedelta(minutes=20),
                }
                for m in messages[::2]
                if m["posted_at"] + timedelta(minutes=20) <= now
            ],
        )
        cases = conn.execute(
            sa.select(t.cases.c.id).order_by(t.cases.c.id.desc()).limit(12)
        ).scalars()
        conn.execute(
            sa.insert(t.case_events),
            [
                {"case_id": c, "action": "note", "to_status": "x", "at": now, "actor": "admin1"}
                for c in cases
            ],
        )
    t0 = time.perf_counter()
    refresh_response_facts(ctx)
    refresh_case_rollups(ctx)
    refresh_activity_rollups(ctx)
    return time.perf_counter() - t0


def run(url: str) -> None:
    settings = Settings(
        database_url=url, secret_key="bench", log_format="console", log_level="WARNING"
    )
    ctx = create_context(
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
    with engine.connect() as conn:
        built = conn.execute(sa.text("SELECT count(*) FROM response_rollups")).scalar_one()
    if not built:
        t0 = time.perf_counter()
        measurement.rebuild_measurement(ctx)
        print(f"  roll-ups built from scratch (nightly job): {time.perf_counter() - t0:.1f} s")
    print(f"  incremental refresh after an hour of new traffic: {incremental(ctx):.2f} s")
    compute(engine, month_of(date(2026, 11, 1)))  # warm the caches once
    for label, period in (("year", YEAR), ("month", month_of(date(2026, 11, 1)))):
        best = min(compute(engine, period)[0] for _ in range(3))
        _, figures = compute(engine, period)
        print(
            f"  {label:5} all KPIs + leaderboards (this and previous period): {best:.2f} s  {figures}"
        )
    # one unit's scorecard page: both leaderboards, its KPIs and its accounts, both periods
    with engine.connect() as conn:
        kelurahan = conn.execute(
            sa.text("SELECT owner_code FROM accounts WHERE owner_kind = 'kelurahan' LIMIT 1")
        ).scalar_one()
    for label, period in (("year", YEAR), ("month", month_of(date(2026, 11, 1)))):
        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            card = report_service.unit_scorecard(ctx, "kelurahan", kelurahan, period)
            timings.append(time.perf_counter() - t0)
        print(
            f"  {label:5} one kelurahan's scorecard (/peringkat/kelurahan/...): "
            f"{min(timings):.2f} s  ({len(card.lines)} KPIs, {len(card.accounts)} accounts)"
        )
    t0 = time.perf_counter()
    city = report_service.unit_scorecard(ctx, "city", "32.71", YEAR)
    print(
        f"  year  the city's scorecard ({len(city.accounts)} accounts): "
        f"{time.perf_counter() - t0:.2f} s"
    )
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="*", help="PostgreSQL URLs (postgresql+psycopg://...)")
    parser.add_argument(
        "--sqlite", help="keep the SQLite database in this file (reused if it exists)"
    )
    args = parser.parse_args()
    if args.sqlite:
        print(f"SQLite ({args.sqlite})")
        run(f"sqlite:///{Path(args.sqlite).resolve()}")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite ({tmp}/bench.db)")
            run(f"sqlite:///{tmp}/bench.db")
    for url in args.urls:
        print(f"PostgreSQL ({sa.engine.make_url(url).render_as_string(hide_password=True)})")
        run(url)


if __name__ == "__main__":
    main()
