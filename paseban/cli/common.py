"""What every command shares: one-line errors, the settings, an open and migrated Context, and
the report of an import."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

import click

from paseban import logs
from paseban.boot import create_context
from paseban.context import Context
from paseban.errors import LineError, PasebanError
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


def show_import(report: Report) -> None:
    """The import report every `... import` command prints: skipped lines, then the summary."""
    show_skipped(report.skipped)
    click.echo(report.summary())
