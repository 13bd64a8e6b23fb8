"""Benchmark: citizen messages from ingest to a routed, clocked case, and the SLA sweep.

    .venv/bin/python bench/cases.py                      # SQLite (a temporary file)
    .venv/bin/python bench/cases.py --database-url postgresql+psycopg://u:p@127.0.0.1:5432/db
    PASEBAN_TEST_DATABASE_URL=... .venv/bin/python bench/cases.py   # SQLite, then PostgreSQL

Prints messages per second from `ingest_file` (store, analyse, triage, route, clock, reply) to
routed cases, on one core, and the time the SLA sweep takes over 100,000 open cases: finding
the due clocks, escalating them, and the idle check when none is due. For PostgreSQL a fresh
database is created next to the one in the URL and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.cases import sweep
from paseban.services.ingest import files
from paseban.services.people import accounts
from paseban.services.reference import store as reference
from paseban.settings import Settings
from paseban.storage import migrate
from paseban.storage import tables as t

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
CORPUS = Path(__file__).resolve().parent.parent / "paseban" / "nlp" / "corpus"


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def make_context(url: str, clock: FixedClock) -> Context:
    settings = Settings(
        database_url=url, secret_key="bench", log_format="console", log_level="WARNING"
    )
    return create_context(settings, clock=clock, load_entrypoints=False, jobs_backend="eager")


def prepare(ctx: Context) -> list[str]:
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv")
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(t.accounts.c.handle).where(
                    t.accounts.c.platform == "instagram", t.accounts.c.owner_kind == "kelurahan"
                )
            ).scalars()
        )


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def write_messages(path: Path, n: int, handles: list[str], texts: list[str], seed: int) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            minutes = i * 5 // max(1, n // 1000)  # spread over the days before T0
            at = T0 - timedelta(days=6) + timedelta(minutes=minutes)
            record = {
                "platform": "instagram",
                "external_id": f"bench-{seed}-{i}",
                "account": rnd.choice(handles),
                "author": f"warga{rnd.randrange(n)}",
                "text": rnd.choice(texts),
                "time": at.isoformat(),
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def bench_ingest(ctx: Context, n: int, handles: list[str], folder: Path) -> None:
    texts = corpus_texts()
    path = folder / "messages.jsonl"
    write_messages(path, n, handles, texts, seed=1)
    ctx.analyzer()  # built once per process; not part of the per-message cost
    started, cpu = time.perf_counter(), time.process_time()
    report = files.ingest_file(ctx, path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with ctx.engine.connect() as conn:
        cases = conn.execute(sa.select(sa.func.count()).select_from(t.cases)).scalar_one()
        routed = conn.execute(
            sa.select(sa.func.count()).select_from(t.cases).where(t.cases.c.opd.is_not(None))
        ).scalar_one()
        linked = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.messages)
            .where(t.messages.c.case_id.is_not(None))
        ).scalar_one()
        replies = conn.execute(sa.select(sa.func.count()).select_from(t.outbox)).scalar_one()
    out(
        f"  ingest -> routed case: {report.stored} messages in {seconds:.2f} s = "
        f"{report.stored / seconds:,.0f} messages/s wall clock, "
        f"{report.stored / cpu:,.0f} messages/s per CPU second of this process "
        f"({linked} messages in {cases} cases, {routed} routed, {replies} replies queued)"
    )


def bench_sweep(ctx: Context, clock: FixedClock, total: int, overdue: int) -> None:
    """Fill `total` open cases with running clocks, `overdue` of them past their deadline."""
    now = clock.at
    with ctx.engine.begin() as conn:
        prefix = "SWP"
        start_id = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(t.cases.c.id), 0))
        ).scalar_one()
        batch = 5000
        for offset in range(0, total, batch):
            rows = []
            stages = []
            for i in range(offset, min(offset + batch, total)):
                late = i < overdue
                due = now - timedelta(hours=1) if late else now + timedelta(days=3 + i % 7)
                case_id = start_id + i + 1
                rows.append(
                    {
                        "id": case_id,
                        "ticket": f"{prefix}-2611-{i:06d}",
                        "status": "forwarded",
                        "topic": "jalan",
                        "urgency": "normal",
                        "kecamatan": "32.71.01",
                        "city": "32.71",
                        "opd": "DPUPR",
                        "route_rule": "default:jalan",
                        "title": "bench",
                        "report_count": 1,
                        "opened_at": now - timedelta(days=4),
                        "updated_at": now - timedelta(days=4),
                        "version": 2,
                        "is_sample": False,
                        "last_report_at": now - timedelta(days=4),
                        "keywords": "",
                        "platforms": ["instagram"],
                        "stage": "follow_up",
                        "due_at": due,
                        "escalation_level": 0,
                        "returned_by": [],
                    }
                )
                stages.append(
                    {
                        "case_id": case_id,
                        "stage": "follow_up",
                        "started_at": now - timedelta(days=4),
                        "due_at": due,
                        "escalate_at": due + timedelta(days=1),
                        "sweep_at": due,
                        "escalation_level": 0,
                        "policy": {"stage": "follow_up", "amount": 5},
                    }
                )
            conn.execute(sa.insert(t.cases), rows)
            conn.execute(sa.insert(t.case_stages), stages)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
    with ctx.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        open_cases = conn.execute(
            sa.select(sa.func.count()).select_from(t.cases).where(t.cases.c.stage.is_not(None))
        ).scalar_one()
        started = time.perf_counter()
        due = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.case_stages)
            .where(t.case_stages.c.sweep_at < now)
        ).scalar_one()
        find_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    counts = sweep.sweep(ctx)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    idle = sweep.sweep(ctx)
    idle_ms = (time.perf_counter() - started) * 1000
    assert idle["escalated"] == 0 and counts["escalated"] >= due
    out(
        f"  SLA sweep over {open_cases:,} open cases: {due:,} due found in {find_ms:.1f} ms; "
        f"escalated in {seconds:.2f} s ({counts['escalated'] / seconds:,.0f}/s); "
        f"idle sweep (nothing due) {idle_ms:.1f} ms"
    )


def run(url: str, label: str, n: int, sweep_total: int, overdue: int, folder: Path) -> None:
    out(f"{label}:")
    clock = FixedClock(T0)
    ctx = make_context(url, clock)
    try:
        handles = prepare(ctx)
        bench_ingest(ctx, n, handles, folder)
        bench_sweep(ctx, clock, sweep_total, overdue)
    finally:
        ctx.close()


def postgres_database(url: str) -> tuple[str, sa.Engine, str]:
    name = f"paseban_bench_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return make_url(url).set(database=name).render_as_string(hide_password=False), admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--cases", type=int, default=100_000, help="open cases for the sweep")
    parser.add_argument("--overdue", type=int, default=2000, help="of which past the deadline")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (else only SQLite)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    pg = args.database_url or os.environ.get("PASEBAN_TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="paseban-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_sqlite:
            url = f"sqlite:///{folder / 'bench.db'}"
            run(url, "SQLite", args.messages, args.cases, args.overdue, folder)
        if pg:
            url, admin, name = postgres_database(pg)
            try:
                run(url, "PostgreSQL", args.messages, args.cases, args.overdue, folder)
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
