"""Shared fixtures. Storage and HTTP tests run on SQLite and, when PASEBAN_TEST_DATABASE_URL is
set (always in CI), on a real PostgreSQL server too."""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.context import Context
from paseban.sample import measurement as sample_measurement
from paseban.services.people import accounts
from paseban.services.reference import store as reference
from paseban.settings import Settings
from paseban.storage import migrate
from tests import pgpool
from tests.dbcopy import copy_rows

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB
PG_URL = os.environ.get("PASEBAN_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI") == "true"
_counter = itertools.count()


def _worker(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


# files the code writes (reports, photos) go to a folder of this test process, never the checkout
FILES = Path(tempfile.mkdtemp(prefix="paseban-tests-"))
atexit.register(shutil.rmtree, FILES, ignore_errors=True)
REPORTS_DIR, MEDIA_DIR = str(FILES / "laporan"), str(FILES / "media")


def make_ctx(url: str, *, clock: FixedClock | None = None, jobs: str = "eager") -> Context:
    return create_context(
        Settings(
            database_url=url,
            secret_key="test-secret",
            log_format="console",
            reports_dir=REPORTS_DIR,
            media_dir=MEDIA_DIR,
        ),
        clock=clock or FixedClock(T0),
        load_entrypoints=False,
        jobs_backend=jobs,
    )


# --- SQLite --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with Kota Bogor's reference data, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "paseban.db"
    ctx = make_ctx(f"sqlite:///{path}")
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    ctx.close()
    return path


def _sqlite_url(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "paseban.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


SAMPLE_PROGRESS: list[tuple[str, int, int]] = []  # what loading the sample told, this process


def load_sample(ctx: Context) -> dict[str, int]:
    """The sample accounts, their admins and three months of measurement data."""
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        accounts.import_users(ctx, path / "users.csv", sample=True)
    return sample_measurement.load(ctx, lambda *told: SAMPLE_PROGRESS.append(told))


@pytest.fixture(scope="session")
def sqlite_sample_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template with the sample loaded once (about half a minute), for tests marked
    `sample_data`: they read the sample, they do not test its loading."""
    path = tmp_path_factory.mktemp("sample") / "paseban.db"
    shutil.copy(sqlite_template, path)
    ctx = make_ctx(f"sqlite:///{path}")
    load_sample(ctx)
    ctx.close()
    return path


# --- PostgreSQL ----------------------------------------------------------------------------------


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def require_pg() -> None:
    """Skip a PostgreSQL test where no server is configured; in CI, fail it."""
    if not PG_URL:
        if IN_CI:
            pytest.fail(
                "CI=true but PASEBAN_TEST_DATABASE_URL is not set: PostgreSQL tests cannot run"
            )
        pytest.skip(
            "PostgreSQL not configured (set PASEBAN_TEST_DATABASE_URL or PASEBAN_TEST_POSTGRES=1)"
        )


def _with_db(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _create_db(name: str, template: str | None) -> None:
    """(Re)create database `name`, from `template` when given, else empty."""
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if template:
            conn.execute(
                sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
            )
        else:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_template(request: pytest.FixtureRequest) -> str:
    require_pg()
    name = f"paseban_tmpl_{_worker(request)}"
    _create_db(name, None)
    url = _with_db(PG_URL, name)
    ctx = make_ctx(url)
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    ctx.close()
    return name


@pytest.fixture(scope="session")
def pg_sample_template(
    request: pytest.FixtureRequest, pg_template: str, sqlite_sample_template: Path
) -> str:
    """PostgreSQL's template with the sample: SQLite's sample template copied row by row
    (tests/dbcopy.py; the same loader at the same clock gives the same rows, in seconds instead
    of three minutes). The loader runs on PostgreSQL in the CLI's test of `init --sample`."""
    name = f"paseban_sample_{_worker(request)}"
    _create_db(name, pg_template)
    source = sa.create_engine(f"sqlite:///{sqlite_sample_template}")
    target = sa.create_engine(_with_db(PG_URL, name))
    copy_rows(source, target)
    source.dispose()
    target.dispose()
    return name


def _pg_fresh(request: pytest.FixtureRequest, template: str | None) -> Iterator[str]:
    name = f"paseban_{_worker(request)}_{next(_counter)}"
    _create_db(name, template)
    try:
        yield _with_db(PG_URL, name)
    finally:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_pooled: dict[str, pgpool.Snapshot] = {}


def _pg_pooled(request: pytest.FixtureRequest, template: str) -> str:
    """This test process's database of `template`, its rows put back as the template has them
    (tests/pgpool.py); made again from the template when a test changed its schema."""
    name = f"paseban_{_worker(request)}_pool_{template}"
    url = _with_db(PG_URL, name)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        if template in _pooled:
            with engine.begin() as conn:
                pgpool.end_other_sessions(conn)
                snapshot = _pooled[template]
                if pgpool.fingerprint(conn) == snapshot.fingerprint:
                    snapshot.reset(conn)
                    return url
        _create_db(name, template)
        with engine.begin() as conn:
            _pooled[template] = pgpool.take(conn)
        return url
    finally:
        engine.dispose()


# --- the fixtures tests use ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with migrations applied and Kota Bogor's reference data loaded; for a test
    marked `sample_data`, with the sample (accounts, admins, three months of data) too."""
    sample = request.node.get_closest_marker("sample_data") is not None
    if request.param == "sqlite":
        template = "sqlite_sample_template" if sample else "sqlite_template"
        yield _sqlite_url(request.getfixturevalue(template), tmp_path)
    else:
        if sample:
            yield from _pg_fresh(request, request.getfixturevalue("pg_sample_template"))
        else:
            yield _pg_pooled(request, request.getfixturevalue("pg_template"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: no tables yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        require_pg()
        yield from _pg_fresh(request, None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def ctx(db_url: str, clock: FixedClock) -> Iterator[Context]:
    context = make_ctx(db_url, clock=clock)
    yield context
    context.close()


@pytest.fixture
def sqlite_ctx(sqlite_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Context]:
    context = make_ctx(_sqlite_url(sqlite_template, tmp_path), clock=clock)
    yield context
    context.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the sample run in one test process (`--dist loadgroup`, scripts/test), so
    the sample is loaded once per backend in a run, not once per process."""
    for item in items:
        if item.get_closest_marker("sample_data") is not None:
            item.add_marker(pytest.mark.xdist_group("sample"))
