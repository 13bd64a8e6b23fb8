"""Real processes for the celery backend's tests: a throwaway Redis (scripts/redis, on a Unix
socket of the test's own, so tests running side by side never share or stop each other's
broker) and `paseban worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Redis:
    folder: Path
    url: str = ""

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "PASEBAN_REDIS_SOCKET": str(self.folder / "redis.sock"),
            "PASEBAN_REDIS_DIR": str(self.folder),
        }

    def start(self) -> Redis:
        out = subprocess.run(
            [str(ROOT / "scripts" / "redis"), "start"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.url = out.strip().split("=", 1)[1]
        return self

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "redis"), "stop"], env=self.env, check=False)

    def queued(self, queue: str) -> int:
        """Messages waiting in a queue (Celery's Redis transport keeps each as a list)."""
        client = redis.Redis(unix_socket_path=str(self.folder / "redis.sock"))
        try:
            return int(client.llen(queue))
        finally:
            client.close()


def redis_or_skip() -> None:
    if subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but redis-server is missing (scripts/test installs it)")
        pytest.skip("redis-server is not installed (scripts/redis install)")


def new_redis() -> Redis:
    # a short path: a Unix socket's name is limited to about 100 bytes
    return Redis(Path(tempfile.mkdtemp(prefix="pr-", dir="/tmp"))).start()


@dataclass
class Worker:
    """One `paseban worker` (or a module with the same arguments) in its own process group."""

    env: dict[str, str]
    log: Path
    args: list[str] = field(default_factory=list)
    module: str = "paseban"
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, "worker", "--concurrency=1", *self.args],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: "pekerja siap" in self.log.read_text(errors="replace"), 90, self.tail)
        return self

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes: a machine that vanished."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(
    predicate: Callable[[], bool], timeout: float, explain: Callable[[], str] = lambda: ""
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f} s\n{explain()}")
