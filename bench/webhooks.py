"""Load test of the Meta webhook on a running Paseban server at 127.0.0.1.

    .venv/bin/python bench/webhooks.py                      # starts its own server (SQLite)
    .venv/bin/python bench/webhooks.py --rate 800 --seconds 30
    PASEBAN_META_APP_SECRET=... .venv/bin/python bench/webhooks.py --url http://127.0.0.1:8000

Without --url it makes a fresh SQLite database in a temporary folder (`paseban init --sample`),
starts `paseban serve` on a free port with the in-process job queue (analysis runs in the same
process, as in production on one machine), and stops it afterwards. The load is open-loop: requests
leave on a fixed schedule (`--rate` per second) over keep-alive connections, and each latency is
measured from the moment its request was due, so a slow server cannot hide its queueing
(no coordinated omission). The deliveries are the simulator's signed Instagram and Facebook
comments, all different, plus a few of Meta's retries. Target: 500 requests/s with p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paseban.connectors.simulate import Generator, check_local  # noqa: E402


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, from when the request was due
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (due, latency)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    stored: int = 0  # messages the answers said were stored (bench/scale.py checks them all)
    started: float = 0.0
    finished: float = 0.0


def deliveries(secret: str, count: int) -> list[bytes]:
    """Raw HTTP requests, ready to write: signed Meta deliveries (Instagram and Facebook)."""
    generator = Generator(secret, seed=2611)
    requests: list[bytes] = []
    stream = generator.stream()
    while len(requests) < count:
        delivery = next(stream)
        if delivery.endpoint != "meta":
            continue
        head = (
            "POST /webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\n"
            f"X-Hub-Signature-256: {delivery.headers['X-Hub-Signature-256']}\r\n"
            f"Content-Length: {len(delivery.body)}\r\n\r\n"
        )
        requests.append(head.encode() + delivery.body)
    return requests


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def load(
    host: str, port: int, requests: list[bytes], rate: float, connections: int
) -> Result:
    result = Result()
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while (item := await queue.get()) is not None:
                due, request = item
                try:
                    writer.write(request)
                    await writer.drain()
                    status, body = await _read_response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                result.latencies.append(loop.time() - due)
                result.timeline.append((due, loop.time() - due))
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.stored += int(json.loads(body).get("stored", 0))
        finally:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    await asyncio.sleep(0.2)  # connections open
    result.started = loop.time()
    for n, request in enumerate(requests):
        due = result.started + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, request))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    result.finished = loop.time()
    return result


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux), to tell the server's cost per request
    apart from how busy the machine is."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, secret: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    db = folder / "bench.db"
    port = free_port()
    env = os.environ | {
        "PASEBAN_DATABASE_URL": f"sqlite:///{db}",
        "PASEBAN_META_APP_SECRET": secret,
        "PASEBAN_LOG_LEVEL": os.environ.get("PASEBAN_LOG_LEVEL", "INFO"),  # as in production
        "PASEBAN_PORT": str(port),
    }
    paseban = [sys.executable, "-m", "paseban"]
    subprocess.run([*paseban, "init", "--sample"], env=env, check=True, capture_output=True)
    with open(folder / "server.log", "wb") as log:
        server = subprocess.Popen(
            [*paseban, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        raise SystemExit("server tidak mulai; lihat " + str(folder / "server.log"))
    return server, url, db


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not counted")
    parser.add_argument("--timeline", action="store_true", help="p99 of every second")
    args = parser.parse_args()

    secret = os.environ.get("PASEBAN_META_APP_SECRET") or "bench-secret-" + os.urandom(8).hex()
    server = None
    db: Path | None = None
    tmp = tempfile.TemporaryDirectory(prefix="paseban-bench-")
    try:
        if args.url:
            url = check_local(args.url)
            if "PASEBAN_META_APP_SECRET" not in os.environ:
                raise SystemExit("--url needs the server's PASEBAN_META_APP_SECRET")
        else:
            server, url, db = start_server(Path(tmp.name), secret)
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        warm = int(args.warmup * args.rate)
        total = int(args.seconds * args.rate)
        requests = deliveries(secret, warm + total)
        if warm:
            asyncio.run(load(host, port, requests[:warm], args.rate, args.connections))
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(server.pid) if server else None
        result = asyncio.run(load(host, port, requests[warm:], args.rate, args.connections))
        cpu_after = cpu_seconds(server.pid) if server else None
        done = len(result.latencies)
        elapsed = result.finished - result.started
        ms = [v * 1000 for v in result.latencies]
        say(f"Meta webhook, {url}, SQLite" if db else f"Meta webhook, {url}")
        say(
            f"  offered      {args.rate:.0f} requests/s for {args.seconds:.0f} s "
            f"over {args.connections} connections"
        )
        say(
            f"  achieved     {done / elapsed:.0f} requests/s "
            f"({done} answered, {result.errors} errors)"
        )
        say(f"  status       {dict(sorted(result.statuses.items()))}")
        if ms:
            say(
                f"  latency ms   p50 {statistics.median(ms):.1f}  p90 {percentile(ms, 90):.1f}  "
                f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}"
            )
            p99 = percentile(ms, 99)
            ok = done / elapsed >= 0.98 * args.rate >= 490 and p99 < 100 and not result.errors
            say(f"  target       500 requests/s, p99 < 100 ms: {'met' if ok else 'NOT met'}")
        if cpu_before is not None and cpu_after is not None and done:
            per_request = (cpu_after - cpu_before) / done * 1000
            say(
                f"  server CPU   {per_request:.2f} ms per request (all threads: HTTP, storing, "
                f"analysis); {args.rate * per_request / 1000:.2f} cores at the offered rate"
            )
        cores = os.cpu_count() or 1
        say(
            f"  machine      load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after, {cores} cores (other processes share them)"
        )
        if args.timeline:
            seconds: dict[int, list[float]] = {}
            for due, latency in result.timeline:
                seconds.setdefault(int(due - result.started), []).append(latency * 1000)
            for second, values in sorted(seconds.items()):
                p50, p99 = statistics.median(values), percentile(values, 99)
                say(f"  second {second:>3}  p50 {p50:7.1f}  p99 {p99:7.1f}")
        if db is not None:
            time.sleep(1.0)
            with sqlite3.connect(db) as conn:
                stored, analysed = conn.execute(
                    "SELECT count(*), count(analyzed_at) FROM messages "
                    "WHERE external_id NOT LIKE 'sample-%'"
                ).fetchone()
            say(f"  stored       {stored} messages; analysed so far {analysed}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        tmp.cleanup()


if __name__ == "__main__":
    main()
