"""Copy every row of one Paseban database into another of the same schema version (tests only).

The tests' PostgreSQL sample template is SQLite's sample template copied row by row: the same
loader at the same clock gives the same rows, and copying takes seconds where loading three
months of cases through the real triage took three minutes on PostgreSQL. The loader itself still
runs on PostgreSQL in the CLI's test (tests/cli/conftest.py, `paseban init --sample`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from paseban.storage import tables as t

BATCH = 2_000


def copy_rows(source: sa.Engine, target: sa.Engine) -> int:
    """Add the rows of `source` that `target` lacks and update those that differ (the target
    may already hold the reference data), table by table in foreign-key order; on PostgreSQL,
    move each id sequence past the copied ids. Returns the number of rows written."""
    written = 0
    with source.connect() as src, target.begin() as dst:
        for table in t.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
            if not rows:
                continue
            present = {tuple(r) for r in dst.execute(sa.select(*key))} if key else set()
            fresh: list[dict[str, Any]] = []
            changed: list[dict[str, Any]] = []
            for r in rows:
                (changed if tuple(r[c.name] for c in key) in present else fresh).append(r)
            for start in range(0, len(fresh), BATCH):
                dst.execute(sa.insert(table), fresh[start : start + BATCH])
            written += len(fresh) + _update(dst, table, key, changed)
        if target.dialect.name == "postgresql":
            _advance_sequences(dst)
    return written


def _update(dst: sa.Connection, table: sa.Table, key: list[sa.Column[Any]], rows: list[Any]) -> int:
    """Rows the target holds already: rewritten only where a value differs."""
    if not rows:
        return 0
    where = sa.and_(*(c == sa.bindparam(f"k_{c.name}") for c in key))
    current = {
        tuple(r[c.name] for c in key): dict(r)
        for r in (dict(x._mapping) for x in dst.execute(sa.select(table)))
    }
    count = 0
    for r in rows:
        if current.get(tuple(r[c.name] for c in key)) == r:
            continue
        values = {k: v for k, v in r.items() if k not in {c.name for c in key}}
        params = {**{f"k_{c.name}": r[c.name] for c in key}, **values}
        dst.execute(
            sa.update(table).where(where).values({k: sa.bindparam(k) for k in values}), params
        )
        count += 1
    return count


def _advance_sequences(dst: sa.Connection) -> None:
    for table in t.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        sequence = dst.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": key[0].name},
        ).scalar()
        if sequence:
            dst.execute(
                sa.text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({key[0].name}) "
                    f"FROM {table.name}), 0) + 1, false)"
                ),
                {"sequence": sequence},
            )
