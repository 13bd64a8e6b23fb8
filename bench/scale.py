"""Scaling of the celery backend: web server, Redis, PostgreSQL and N `paseban worker` processes.

    .venv/bin/python bench/scale.py --workers 1 2 --messages 3000 --rate 300

For each worker count it makes a fresh PostgreSQL database (Kota Bogor, the sample accounts) on
the throwaway server of `scripts/postgres` (PASEBAN_PG_PORT), empties the throwaway Redis of
`scripts/redis` (PASEBAN_REDIS_PORT), starts N workers (`--concurrency 1` each) and
`paseban serve` with PASEBAN_JOBS_BACKEND=celery, sends M signed Meta webhook deliveries to
127.0.0.1 at a fixed rate (open loop, as bench/webhooks.py: latency counted from when each
request was due), and waits until every stored message is analysed and every complaint routed
to its OPD. It prints the figures, then, last, one JSON object per run:

    {"workers": N, "messages": M, "seconds": S, "per_second": R, "lost": 0, "duplicated": 0,
     "p99_webhook_ms": P, "p99_to_case_s": C, "lock_wait_share": W, "conflict_retries": K,
     "load_average": L}

S runs from the first delivery sent to the last message analysed; R is messages analysed per
second over S; C is the 99th percentile of the time from storing a complaint (its delivery's 200)
to its routed case. `lost` counts messages the server said it stored that were never stored or
never analysed; `duplicated`, messages stored twice or analysed twice. W is the share of the
database's working sessions, sampled every 0.2 s while analysis ran, that were waiting for a
lock (how much the workers get in each other's way, whatever the machine's load); K the
placements redone after a deadlock or serialization failure; L the machine's load average at
the end (the cores are shared: throughput depends on it, CPU per message much less). With
several worker counts the throughput ratio to the first is printed before the JSON lines.

`--poll-accounts 10000` is the second mode: polling that many simulated accounts (30 % X with
their own token, 30 % X on the app's bearer, 40 % YouTube channels of one project) on
PostgreSQL against bench/polling.py's fake platform for `--poll-hours` simulated hours; it
prints one JSON object with the delay per account in minutes (median, p99, max; by group too),
the requests and refusals (goal: none), and the CPU per request of the poller and PostgreSQL.

`--ingest-first RATE` sets PASEBAN_INGEST_FIRST for the web process (docs/jobs.md#ingest-first):
above RATE deliveries a second it hands the workers only a trickle until the burst is over, as a
machine whose web process and workers share the cores should.

`--web-processes N` answers with `paseban serve --workers N` (one Python process uses at most
one core; the web's CPU is counted over all of them).

`--timeline` prints, for every second of the load, the webhooks' p50 and p99 (by when each
delivery was due), the messages analysed by then, and the CPU the web, the workers and PostgreSQL
used in that second: where the slow answers fall, and what took the cores then.

`--backlog` measures analysis alone (analysis-bound load): the workers start only once every
delivery is stored and its job queued, and S runs from the first analysis job to the last message
analysed (C then includes the wait for the workers, and is not the promise to a city).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhooks import cpu_seconds, deliveries, free_port, load, percentile, say  # noqa: E402
from paseban.boot import create_context  # noqa: E402
from paseban.services.people import accounts  # noqa: E402
from paseban.services.reference import store as reference  # noqa: E402
from paseban.settings import Settings  # noqa: E402
from paseban.storage import migrate  # noqa: E402
from paseban.storage import tables as t  # noqa: E402

SAMPLE_ACCOUNTS = ROOT / "paseban" / "data" / "sample" / "accounts.csv"
TEMPLATE, DATABASE = "paseban_scale_tmpl", "paseban_scale"
POLL_DATABASE = "paseban_scale_poll"


def start_services() -> tuple[str, str]:
    """The throwaway PostgreSQL and Redis of the project's scripts: (admin URL, broker URL)."""
    urls: dict[str, str] = {}
    for script in ("postgres", "redis"):
        out = subprocess.run(
            [str(ROOT / "scripts" / script), "start"], check=True, capture_output=True, text=True
        ).stdout
        name, _, value = out.strip().removeprefix("export ").partition("=")
        urls[name] = value
    return urls["PASEBAN_TEST_DATABASE_URL"], urls["PASEBAN_TEST_BROKER_URL"]


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def make_template(admin_url: str, folder: Path) -> None:
    """Migrated, Kota Bogor's reference data, the sample accounts the deliveries come to."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{TEMPLATE}"'))
    admin.dispose()
    settings = Settings(
        database_url=with_database(admin_url, TEMPLATE),
        reports_dir=str(folder / "laporan"),
        media_dir=str(folder / "media"),
    )
    ctx = create_context(settings, load_entrypoints=False, jobs_backend="eager")
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    accounts.import_csv(ctx, SAMPLE_ACCOUNTS, sample=True)
    ctx.close()


def fresh_database(admin_url: str) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{TEMPLATE}"'))
    admin.dispose()
    return with_database(admin_url, DATABASE)


def process_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (a worker's pool processes)."""
    total = cpu_seconds(pid) or 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(process_cpu(int(child)) for child in children)


def service_pids() -> dict[str, int]:
    """The throwaway PostgreSQL's postmaster and Redis server (their CPU counts too)."""
    pg_port = os.environ.get("PASEBAN_PG_PORT", "54329")
    redis_port = os.environ.get("PASEBAN_REDIS_PORT", "6391")
    files = {
        "postgres": Path(os.environ.get("PASEBAN_PG_DATA", f"/tmp/paseban-pg-{pg_port}"))
        / "postmaster.pid",
        "redis": Path(os.environ.get("PASEBAN_REDIS_DIR", f"/tmp/paseban-redis-{redis_port}"))
        / "redis.pid",
    }
    pids: dict[str, int] = {}
    for name, path in files.items():
        try:
            pids[name] = int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return pids


def database_cpu(url: str) -> float:
    """CPU seconds of the server processes serving this database: the bench's own share of a
    PostgreSQL server that tests and other benchmarks may be using at the same time (the web's
    and the workers' pooled connections live through the run)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            pids = conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            return sum(cpu_seconds(pid) or 0.0 for pid in pids)
    finally:
        engine.dispose()


@dataclass
class Cluster:
    env: dict[str, str]
    folder: Path
    web: subprocess.Popen[bytes] | None = None
    workers: tuple[subprocess.Popen[bytes], ...] = ()

    def start_workers(self, count: int) -> None:
        paseban = [sys.executable, "-m", "paseban"]
        logs: list[Path] = []
        started = []
        for n in range(count):
            log = self.folder / f"worker-{n}.log"
            logs.append(log)
            with open(log, "wb") as out:
                started.append(
                    subprocess.Popen(
                        [*paseban, "worker", "--concurrency=1", f"--name=w{n}@scale"],
                        env=self.env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        self.workers = tuple(started)
        deadline = time.monotonic() + 120
        while not all("pekerja siap" in log.read_text(errors="replace") for log in logs):
            if time.monotonic() > deadline:
                raise SystemExit(f"workers did not start; see {self.folder}")
            time.sleep(0.2)

    def start_web(self, port: int, processes: int = 1) -> None:
        command = [sys.executable, "-m", "paseban", "serve", "--port", str(port)]
        if processes > 1:
            command += ["--workers", str(processes)]
        with open(self.folder / "web.log", "wb") as out:
            self.web = subprocess.Popen(
                command,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not start; see {self.folder / 'web.log'}")
            time.sleep(0.2)

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: the web server, the workers, PostgreSQL and Redis."""
        web = process_cpu(self.web.pid) if self.web else None  # with its worker processes
        figures = {"web": web or 0.0, "workers": sum(process_cpu(w.pid) for w in self.workers)}
        for name, pid in service_pids().items():
            if name != "postgres":
                figures[name] = process_cpu(pid)
        figures["postgres"] = database_cpu(self.env["PASEBAN_DATABASE_URL"])
        return figures

    def stop(self) -> None:
        for process in (*self.workers, self.web):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (*self.workers, self.web):
            if process is None:
                continue
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def counts(engine: sa.Engine) -> dict[str, Any]:
    m = t.messages
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.count(m.c.analyzed_at),
                sa.func.count(sa.distinct(sa.tuple_(m.c.platform, m.c.external_id))),
                sa.func.max(m.c.analyzed_at),
            ).where(m.c.is_sample.is_(True), m.c.external_id.not_like("sample-%"))
        ).one()
    return {"stored": row[0], "analysed": row[1], "distinct": row[2], "last": row[3]}


def analysed_twice(engine: sa.Engine) -> int:
    """Analyses reported by the job runs beyond the messages analysed: a message done twice."""
    with engine.connect() as conn:
        reported = sum(
            int((c or {}).get("analyzed", 0))
            for c in conn.execute(
                sa.select(t.job_runs.c.counts).where(t.job_runs.c.name == "analyze_messages")
            ).scalars()
        )
        analysed = conn.execute(
            sa.select(sa.func.count()).where(t.messages.c.analyzed_at.is_not(None))
        ).scalar_one()
    return max(0, reported - int(analysed))


def sample_lock_waits(engine: sa.Engine, waits: list[int]) -> None:
    """One look at the database's working sessions: how many wait for a lock another holds
    (row, advisory, transaction). Whether two workers get in each other's way does not depend
    on how busy the machine is, unlike their throughput: with the old global write turn about
    half of two workers' write time was spent waiting here."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock') "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
        ).one()
    waits[0] += int(row[0])
    waits[1] += int(row[1])


def conflict_retries(engine: sa.Engine) -> int:
    """Placements redone after a deadlock or serialization failure (the jobs' counts)."""
    with engine.connect() as conn:
        return sum(
            int((c or {}).get("conflict_retries", 0))
            for c in conn.execute(sa.select(t.job_runs.c.counts)).scalars()
        )


def first_analysis(engine: sa.Engine) -> float | None:
    with engine.connect() as conn:
        first = conn.execute(
            sa.select(sa.func.min(t.job_runs.c.started_at)).where(
                t.job_runs.c.name == "analyze_messages"
            )
        ).scalar_one()
    return first.timestamp() if first else None


def to_case_seconds(engine: sa.Engine) -> list[float]:
    """From storing each complaint (its delivery's 200) to its routed case."""
    m = t.messages
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(m.c.received_at, m.c.analyzed_at)
            .join(t.cases, t.cases.c.id == m.c.case_id)
            .where(t.cases.c.opd.is_not(None), m.c.external_id.not_like("sample-%"))
        ).all()
    return [(analysed - received).total_seconds() for received, analysed in rows]


class Sampler(threading.Thread):
    """Once a second while the load runs: the cluster's CPU so far and the messages analysed."""

    def __init__(self, cluster: Cluster, engine: sa.Engine) -> None:
        super().__init__(name="scale-sampler", daemon=True)
        self.cluster, self.engine = cluster, engine
        self.samples: list[tuple[float, dict[str, float], int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.time(), self.cluster.cpu(), counts(self.engine)["analysed"]))
            self.done.wait(1.0)


def print_timeline(result: Any, started_wall: float, sampler: Sampler) -> None:
    """Per second of the load: webhook p50/p99 of the deliveries due then, analysed so far, and
    the CPU each part used since the sample before (cores)."""
    seconds: dict[int, list[float]] = {}
    for due, latency in result.timeline:
        seconds.setdefault(int(due - result.started), []).append(latency * 1000)
    samples = sampler.samples
    for second, values in sorted(seconds.items()):
        line = (
            f"  second {second:>3}  p50 {statistics.median(values):7.1f}  "
            f"p99 {percentile(values, 99):7.1f} ms"
        )
        at = started_wall + second + 1
        after = next((n for n, s in enumerate(samples) if s[0] >= at), None)
        if after:
            (t0, cpu0, _), (t1, cpu1, analysed) = samples[after - 1], samples[after]
            cores = ", ".join(
                f"{name} {(cpu1[name] - cpu0.get(name, 0.0)) / (t1 - t0):.2f}"
                for name in ("web", "workers", "postgres")
            )
            line += f"  analysed {analysed:>5}  cores: {cores}"
        say(line)


def one_run(
    args: argparse.Namespace, count: int, admin_url: str, broker_url: str
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"paseban-scale-{count}-"))
    url = fresh_database(admin_url)
    client = redis.Redis.from_url(broker_url)
    client.flushdb()
    client.close()
    secret = "scale-secret-" + os.urandom(8).hex()
    port = args.port or free_port()
    env = os.environ | {
        "PASEBAN_DATABASE_URL": url,
        "PASEBAN_JOBS_BACKEND": "celery",
        "PASEBAN_BROKER_URL": broker_url,
        "PASEBAN_META_APP_SECRET": secret,
        "PASEBAN_LOG_LEVEL": "WARNING",
        "PASEBAN_REPORTS_DIR": str(folder / "laporan"),
        "PASEBAN_MEDIA_DIR": str(folder / "media"),
    }
    if args.ingest_first is not None:
        env["PASEBAN_INGEST_FIRST"] = f"{args.ingest_first:g}"
    cluster = Cluster(env, folder)
    engine = sa.create_engine(url)
    try:
        if not args.backlog:
            cluster.start_workers(count)
        cluster.start_web(port, args.web_processes)
        requests = deliveries(secret, args.messages)
        cpu_start = cluster.cpu()
        sampler = Sampler(cluster, engine)
        if args.timeline:
            sampler.start()
        cpu_before, wall_start = time.process_time(), time.time()
        result = asyncio.run(load("127.0.0.1", port, requests, args.rate, args.connections))
        sampler.done.set()
        load_cpu = time.process_time() - cpu_before
        load_seconds = result.finished - result.started
        if args.backlog:  # everything is stored and queued: now the workers
            time.sleep(1.0)  # the web process hands over its last batch
            cluster.start_workers(count)
            cpu_start["workers"] = cluster.cpu()["workers"]  # not their start (the model)
        deadline = time.monotonic() + args.timeout
        now = counts(engine)
        waits = [0, 0]  # database sessions seen working, and of those waiting for a lock
        while now["analysed"] < result.stored and time.monotonic() < deadline:
            time.sleep(0.2)
            now = counts(engine)
            sample_lock_waits(engine, waits)
        time.sleep(1.0)  # anything analysed twice would show now
        now = counts(engine)
        cpu_end = cluster.cpu()
        twice = analysed_twice(engine)
        retries = conflict_retries(engine)
        first_job = first_analysis(engine)
        latencies = to_case_seconds(engine)
    finally:
        cluster.stop()
        engine.dispose()
    begin = first_job if args.backlog and first_job else wall_start
    seconds = (now["last"].timestamp() - begin) if now["last"] else float("nan")
    ms = [v * 1000 for v in result.latencies]
    figures = {
        "workers": count,
        "messages": args.messages,
        "seconds": round(seconds, 2),
        "per_second": round(now["analysed"] / seconds, 1),
        "lost": max(0, result.stored - now["analysed"]) + result.errors,
        "duplicated": (now["stored"] - now["distinct"]) + twice,
        "p99_webhook_ms": round(percentile(ms, 99), 1) if ms else None,
        "p99_to_case_s": round(percentile(latencies, 99), 2) if latencies else None,
        "lock_wait_share": round(waits[1] / waits[0], 3) if waits[0] else 0.0,
        "conflict_retries": retries,
        "load_average": round(os.getloadavg()[0], 1),
    }
    mode = "workers started after the load (analysis only)" if args.backlog else "workers running"
    if args.ingest_first:
        mode += f", analysis held back above {args.ingest_first:g} deliveries/s"
    if args.web_processes > 1:
        mode += f", {args.web_processes} web processes"
    say(
        f"== {count} worker(s), {args.messages} deliveries at {args.rate:g}/s, {mode}; "
        f"logs in {folder}"
    )
    say(
        f"  webhooks     {len(ms)} answered in {load_seconds:.1f} s, {result.errors} errors, "
        f"status {dict(sorted(result.statuses.items()))}; latency ms p50 "
        f"{statistics.median(ms):.1f} p99 {figures['p99_webhook_ms']} max {max(ms):.1f}"
    )
    say(
        f"  messages     {result.stored} stored by the answers, {now['stored']} in the database, "
        f"{now['analysed']} analysed; {len(latencies)} complaints routed, to case p50 "
        f"{statistics.median(latencies) if latencies else 0:.2f} s p99 {figures['p99_to_case_s']} s"
    )
    say(
        f"  contention   {figures['lock_wait_share']:.1%} of the working database sessions "
        f"sampled were waiting for a lock; {retries} placements retried after a conflict"
    )
    used = {name: cpu_end[name] - cpu_start.get(name, 0.0) for name in cpu_end}
    say(
        f"  CPU          load generator {load_cpu / load_seconds:.2f} cores while sending; "
        + ", ".join(f"{name} {value:.1f} s" for name, value in used.items())
        + f" in {seconds:.1f} s; machine load average {os.getloadavg()[0]:.1f}, "
        f"{os.cpu_count()} cores shared with other processes"
    )
    if args.timeline:
        print_timeline(result, wall_start + 0.2, sampler)  # load() opens its connections first
    if now["analysed"]:
        say(
            "  per message  "
            + ", ".join(
                f"{name} {value / now['analysed'] * 1000:.2f} ms" for name, value in used.items()
            )
            + " of CPU"
        )
    return figures


def poll_run(args: argparse.Namespace, admin_url: str) -> dict[str, Any]:
    """`--poll-accounts N`: the real `poll_due` (services/ingest/polling.py) once a simulated
    minute over N accounts on PostgreSQL, against bench/polling.py's fake X and YouTube (their
    documented rate limits; nothing leaves the machine). An account's delay is the longest it
    went unpolled in the run (from the start to its first poll, then between two polls): how
    old a citizen's comment on it can be before Paseban sees it."""
    from datetime import timedelta

    from bench.polling import START, FakePlatform, setup
    from paseban.clock import FixedClock
    from paseban.services.ingest import polling

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{POLL_DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{POLL_DATABASE}"'))
    admin.dispose()
    folder = Path(tempfile.mkdtemp(prefix="paseban-scale-poll-"))
    settings = Settings(
        database_url=with_database(admin_url, POLL_DATABASE),
        secret_key="bench-secret",
        x_bearer_token="app-bearer",
        youtube_api_key="project-key",
        log_level="WARNING",
        reports_dir=str(folder / "laporan"),
        media_dir=str(folder / "media"),
    )
    clock = FixedClock(START)
    ctx = create_context(settings, clock=clock, load_entrypoints=False, jobs_backend="eager")
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    groups = setup(ctx, args.poll_accounts, folder)
    platform = FakePlatform(clock)
    client = httpx.Client(transport=httpx.MockTransport(platform))
    ctx.jobs.enqueue = lambda *a, **k: None  # type: ignore[method-assign]  # nothing to analyse
    steps = int(args.poll_hours * 60)
    cpu_before, wall_before = time.process_time(), time.monotonic()

    def pg_cpu() -> float:
        """CPU of this database's server processes (the server is shared with other work)."""
        with ctx.engine.connect() as conn:
            pids = conn.execute(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars()
            return sum(cpu_seconds(pid) or 0.0 for pid in pids)

    pg_before = pg_cpu()
    for step in range(steps):
        polling.poll_due(ctx, client=client)
        clock.advance(timedelta(minutes=1))
        if step % 30 == 29:
            say(f"  {step + 1:4d} simulated min: {dict(platform.requests)}")
    cpu = time.process_time() - cpu_before
    pg = pg_cpu() - pg_before
    wall = time.monotonic() - wall_before
    end = clock.now()
    ctx.close()

    def delay(times: list[Any]) -> float:
        if not times:
            return (end - START).total_seconds()  # never polled: the whole run
        marks = [START, *times]
        return float(max((b - a).total_seconds() for a, b in itertools.pairwise(marks)))

    def spread(values: list[float]) -> dict[str, float]:
        minutes = [v / 60 for v in values]
        return {
            "p50": round(statistics.median(minutes), 1),
            "p99": round(percentile(minutes, 99), 1),
            "max": round(max(minutes), 1),
        }

    every = {ref: delay(platform.polls.get(ref, [])) for refs in groups.values() for ref in refs}
    requests = sum(platform.requests.values())
    figures = {
        "mode": "poll",
        "accounts": args.poll_accounts,
        "simulated_hours": args.poll_hours,
        "never_polled": sum(1 for refs in groups.values() for r in refs if r not in platform.polls),
        "requests": dict(platform.requests),
        "refused": dict(platform.refused),
        "delay_min": spread(list(every.values())),
        "delay_min_by_group": {
            group: spread([every[r] for r in refs]) for group, refs in groups.items()
        },
        "wall_s": round(wall, 1),
        "cpu_ms_per_request": round((cpu + pg) / max(1, requests) * 1000, 2),
    }
    say(
        f"== polling {args.poll_accounts} accounts for {args.poll_hours:g} simulated hours: "
        f"{requests} requests, refused {dict(platform.refused)}; CPU poller {cpu:.1f} s + "
        f"PostgreSQL {pg:.1f} s in {wall:.0f} s wall; load average {os.getloadavg()[0]:.1f}"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--messages", type=int, default=3000, help="webhook deliveries per run")
    parser.add_argument("--rate", type=float, default=300.0, help="deliveries per second")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=0, help="the web server's (default: free)")
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="analysis-bound: start the workers once every delivery is stored and queued; "
        "seconds then run from the first analysis job to the last message analysed",
    )
    parser.add_argument(
        "--ingest-first",
        type=float,
        default=None,
        metavar="RATE",
        help="PASEBAN_INGEST_FIRST for the web process: above RATE deliveries/s it hands the "
        "workers only a trickle until the burst is over (workers on the web's cores)",
    )
    parser.add_argument(
        "--web-processes",
        type=int,
        default=1,
        metavar="N",
        help="paseban serve --workers N: web processes answering the webhooks (default 1)",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="per second of the load: webhook p50/p99, messages analysed, CPU of each part",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for analysis")
    parser.add_argument(
        "--poll-accounts",
        type=int,
        default=0,
        help="instead: poll this many simulated X and YouTube accounts (bench/polling.py's fake "
        "platform) and print the delay per account",
    )
    parser.add_argument("--poll-hours", type=float, default=2.0, help="simulated hours to poll")
    args = parser.parse_args()

    admin_url, broker_url = start_services()
    if args.poll_accounts:
        say(json.dumps(poll_run(args, admin_url)))
        return
    with tempfile.TemporaryDirectory(prefix="paseban-scale-") as folder:
        make_template(admin_url, Path(folder))
    runs = [one_run(args, count, admin_url, broker_url) for count in args.workers]
    if len(runs) > 1:
        base = runs[0]["per_second"]
        for run in runs[1:]:
            say(
                f"  throughput   {run['workers']} workers / {runs[0]['workers']}: "
                f"{run['per_second'] / base:.2f}x"
            )
    for run in runs:
        say(json.dumps(run))


if __name__ == "__main__":
    main()
