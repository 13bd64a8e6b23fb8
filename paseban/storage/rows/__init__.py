"""The shapes of the rows that leave storage: what services return to web/ and cli/, and what
hooks receive. They are TypedDicts because rows are passed through as they are read (a page or
a plugin reads `case["ticket"]`, a template `case.ticket`), and mypy then checks every key a
reader names. Inside storage and the services' SQL a row is still a mapping; `row()` is the one
place it becomes typed.

One module per context, as `storage/tables/` and `services/` are: `cases`, `inbox`, `ingest`,
`content`, `measurement`, `people`, `reference`. A new row goes into the module of the context
whose service returns it, and is imported from there (`from paseban.storage.rows.cases import
CaseRow`); this package itself holds only `row()`. Each shape lists the columns of its table
(`tables/`) and the names a read joins to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

R = TypeVar("R")


def row(shape: type[R], mapping: Mapping[Any, Any]) -> R:
    """A row read from the database as the TypedDict `shape` (a plain dict: templates, JSON and
    `dict(...)` treat it as before)."""
    return cast(R, dict(mapping))
