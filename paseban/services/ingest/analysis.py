"""The analysis job: analyse stored messages, then open or join a case for each complaint.
A built-in plugin: it registers its jobs through the same hook a third party would use."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import OwnerKind
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.pipeline import Analysis, needs_review
from paseban.services.cases import triage
from paseban.services.cases.actions import fire_hooks
from paseban.services.cases.reads import events_of
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.db import is_conflict
from paseban.storage.rows.ingest import AnalysisRow

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.analysis")
BATCH = 500  # messages read and analysed together (one array operation)
WRITE_BATCH = 50  # messages per connection (policy read once); each placement commits alone


def analyze_messages(ctx: Context, ids: list[int]) -> dict[str, int]:
    counts = {
        "analyzed": 0,
        "complaints": 0,
        "cases_opened": 0,
        "cases_joined": 0,
        "follow_ups": 0,
        "review": 0,
    }
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with ctx.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    t.messages.c.id,
                    t.messages.c.text,
                    t.messages.c.platform,
                    t.messages.c.is_sample,
                    t.messages.c.posted_at,
                    t.messages.c.author,
                    t.messages.c.author_id,
                    t.messages.c.lat,
                    t.messages.c.lon,
                    t.accounts.c.owner_kind,
                    t.accounts.c.owner_code,
                    t.accounts.c.city,
                )
                .join(t.accounts, t.accounts.c.id == t.messages.c.account_id)
                .where(t.messages.c.id.in_(chunk), t.messages.c.analyzed_at.is_(None))
                .order_by(t.messages.c.id)
            ).all()
        # a message on a city's account is about that city: its gazetteer reads the place
        for city in dict.fromkeys(row.city for row in rows):
            _analyze(ctx, ctx.analyzer(city), [r for r in rows if r.city == city], counts)
    return counts


def _analyze(ctx: Context, analyzer: Analyzer, rows: list[Any], counts: dict[str, int]) -> None:
    # an OPD's account belongs to no wilayah: no fallback place, but the message reached the
    # city, so names every city has (Jl. Sudirman, "balai kota") are read as the city's
    city = analyzer.gazetteer.city
    analyses = analyzer.analyze_batch(
        (row.text, city if row.owner_kind == OwnerKind.OPD.value else row.owner_code)
        for row in rows
    )
    for first in range(0, len(rows), WRITE_BATCH):
        _store(
            ctx,
            analyzer,
            rows[first : first + WRITE_BATCH],
            analyses[first : first + WRITE_BATCH],
            counts,
        )


def _store(
    ctx: Context,
    analyzer: Analyzer,
    rows: Sequence[Any],
    analyses: list[Analysis],
    counts: dict[str, int],
) -> None:
    """Write analyses and place the messages: the ones that cannot belong to a case in one
    transaction, each of the others in a transaction of its own (short: its locks are held for
    one placement, so workers placing other messages run alongside, services.cases.locks).
    A new case's events (opened, forwarded at once by a rule) go to the `case_event` hook after
    its commit, so the OPD hears of it within seconds of the citizen's comment (issue 19).
    Each transaction claims its messages first: one another worker analysed meanwhile is left
    alone, so a job delivered twice has no second effect."""
    plain: list[tuple[Any, Analysis]] = []
    placeable: list[tuple[Any, Analysis]] = []
    for row, analysis in zip(rows, analyses, strict=True):
        analysis = _with_location(analyzer, analysis, row.lat, row.lon)
        (placeable if triage.may_belong(analysis) else plain).append((row, analysis))
    # one connection for the batch: routing rules, SLA policies and templates are read once
    # (storage.txcache), then each transaction below is its own
    stored: list[dict[str, Any]] = []  # what this worker wrote, for `message_analyzed`
    with ctx.engine.connect() as conn:
        if plain:
            with conn.begin():
                claimed = _claim(conn, ctx, [row.id for row, _ in plain])
                values = [_values(ctx, row, a) for row, a in plain if row.id in claimed]
                if values:  # one executemany (prebuilt statement)
                    conn.execute(_STORE_ANALYSIS, values)
            stored += values
            for row, analysis in plain:
                _count(ctx, counts, analysis, None, done=row.id in claimed)
        for row, analysis in placeable:
            written, placement = _place(ctx, conn, row, analysis, counts)
            _count(ctx, counts, analysis, placement, done=written is not None)
            if written is not None:
                stored.append(written)
            if placement and not placement.joined and placement.kind == "report":
                with conn.begin():
                    events = events_of(conn, placement.case_id)
                fire_hooks(ctx, placement.case_id, events)
    _announce(ctx, stored)


RETRIES = 5  # conflicts in a row before the job itself fails (and Celery retries it)


def _place(
    ctx: Context, conn: sa.Connection, row: Any, analysis: Analysis, counts: dict[str, int]
) -> tuple[dict[str, Any] | None, triage.Placement | None]:
    """Claim, place and store one message in one transaction: what was stored (None when it was
    not ours to claim: another worker analysed it meanwhile) and where it went. A deadlock or a
    serialization failure (which the fixed lock order should make rare) rolls the transaction
    back and runs it again, counted as `conflict_retries`."""
    for attempt in range(RETRIES):
        try:
            with conn.begin():
                if not _claim(conn, ctx, [row.id]):
                    return None, None
                # a complaint opens or joins a case; a citizen's follow-up or answer to
                # "sudah beres?" joins their own case (services.cases.triage.place_message)
                placement = triage.place_message(
                    conn,
                    ctx,
                    message_id=row.id,
                    platform=row.platform,
                    analysis=analysis,
                    reported_at=row.posted_at,
                    sample=row.is_sample,
                    author=row.author or None,
                    author_id=row.author_id,
                    lat=row.lat,
                    lon=row.lon,
                    city=row.city,
                )
                values = _values(ctx, row, analysis)
                values["case_id"] = placement.case_id if placement else None
                conn.execute(_STORE_ANALYSIS, [values])
            return values, placement
        except sa.exc.DBAPIError as exc:
            if not is_conflict(exc) or attempt == RETRIES - 1:
                raise
            counts["conflict_retries"] = counts.get("conflict_retries", 0) + 1
            log.warning("placement conflict, retrying", extra={"message_id": row.id})
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _claim(conn: sa.Connection, ctx: Context, ids: list[int]) -> set[int]:
    """The messages of `ids` no one analysed yet, now ours until this transaction ends. On
    PostgreSQL a row lock claims them (`FOR UPDATE`: a second worker waits, then finds them
    analysed), so each message is written once, by the analysis itself, instead of once to
    claim and once to store: every write of a message updates all its indexes. SQLite has no
    row locks: there the claim writes `analyzed_at`, which takes the database's one write lock."""
    unclaimed = (t.messages.c.id.in_(ids), t.messages.c.analyzed_at.is_(None))
    if conn.dialect.name == "postgresql":
        query = sa.select(t.messages.c.id).where(*unclaimed).with_for_update()
        return set(conn.execute(query).scalars())
    return set(
        conn.execute(
            sa.update(t.messages)
            .where(*unclaimed)
            .values(analyzed_at=ctx.now())
            .returning(t.messages.c.id)
        ).scalars()
    )


def _values(ctx: Context, row: Any, analysis: Analysis) -> dict[str, Any]:
    return {
        "b_id": row.id,
        "case_id": None,
        "analyzed_at": ctx.now(),
        "analysis_version": analysis.version,
        "masked_text": analysis.masked,
        "intent": analysis.intent.label,
        "topic": analysis.topic.label,
        "urgency": analysis.urgency.label,
        "kelurahan": analysis.place.kelurahan,
        "kecamatan": analysis.place.kecamatan,
        "place_source": analysis.place.source,
        "place_detail": {
            "street": analysis.place.street,
            "rt": analysis.place.rt,
            "rw": analysis.place.rw,
            "landmark": analysis.place.landmark,
        },
        "confidence": analysis.confidences(),
        "reasons": analysis.reasons(),
        "needs_review": needs_review(analysis, ctx.settings.review_threshold),
    }


def _count(
    ctx: Context,
    counts: dict[str, int],
    analysis: Analysis,
    placement: triage.Placement | None,
    *,
    done: bool,
) -> None:
    if not done:
        return
    counts["analyzed"] += 1
    counts["review"] += int(needs_review(analysis, ctx.settings.review_threshold))
    counts["complaints"] += int(analysis.is_complaint)
    if placement is not None:
        key = "cases_joined" if placement.joined else "cases_opened"
        counts[key if placement.kind == "report" else "follow_ups"] += 1


def _announce(ctx: Context, updates: list[dict[str, Any]]) -> None:
    """The `message_analyzed` hook, once per message this worker claimed, after the commit: a
    plugin sees only what is stored, and a message analysed again (a redelivered job, a second
    worker) is not claimed again and so is not announced twice. Delivery is the plugin's
    business: one that fails is logged (by message id, never the text) and the others still
    hear of their messages."""
    for values in updates:
        message_id = values["b_id"]
        stored = typed.row(AnalysisRow, {name: values[name] for name in _ANALYSIS_FIELDS})
        try:
            ctx.pm.hook.message_analyzed(ctx=ctx, message_id=message_id, analysis=stored)
        except Exception:
            log.exception("message_analyzed hook failed", extra={"message_id": message_id})


def _with_location(
    analyzer: Analyzer, analysis: Analysis, lat: float | None, lon: float | None
) -> Analysis:
    """A point the citizen sent beats the account's wilayah (but not a place named in the text)."""
    if lat is None or lon is None or analysis.place.source == "text":
        return analysis
    place = analyzer.gazetteer.near(lat, lon)
    if place is None:
        return analysis
    detail = analysis.place
    place = replace(
        place, street=detail.street, rt=detail.rt, rw=detail.rw, landmark=detail.landmark
    )
    return replace(analysis, place=place)


_ANALYSIS_FIELDS = (
    "case_id",
    "analyzed_at",
    "analysis_version",
    "masked_text",
    "intent",
    "topic",
    "urgency",
    "kelurahan",
    "kecamatan",
    "place_source",
    "place_detail",
    "confidence",
    "reasons",
    "needs_review",
)
_STORE_ANALYSIS = (
    sa.update(t.messages)
    .where(t.messages.c.id == sa.bindparam("b_id"))
    .values({name: sa.bindparam(name) for name in _ANALYSIS_FIELDS})
)


def analyze_pending(ctx: Context) -> dict[str, int]:
    """Catch messages whose analysis never ran (a crash between storing and analysing)."""
    with ctx.engine.connect() as conn:
        ids = list(
            conn.execute(
                sa.select(t.messages.c.id)
                .where(t.messages.c.analyzed_at.is_(None))
                .order_by(t.messages.c.id)
                .limit(5000)
            ).scalars()
        )
    if not ids:
        return {"analyzed": 0}
    return analyze_messages(ctx, ids)


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec("analyze_messages", analyze_messages, description="analisis pesan baru"),
        JobSpec(
            "analyze_pending",
            analyze_pending,
            every=timedelta(minutes=5),
            description="analisis pesan yang tertinggal",
        ),
    ]
