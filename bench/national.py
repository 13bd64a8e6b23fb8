"""PostgreSQL at national size (issue 17, item 4): fill a PostgreSQL database with millions of
messages (one raw delivery each, one case per ten messages, two years of them, partitioned by
month) with COPY, then render the hot list pages and the KPI pages once as their users, catch
every SQL statement they run, and print `EXPLAIN (ANALYZE, BUFFERS)` figures for each: its
execution time, the buffers it hit and read, and whether it keeps under 200 ms.

    PASEBAN_PG_PORT=54354 .venv/bin/python bench/national.py --messages 10000000
    .venv/bin/python bench/national.py --reuse            # the database is already filled
    .venv/bin/python bench/national.py --messages 200000 --show-plans   # a quicker look

It starts the project's throwaway PostgreSQL (`scripts/postgres`) unless --database-url is
given, and makes the database `paseban_national` there (dropped and made again unless --reuse).
The fill sets `paseban.moving_rows` while it copies, so the key triggers stay out of the way,
and fills `message_keys`/`raw_event_keys` with one INSERT ... SELECT each afterwards. Nothing
here touches the network. Exit status 1 when a statement takes 200 ms or more."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from dashboard import INTENTS, NOW, fill_cases, pages, prepare, sentence, weighted  # bench/
from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.people import auth
from paseban.settings import Settings
from paseban.storage import partitions
from paseban.storage import tables as t
from paseban.storage.partitions import Month
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200.0
DAYS = 730
CHUNK = 50_000
MESSAGE_COLUMNS = [
    "id",
    "platform",
    "external_id",
    "account_id",
    "raw_event_id",
    "kind",
    "author",
    "text",
    "masked_text",
    "posted_at",
    "received_at",
    "analyzed_at",
    "analysis_version",
    "intent",
    "topic",
    "urgency",
    "kelurahan",
    "kecamatan",
    "place_source",
    "confidence",
    "reasons",
    "needs_review",
    "case_id",
    "is_sample",
    "inbox_state",
    "handled_at",
    "handled_by",
    "standby",
]
RAW_COLUMNS = ["id", "channel", "received_at", "body", "status", "body_hash"]
CONFIDENCE = json.dumps({"intent": 0.8, "topic": 0.7, "urgency": 0.9, "place": 0.6})
REASONS = json.dumps({"intent": "kata kunci", "topic": "kata kunci"})
URGENCIES, URGENCY_WEIGHTS = ["normal", "tinggi", "darurat"], [90, 8, 2]


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    out = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), "start"], check=True, capture_output=True, text=True
    ).stdout
    base = out.strip().split("=", 1)[1]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not args.reuse:
            conn.execute(sa.text("DROP DATABASE IF EXISTS paseban_national WITH (FORCE)"))
        if not conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = 'paseban_national'")
        ).scalar():
            conn.execute(sa.text("CREATE DATABASE paseban_national"))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/paseban_national"


def _copy(conn: sa.Connection, table: str, columns: list[str], lines: list[str]) -> None:
    raw = conn.connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cur, cur.copy(statement) as copy:  # type: ignore[union-attr]
        copy.write("".join(lines))


def _stamp(at: datetime) -> str:
    """A UTC time in COPY's text format (the bench's words carry no tab, newline or quote)."""
    return f"{at:%Y-%m-%d %H:%M:%S}+00"


def fill(ctx: Context, n_messages: int, seed: int = 17) -> None:
    """Two years of messages (more of them recent), each with its raw delivery, and a case for
    every tenth; the months' partitions made first so that nothing lands in the default."""
    rng = random.Random(seed)
    with ctx.engine.begin() as conn:
        made = partitions.make_months(
            conn, Month.of(NOW - timedelta(days=DAYS + 31)), Month.of(NOW).plus(3)
        )
    print(f"  {len(made)} monthly partitions made", flush=True)
    n_cases = max(1, n_messages // 10)
    fill_cases(ctx, n_cases, rng)
    with ctx.engine.connect() as conn:
        kel = conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(t.wilayah.c.level == 4)
        ).all()
        topics = list(conn.execute(sa.select(t.topics.c.code)).scalars())
        account_ids = list(conn.execute(sa.select(t.accounts.c.id)).scalars())
    texts = [sentence(rng, 18) for _ in range(20_000)]
    indexes = _drop_indexes(ctx)
    started = time.perf_counter()
    span = DAYS * 24 * 3600
    messages: list[str] = []
    raws: list[str] = []
    with ctx.engine.begin() as conn:
        conn.execute(sa.text("SELECT set_config('paseban.moving_rows', 'on', true)"))
        for i in range(1, n_messages + 1):
            posted = NOW - timedelta(seconds=int(span * (rng.random() ** 2)))
            received = posted + timedelta(seconds=30)
            intent = weighted(rng, INTENTS)
            code, parent = rng.choice(kel)
            text = rng.choice(texts)
            recent = NOW - posted < timedelta(days=3)
            state = (
                "new"
                if recent and rng.random() < 0.6
                else rng.choice(["answered", "answered", "not_complaint", "hidden"])
            )
            at, seen = _stamp(received), _stamp(received + timedelta(seconds=1))
            raws.append(
                f'{i}\twebhook:meta\t{at}\t{{"object":"instagram","entry":[{{"id":"{i}",'
                f'"text":"{text}"}}]}}\tprocessed\t{i:064x}\n'
            )
            topic = rng.choice(topics) if intent == "aduan" else "\\N"
            case = rng.randint(1, n_cases) if intent == "aduan" else "\\N"
            urgency = rng.choices(URGENCIES, URGENCY_WEIGHTS)[0]
            review = "t" if rng.random() < 0.02 else "f"
            handled = (
                "\\N\t\\N"
                if state == "new"
                else f"{_stamp(posted + timedelta(hours=2))}\tlurah.batutulis"
            )
            messages.append(
                f"{i}\tinstagram\tnational-{i}\t{rng.choice(account_ids)}\t{i}\tcomment\t"
                f"warga{i % 500_000}\t{text}\t{text}\t{_stamp(posted)}\t{at}\t{seen}\tbench\t"
                f"{intent}\t{topic}\t{urgency}\t{code}\t{parent}\ttext\t{CONFIDENCE}\t"
                f"{REASONS}\t{review}\t{case}\tf\t{state}\t{handled}\tf\n"
            )
            if len(messages) == CHUNK or i == n_messages:
                _copy(conn, "raw_events", RAW_COLUMNS, raws)
                _copy(conn, "messages", MESSAGE_COLUMNS, messages)
                raws, messages = [], []
                if i % 1_000_000 == 0:
                    rate = i / (time.perf_counter() - started)
                    print(f"  ... {i:,} messages ({rate:,.0f}/s)", flush=True)
    print(f"  {n_messages:,} messages in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with ctx.engine.begin() as conn:
        for statement in indexes:
            conn.execute(sa.text(statement))
    print(f"  {len(indexes)} indexes made in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO message_keys (platform, external_id, message_id) "
                "SELECT platform, external_id, id FROM messages"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO raw_event_keys (channel, body_hash, raw_event_id, received_at) "
                "SELECT channel, body_hash, id, received_at FROM raw_events"
            )
        )
        for sequence, table in (
            ("messages_id_seq", "messages"),
            ("raw_events_id_seq", "raw_events"),
        ):
            conn.execute(sa.text(f"SELECT setval('{sequence}', (SELECT max(id) FROM {table}))"))
        conn.execute(sa.text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    print(f"  keys, sequences, VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


def _drop_indexes(ctx: Context) -> list[str]:
    """Drop the secondary indexes of the two big tables for the copy (a bulk load builds them
    once afterwards, much faster than row by row); the statements that make them again."""
    with ctx.engine.begin() as conn:
        found = conn.execute(
            sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename IN ('messages', 'raw_events') AND indexname NOT LIKE 'pk_%'"
            )
        ).all()
        for name, _ in found:
            conn.execute(sa.text(f"DROP INDEX {name}"))
    return [str(d).replace(" ON ONLY ", " ON ") for _, d in found]


@dataclass
class Catch:
    """The statements the engine runs while `on`."""

    on: bool = False
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, params))


def explain(ctx: Context, statement: str, params: Any) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, params)
            plan: dict[str, Any] = cur.fetchone()[0][0]
        conn.rollback()
    return plan


def _label(statement: str) -> str:
    """A short name for a statement: its first tables."""
    words = statement.replace("\n", " ").split()
    tables = [words[i + 1] for i, w in enumerate(words[:-1]) if w.upper() in ("FROM", "JOIN")]
    seen = list(dict.fromkeys(w.strip("(),") for w in tables if w[0].isalpha()))
    return ",".join(seen[:3]) or words[0]


# beyond bench/dashboard.py's list pages: the message search API and the KPI pages
KPI_PAGES = [
    ("operator", "/api/v1/messages?q=jalan+rusak"),
    ("operator", "/api/v1/messages?intent=aduan"),
    ("operator", "/peringkat"),
    ("operator", "/perlu-didorong"),
    ("operator", "/api/v1/measurement/leaderboards"),
    ("operator", "/papan"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="the database is already filled")
    parser.add_argument("--show-plans", action="store_true", help="print the slowest plans")
    parser.add_argument("--page", action="append", help="only these paths (repeatable)")
    args = parser.parse_args()
    os.environ.setdefault("PASEBAN_PG_PORT", "54354")
    url = database_url(args)
    ctx = create_context(
        Settings(database_url=url, secret_key="bench", log_level="WARNING"),
        clock=FixedClock(NOW),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    if not args.reuse:
        started = time.perf_counter()
        prepare(ctx)
        print(f"filling {args.messages:,} messages", flush=True)
        fill(ctx, args.messages)
        print(f"filled in {time.perf_counter() - started:.0f} s")
    with ctx.engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("messages", "raw_events", "cases")
        }
        size = conn.execute(sa.text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        months = len(partitions.monthly_partitions(conn, "messages"))
        settings = conn.execute(
            sa.text("SELECT current_setting('shared_buffers'), current_setting('work_mem')")
        ).one()
    print(
        f"rows: {counts['messages']:,} messages in {months} monthly partitions, "
        f"{counts['raw_events']:,} raw events, {counts['cases']:,} cases; "
        f"database {size.scalar_one()}; shared_buffers {settings[0]}, work_mem {settings[1]}\n"
    )
    catch = Catch()
    sa.event.listen(ctx.engine, "before_cursor_execute", catch)
    app = create_app(ctx, start_jobs=False)
    clients: dict[str, TestClient] = {}
    worst, over = 0.0, 0
    print(f"{'page':<50} {'user':<16} {'page ms':>8} {'SQL':>4} {'slowest plan':>13}  statement")
    for user, path in [*pages(ctx), *KPI_PAGES]:
        if args.page and path not in args.page:
            continue
        if user not in clients:
            client = TestClient(app, base_url="http://localhost")
            client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, user).token)
            clients[user] = client
        clients[user].get(path)  # warm: templates compiled, caches filled
        catch.statements, catch.on = [], True
        began = time.perf_counter()
        response = clients[user].get(path)
        page_ms = (time.perf_counter() - began) * 1000
        catch.on = False
        assert response.status_code == 200, (path, response.status_code)
        plans = [(explain(ctx, s, p), s) for s, p in catch.statements]
        if not plans:
            continue
        slowest, statement = max(plans, key=lambda pair: float(pair[0]["Execution Time"]))
        ms = float(slowest["Execution Time"])
        root = slowest["Plan"]
        worst = max(worst, ms)
        flag = "" if ms < TARGET_MS else "  > 200 ms"
        over += ms >= TARGET_MS
        print(
            f"{path[:50]:<50} {user:<16} {page_ms:8.1f} {len(plans):4d} {ms:10.1f} ms  "
            f"{_label(statement)} (hit {root.get('Shared Hit Blocks', 0)}, "
            f"read {root.get('Shared Read Blocks', 0)}){flag}",
            flush=True,
        )
        if args.show_plans and ms >= TARGET_MS / 4:
            with ctx.engine.connect() as conn:
                raw = conn.connection.driver_connection
                with raw.cursor() as cur:  # type: ignore[union-attr]
                    params = dict(catch.statements[[s for _, s in plans].index(statement)][1])
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    print(io.StringIO("\n".join(r[0] for r in cur.fetchall())).getvalue())
    print(f"\nslowest plan: {worst:.1f} ms; {over} statement(s) at or over {TARGET_MS:.0f} ms")
    ctx.close()
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
