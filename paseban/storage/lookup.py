"""Small reads that many services ask before they write: does a row with this key exist?"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def exists(
    conn: sa.Connection, column: sa.Column[Any], value: Any, *also: sa.ColumnElement[bool]
) -> bool:
    """Whether a row of `column`'s table has `value` in it (a topic code, a program id, ...),
    and meets the further conditions `also` (of a city, ...)."""
    return conn.execute(sa.select(column).where(column == value, *also)).first() is not None
