"""Dashboard list pages on a big city: fill a database with 100,000 cases and 1,000,000 messages
(bulk insert: executemany on SQLite, COPY on PostgreSQL), then print how long each list page
takes to render (median and slowest of several runs, in-process, as a signed-in user).

    .venv/bin/python bench/dashboard.py                       # SQLite in a temporary folder
    .venv/bin/python bench/dashboard.py --database-url postgresql+psycopg://u:p@127.0.0.1:5432/db
    .venv/bin/python bench/dashboard.py --cases 10000 --messages 100000   # a quicker look

The target is < 200 ms per page (issue 6). Nothing here touches the network."""

# ruff: noqa: SIM905  (a benchmark prints its figures)
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.people import accounts, auth
from paseban.services.reference import store as reference
from paseban.settings import Settings
from paseban.storage import migrate
from paseban.storage import tables as t
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TARGET_MS = 200.0
CHUNK = 20_000
STATUSES = [
    ("closed", 40),
    ("resolved", 20),
    ("rejected", 8),
    ("outside_authority", 4),
    ("in_progress", 10),
    ("forwarded", 8),
    ("verified", 4),
    ("received", 6),
]
INTENTS = [
    ("aduan", 30),
    ("pertanyaan", 20),
    ("informasi", 25),
    ("apresiasi", 10),
    ("aspirasi", 8),
    ("spam", 5),
    ("kasar", 2),
]
CLOCKS = {
    "received": "verify",
    "verified": "verify",
    "forwarded": "follow_up",
    "in_progress": "follow_up",
    "resolved": "confirm",
}
WORDS = (
    "min jalan rusak berlubang sampah numpuk lampu mati got mampet banjir pohon tumbang parkir "
    "liar macet air pdam keruh tolong cepat dong udah lama gak diurus warga rt rw dekat pasar "
    "sekolah masjid gang kelurahan kecamatan"
).split()


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def bulk(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    json_cols = {c.name for c in table.c if isinstance(c.type, sa.JSON)}
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:  # type: ignore[attr-defined]
        names = ", ".join(columns)
        with cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c]) if c in json_cols and row[c] is not None else row[c]
                        for c in columns
                    ]
                )


def fill_cases(ctx: Context, n_cases: int, rng: random.Random) -> None:
    """`n_cases` cases over two years (more of them recent), ids 1..n, by COPY on PostgreSQL."""
    with ctx.engine.connect() as conn:
        kel = conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(t.wilayah.c.level == 4)
        ).all()
        topics = conn.execute(sa.select(t.topics.c.code, t.topics.c.default_opd)).all()
    started = time.perf_counter()
    two_years = 730 * 24 * 3600
    counters: dict[str, int] = {}
    with ctx.engine.begin() as conn:
        rows = []
        for i in range(1, n_cases + 1):
            opened = NOW - timedelta(seconds=int(two_years * (rng.random() ** 2)))
            period = f"BGR-{opened:%y%m}"
            counters[period] = counters.get(period, 0) + 1
            code, parent = rng.choice(kel)
            topic, opd = rng.choice(topics)
            status = weighted(rng, STATUSES)
            stage = CLOCKS.get(status)
            # the running deadline: a few (working) days after the stage began; the older open
            # cases of a city with a backlog are long past it
            due = opened + timedelta(days=3 + rng.random() * 7) if stage else None
            rows.append(
                {
                    "id": i,
                    "ticket": f"{period}-{counters[period]:05d}",
                    "status": status,
                    "topic": topic,
                    "urgency": rng.choices(["normal", "tinggi", "darurat"], [85, 12, 3])[0],
                    "kelurahan": code if rng.random() > 0.05 else None,
                    "kecamatan": parent,
                    "city": "32.71",
                    "opd": opd if rng.random() > 0.03 else None,
                    "route_rule": f"default:{topic}",
                    "title": sentence(rng),
                    "report_count": 1 + int(rng.random() ** 4 * 20),
                    "opened_at": opened,
                    "updated_at": opened,
                    "version": 1,
                    "is_sample": False,
                    "stage": stage,
                    "due_at": due,
                    "escalation_level": 2 if due and due < NOW - timedelta(days=2) else 0,
                }
            )
            if len(rows) == CHUNK:
                bulk(conn, t.cases, rows)
                rows = []
        bulk(conn, t.cases, rows)
    print(f"  {n_cases:,} cases in {time.perf_counter() - started:.1f} s", flush=True)


def fill(ctx: Context, n_cases: int, n_messages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with ctx.engine.connect() as conn:
        kel = conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(t.wilayah.c.level == 4)
        ).all()
        topics = conn.execute(sa.select(t.topics.c.code, t.topics.c.default_opd)).all()
        account_ids = list(conn.execute(sa.select(t.accounts.c.id)).scalars())
    fill_cases(ctx, n_cases, rng)
    started = time.perf_counter()
    two_years = 730 * 24 * 3600
    with ctx.engine.begin() as conn:
        rows = []
        for i in range(1, n_messages + 1):
            posted = NOW - timedelta(seconds=int(two_years * (rng.random() ** 2)))
            intent = weighted(rng, INTENTS)
            code, parent = rng.choice(kel)
            text = sentence(rng, 18)
            recent = NOW - posted < timedelta(days=3)
            state = (
                "new"
                if recent and rng.random() < 0.6
                else rng.choice(["answered", "answered", "not_complaint", "hidden"])
            )
            rows.append(
                {
                    "platform": "instagram",
                    "external_id": f"bench-{i}",
                    "account_id": rng.choice(account_ids),
                    "kind": "comment",
                    "author": f"warga{i % 50_000}",
                    "text": text,
                    "masked_text": text,
                    "posted_at": posted,
                    "received_at": posted + timedelta(seconds=30),
                    "analyzed_at": posted + timedelta(seconds=31),
                    "analysis_version": "bench",
                    "intent": intent,
                    "topic": rng.choice(topics)[0] if intent == "aduan" else None,
                    "urgency": rng.choices(["normal", "tinggi", "darurat"], [90, 8, 2])[0],
                    "kelurahan": code,
                    "kecamatan": parent,
                    "place_source": "text",
                    "confidence": {"intent": 0.8, "topic": 0.7, "urgency": 0.9, "place": 0.6},
                    "reasons": {"intent": "kata kunci", "topic": "kata kunci"},
                    "needs_review": rng.random() < 0.02,
                    "case_id": rng.randint(1, n_cases) if intent == "aduan" else None,
                    "is_sample": False,
                    "inbox_state": state,
                    "handled_at": None if state == "new" else posted + timedelta(hours=2),
                    "handled_by": None if state == "new" else "lurah.batutulis",
                }
            )
            if len(rows) == CHUNK:
                bulk(conn, t.messages, rows)
                rows = []
                if i % 200_000 == 0:
                    print(f"  ... {i:,} messages", flush=True)
        bulk(conn, t.messages, rows)
    print(f"  {n_messages:,} messages in {time.perf_counter() - started:.1f} s", flush=True)
    with ctx.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
        conn.execute(sa.text("ANALYZE"))


def prepare(ctx: Context) -> None:
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv")
        accounts.import_users(ctx, path / "users.csv")


def timed(client: TestClient, path: str, runs: int) -> tuple[float, float, int]:
    response = client.get(path)  # warm: templates compiled, caches filled
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), max(times), len(response.content)


def pages(ctx: Context) -> Iterator[tuple[str, str]]:
    with ctx.engine.connect() as conn:
        ticket = conn.execute(
            sa.select(t.cases.c.ticket).order_by(t.cases.c.report_count.desc()).limit(1)
        ).scalar_one()
        lurah_ticket = conn.execute(
            sa.select(t.cases.c.ticket)
            .where(t.cases.c.kelurahan == "32.71.01.1001")
            .order_by(t.cases.c.opened_at.desc())
            .limit(1)
        ).scalar_one()
    yield "operator", "/"  # the command centre (its 30-day measurement is reused for minutes)
    yield "operator", "/kotak-masuk"
    yield "operator", "/kotak-masuk?state=all"
    yield "operator", "/kotak-masuk?q=jalan+rusak"
    yield "operator", "/kotak-masuk?state=all&q=sampah+numpuk&order=oldest"
    yield "operator", f"/kotak-masuk?state=all&q={ticket}"
    yield "operator", "/kotak-masuk/baru?state=new&setelah=1"
    yield "operator", "/kotak-masuk?state=all&intent=aduan&topic=jalan"
    yield "operator", "/kotak-masuk?order=oldest"
    yield "operator", "/tinjauan"
    yield "operator", "/kasus"
    yield "operator", "/kasus?status=in_progress&topic=sampah"
    yield "operator", "/kasus?kecamatan=32.71.04&urgency=darurat"
    yield "operator", "/kasus?view=board"
    yield "operator", "/kasus?page=200"
    yield "operator", "/kasus?order=deadline"
    yield "operator", "/kasus?overdue=1&order=deadline"
    yield "operator", "/kasus?view=board&overdue=1"
    yield "operator", f"/kasus/{ticket}"
    yield "operator", "/peta"
    yield "operator", "/peta?period=semua&topic=jalan"
    yield "operator", "/opd"
    yield "operator", "/opd?opd=DPUPR"
    yield "operator", "/opd?opd=DPUPR&stage=konfirmasi"
    yield "operator", "/pengaturan/riwayat"
    yield "operator", "/pengaturan/aturan"
    yield "operator", "/pengaturan/tenggat"
    yield "operator", "/pengaturan/templat"
    yield "operator", "/api/v1/cases"
    yield "lurah.batutulis", "/"  # the kelurahan's own home
    yield "lurah.batutulis", "/kotak-masuk?state=all"
    yield "lurah.batutulis", "/kotak-masuk?q=lampu"
    yield "lurah.batutulis", "/kasus"
    yield "lurah.batutulis", "/kasus?view=board"
    yield "lurah.batutulis", "/kasus?order=deadline"
    yield "lurah.batutulis", f"/kasus/{lurah_ticket}"
    yield "lurah.batutulis", "/peta?period=semua"
    yield "petugas.dlh", "/opd"
    yield "petugas.dlh", "/opd?overdue=1"
    yield "petugas.dlh", "/kasus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="the database is already filled")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="paseban-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    ctx = create_context(
        Settings(database_url=url, secret_key="bench", log_level="WARNING"),
        clock=FixedClock(NOW),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    engine = ctx.engine.dialect.name
    print(f"database: {engine} ({url.split('@')[-1]})")
    if not args.reuse:
        prepare(ctx)
        print(f"filling: {args.cases:,} cases, {args.messages:,} messages", flush=True)
        fill(ctx, args.cases, args.messages)
    with ctx.engine.connect() as conn:
        n_cases = conn.execute(sa.select(sa.func.count()).select_from(t.cases)).scalar_one()
        n_msgs = conn.execute(sa.select(sa.func.count()).select_from(t.messages)).scalar_one()
    print(f"rows: {n_cases:,} cases, {n_msgs:,} messages; {args.runs} runs per page\n")
    app = create_app(ctx, start_jobs=False)
    clients: dict[str, TestClient] = {}
    worst = 0.0
    print(f"{'page':<56} {'user':<16} {'median':>8} {'max':>8} {'KiB':>6}")
    with TestClient(app, base_url="http://localhost") as base:
        for user, path in pages(ctx):
            if user not in clients:
                client = TestClient(app, base_url="http://localhost")
                client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, user).token)
                clients[user] = client
            median, slowest, size = timed(clients[user], path, args.runs)
            worst = max(worst, median)
            flag = "" if median < TARGET_MS else "  > target"
            print(
                f"{path:<56} {user:<16} {median:7.1f}ms {slowest:6.1f}ms {size / 1024:6.1f}{flag}"
            )
        del base
    print(f"\nslowest median: {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
