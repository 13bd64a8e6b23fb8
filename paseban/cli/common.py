"""What every command shares: one-line errors, the settings, an open and migrated Context, and
the report of an import."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

import click

from paseban import logs
from paseban.boot import create_context
from paseban.context import Context
from paseban.errors import LineError, PasebanError
from paseban.progress import Progress, quiet
from paseban.reference import UnknownWilayah
from paseban.settings import Settings, SettingsError
from paseban.storage import db, migrate

F = TypeVar("F", bound=Callable[..., Any])


class Fail(click.ClickException):
    """One line on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"galat: {self.format_message()}", err=True)


def friendly(func: F) -> F:
    """Turn known errors into one clear line and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PasebanError, db.DatabaseUnavailable, SettingsError, UnknownWilayah) as exc:
            raise Fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def settings_from_env() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise Fail(str(exc)) from None


@contextmanager
def open_context(*, migrated: bool = True, jobs: str = "eager") -> Iterator[Context]:
    settings = settings_from_env()
    logs.configure(settings.log_level, settings.log_format)
    ctx = create_context(settings, jobs_backend=jobs)
    try:
        db.check(ctx.engine)
        if migrated and not migrate.is_current(ctx.engine):
            raise Fail(
                "basis data belum disiapkan atau versinya lama; jalankan `paseban init` dulu"
            )
        yield ctx
    except db.DatabaseUnavailable as exc:
        raise Fail(str(exc)) from None
    finally:
        ctx.close()


class Report(Protocol):
    """What an import reports: the lines it skipped and a one-line summary."""

    @property
    def skipped(self) -> Sequence[LineError]: ...

    def summary(self) -> str: ...


def show_skipped(skipped: Sequence[LineError]) -> None:
    """Each skipped line on stderr, naming its file and line."""
    for problem in skipped:
        click.echo(f"dilewati: {problem}", err=True)


def run_import(importer: Callable[..., Report], file: str, **options: Any) -> None:
    """Every `... import` command: the import in a context, with a progress bar on a terminal,
    then its report."""
    with open_context() as ctx, progress_bar() as progress:
        report = importer(ctx, file, progress=progress, **options)
    show_import(report)


def show_import(report: Report) -> None:
    """The import report every `... import` command prints: skipped lines, then the summary."""
    show_skipped(report.skipped)
    click.echo(report.summary())


def is_terminal() -> bool:
    """Whether a person watches: progress bars go to stderr only when it is a terminal, so a cron
    job's log or a pipe gets the results and nothing else."""
    return sys.stderr.isatty()


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A `Progress` that draws a bar with counts and time left on a terminal, one bar for each
    thing being done ("menyimpan", "menganalisis pesan"), and does nothing when stderr is not a
    terminal."""
    if not is_terminal():
        yield quiet
        return
    bars: list[Any] = []  # the open bar and what it counts
    labels: list[str] = []

    def close() -> None:
        while bars:
            bars.pop().__exit__(None, None, None)
            labels.pop()

    def report(what: str, done: int, total: int) -> None:
        if not labels or labels[0] != what:
            close()
            bar = click.progressbar(
                length=max(total, 1), label=what, file=sys.stderr, show_pos=True, show_eta=True
            )
            bar.__enter__()
            bars.append(bar)
            labels.append(what)
        bars[0].update(max(done - bars[0].pos, 0))

    try:
        yield report
    finally:
        close()
