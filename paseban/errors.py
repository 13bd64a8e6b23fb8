"""Errors that carry one clear line for the user (CLI) or a JSON body (API)."""

from __future__ import annotations

from dataclasses import dataclass, field


class PasebanError(Exception):
    """Base for errors a user can act on."""


class NotFound(PasebanError):
    pass


class Conflict(PasebanError):
    pass


class Forbidden(PasebanError):
    pass


class InvalidInput(PasebanError):
    pass


class CityRequired(InvalidInput):
    """The province, with every city chosen, asked for a page or a change that belongs to one
    city: `choices` are the deployment's cities, (code, name), for the page to offer."""

    def __init__(self, detail: str, choices: list[tuple[str, str]]) -> None:
        super().__init__(detail)
        self.choices = choices


@dataclass
class LineError:
    source: str
    line: int
    problem: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.problem}"


@dataclass
class BadFile(PasebanError):
    """A file with bad lines; nothing from it was stored (unless skip_bad was asked)."""

    errors: list[LineError] = field(default_factory=list)

    def __str__(self) -> str:
        first = self.errors[0]
        more = (
            f" (dan {len(self.errors) - 1} baris bermasalah lain)" if len(self.errors) > 1 else ""
        )
        return f"{first}{more}"


@dataclass
class ImportReport:
    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[LineError] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} baru", f"{self.updated} diperbarui", f"{self.unchanged} sudah ada"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} baris dilewati")
        return f"{self.source}: " + ", ".join(parts)
