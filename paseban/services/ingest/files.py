"""Messages from files: platform exports (`paseban ingest FILE`), sample data and manual entry
are stored once per (platform, external id), in chunks, and then analysed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.files import read_export
from paseban.domain.messages import Message
from paseban.errors import BadFile, LineError
from paseban.progress import Progress, in_parts, quiet
from paseban.services.ingest.analysis import BATCH as ANALYSIS_BATCH
from paseban.services.ingest.deliveries import message_row
from paseban.services.people.accounts import find_account
from paseban.storage import tables as t
from paseban.storage.rows.people import AccountRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.ingest")


@dataclass
class IngestReport:
    source: str
    stored: int = 0
    duplicates: int = 0
    skipped: list[LineError] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.stored} pesan baru", f"{self.duplicates} sudah ada"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} baris dilewati")
        return f"{self.source}: " + ", ".join(parts)


def store_messages(
    conn: sa.Connection,
    items: Iterable[tuple[Message, AccountRow, str]],
    *,
    channel: str,
    at: Any,
    sample: bool = False,
) -> tuple[list[int], int]:
    """Store (message, account row, raw body) items; return new message ids and the number of
    duplicates. The unique key (platform, external_id) makes a second delivery a no-op.
    Works in chunks: one query finds what is already stored, one multi-row insert stores the raw
    bodies and one the messages (a concurrent delivery that wins the race is still caught by
    ON CONFLICT DO NOTHING, and its raw body is marked as a duplicate)."""
    new_ids: list[int] = []
    duplicates = 0
    batch = list(items)
    for start in range(0, len(batch), STORE_CHUNK):
        chunk = batch[start : start + STORE_CHUNK]
        stored = _already_stored(conn, chunk)
        fresh: list[tuple[Message, AccountRow, str]] = []
        seen: set[tuple[str, str]] = set()
        for item in chunk:
            key = (item[0].platform, item[0].external_id)
            if key in stored or key in seen:
                duplicates += 1
                continue
            seen.add(key)
            fresh.append(item)
        if not fresh:
            continue
        raw_ids = [
            row.id
            for row in conn.execute(
                _INSERT_RAW,
                [
                    {"channel": channel, "received_at": at, "body": raw, "status": "stored"}
                    for _, _, raw in fresh
                ],
            )
        ]
        rows = [
            message_row(message, account["id"], raw_id, at, sample=sample)
            for (message, account, _), raw_id in zip(fresh, raw_ids, strict=True)
        ]
        stmt = (
            insert(conn, t.messages)
            .on_conflict_do_nothing()  # the key: message_keys on PostgreSQL (migration 0021)
            .returning(t.messages.c.id, t.messages.c.raw_event_id, sort_by_parameter_order=True)
        )
        inserted = {r.raw_event_id: int(r.id) for r in conn.execute(stmt, rows)}
        lost = [raw_id for raw_id in raw_ids if raw_id not in inserted]
        if lost:  # a concurrent delivery won the race
            duplicates += len(lost)
            conn.execute(
                sa.update(t.raw_events)
                .where(t.raw_events.c.id.in_(lost))
                .values(status="duplicate")
            )
        new_ids += [inserted[raw_id] for raw_id in raw_ids if raw_id in inserted]
    return new_ids, duplicates


STORE_CHUNK = 500


_INSERT_RAW = sa.insert(t.raw_events).returning(t.raw_events.c.id, sort_by_parameter_order=True)


def _already_stored(
    conn: sa.Connection, chunk: list[tuple[Message, AccountRow, str]]
) -> set[tuple[str, str]]:
    by_platform: dict[str, list[str]] = {}
    for message, _, _ in chunk:
        by_platform.setdefault(message.platform, []).append(message.external_id)
    found: set[tuple[str, str]] = set()
    for platform, ids in by_platform.items():
        rows = conn.execute(
            sa.select(t.messages.c.platform, t.messages.c.external_id).where(
                t.messages.c.platform == platform, t.messages.c.external_id.in_(ids)
            )
        )
        found.update((r.platform, r.external_id) for r in rows)
    return found


def ingest_file(
    ctx: Context,
    path: Path | str,
    *,
    skip_bad: bool = False,
    sample: bool = False,
    platform: str | None = None,
    account: str | None = None,
    progress: Progress = quiet,
) -> IngestReport:
    """Import a JSONL or CSV file of messages (a platform export). A bad line stops the import
    with nothing stored, unless skip_bad: then the good lines are stored and the bad ones
    reported. `platform` and `account` fill in what a one-account export leaves out.

    The new messages are handed to analysis in parts of one analysis batch, so `progress` counts
    them as they are analysed (the command line runs jobs in place) and no job carries a list of
    a whole file's ids."""
    source = "stdin" if str(path) == "-" else str(path)
    report = IngestReport(source)
    good: list[tuple[Message, AccountRow, str]] = []
    errors: list[LineError] = []
    with ctx.engine.connect() as conn:
        accounts: dict[tuple[str, str], AccountRow | None] = {}
        seen: dict[tuple[str, str], int] = {}
        for number, raw, item in read_export(
            path, source=source, platform=platform, account=account
        ):
            if isinstance(item, LineError):
                errors.append(item)
                continue
            key = (item.platform, item.account)
            if key not in accounts:
                accounts[key] = find_account(conn, item.platform, item.account)
            found = accounts[key]
            if found is None:
                errors.append(
                    LineError(
                        source, number, f"akun {item.account!r} di {item.platform} tidak terdaftar"
                    )
                )
                continue
            ident = (item.platform, item.external_id)
            if ident in seen:
                report.duplicates += 1  # the same message twice in one file
                continue
            seen[ident] = number
            good.append((item, found, raw))
    if errors and not skip_bad:
        raise BadFile(errors)
    report.skipped = errors
    with ctx.engine.begin() as conn:
        ids, duplicates = store_messages(conn, good, channel="file", at=ctx.now(), sample=sample)
    report.stored = len(ids)
    report.duplicates += duplicates
    report.message_ids = ids
    log.info(
        "ingest",
        extra={
            "source_kind": "file",
            "stored": len(ids),
            "duplicates": report.duplicates,
            "skipped": len(errors),
        },
    )
    if ids:
        for part in in_parts(progress, "menganalisis pesan", ids, ANALYSIS_BATCH):
            ctx.jobs.enqueue("analyze_messages", ids=list(part))
    return report
