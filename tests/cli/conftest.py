"""The CLI against a real database: `run` invokes `paseban` on an empty database; `sampled` on
a copy of one where `paseban init --sample` ran twice (once per test process and backend: loading
three months of sample data takes half a minute on SQLite and three minutes on PostgreSQL,
where it loads two weeks), with what the two runs printed."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from paseban.cli import cli
from paseban.sample import measurement as sample_measurement
from tests.conftest import PG_URL, _create_db, _pg_fresh, _with_db, _worker, require_pg

Invoke = Callable[..., Result]
PG_SAMPLE_DAYS = 14


def invoker(url: str) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        env = {"PASEBAN_DATABASE_URL": url, "PASEBAN_LOG_LEVEL": "WARNING"}
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def run(empty_db_url: str) -> Invoke:
    return invoker(empty_db_url)


@dataclass(frozen=True)
class Sampled:
    run: Invoke
    first: str  # what `paseban init --sample` printed on the empty database
    second: str  # and when run again


@dataclass(frozen=True)
class _Template:
    where: Any  # a SQLite file, or a PostgreSQL database name
    first: str
    second: str


def _init_twice(url: str) -> tuple[str, str]:
    invoke = invoker(url)
    first = invoke("init", "--sample")
    assert first.exit_code == 0, first.output
    second = invoke("init", "--sample")
    assert second.exit_code == 0, second.output
    return first.output, second.output


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def _cli_sample(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> _Template:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("cli-sample") / "paseban.db"
        return _Template(path, *_init_twice(f"sqlite:///{path}"))
    require_pg()
    name = f"paseban_cli_sample_{_worker(request)}"
    _create_db(name, None)
    # the loader on PostgreSQL over its last PG_SAMPLE_DAYS days: the same code and every kind
    # of case step, in a fraction of the three minutes the whole three months take there (the
    # suite's slowest setup); SQLite above loads all of them, and the PostgreSQL tests that
    # read the sample get all of them too (conftest.pg_sample_template)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sample_measurement, "DAYS", PG_SAMPLE_DAYS)
        return _Template(name, *_init_twice(_with_db(PG_URL, name)))


@pytest.fixture
def sampled(
    _cli_sample: _Template, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Sampled]:
    if isinstance(_cli_sample.where, Path):
        target = tmp_path / "paseban.db"
        shutil.copy(_cli_sample.where, target)
        yield Sampled(invoker(f"sqlite:///{target}"), _cli_sample.first, _cli_sample.second)
    else:
        for url in _pg_fresh(request, _cli_sample.where):
            yield Sampled(invoker(url), _cli_sample.first, _cli_sample.second)
