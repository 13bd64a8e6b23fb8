"""The analysis job: analyse stored messages, then open or join a case for each complaint.
A built-in plugin: it registers its jobs through the same hook a third party would use."""

from __future__ import annotations

import logging
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
from paseban.services.cases.reads import timeline
from paseban.storage import tables as t
from paseban.storage.rows import AnalysisRow, row

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.analysis")
BATCH = 500  # messages read and analysed together (one array operation)
WRITE_BATCH = 50  # messages written per transaction: short write locks, webhooks keep flowing


def analyze_messages(ctx: Context, ids: list[int]) -> dict[str, int]:
    analyzer = ctx.analyzer()
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
                )
                .join(t.accounts, t.accounts.c.id == t.messages.c.account_id)
                .where(t.messages.c.id.in_(chunk), t.messages.c.analyzed_at.is_(None))
                .order_by(t.messages.c.id)
            ).all()
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
    return counts


def _store(
    ctx: Context,
    analyzer: Analyzer,
    rows: Sequence[Any],
    analyses: list[Analysis],
    counts: dict[str, int],
) -> None:
    """Write analyses and place each message in one short transaction; the new cases' events
    (opened, forwarded at once by a rule) go to the `case_event` hook after the commit, so
    the OPD hears of a new case within seconds of the citizen's comment (issue 19)."""
    opened: list[int] = []
    updates: list[dict[str, Any]] = []
    with ctx.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(_WRITE_TURN)
        # claim the rows first: a message another worker analysed meanwhile is left alone
        claimed = set(
            conn.execute(
                sa.update(t.messages)
                .where(
                    t.messages.c.id.in_([r.id for r in rows]), t.messages.c.analyzed_at.is_(None)
                )
                .values(analyzed_at=ctx.now())
                .returning(t.messages.c.id)
            ).scalars()
        )
        for found, analysis in zip(rows, analyses, strict=True):
            if found.id not in claimed:
                continue
            analysis = _with_location(analyzer, analysis, found.lat, found.lon)
            review = needs_review(analysis, ctx.settings.review_threshold)
            values = {
                "b_id": found.id,
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
                "needs_review": review,
            }
            counts["analyzed"] += 1
            counts["review"] += int(review)
            counts["complaints"] += int(analysis.is_complaint)
            # complaints open or join a case; a citizen's follow-up or answer to
            # "sudah beres?" joins their own case (services.cases.triage.place_message)
            placement = triage.place_message(
                conn,
                ctx,
                message_id=found.id,
                platform=found.platform,
                analysis=analysis,
                reported_at=found.posted_at,
                sample=found.is_sample,
                author=found.author or None,
                author_id=found.author_id,
                lat=found.lat,
                lon=found.lon,
            )
            if placement is not None:
                values["case_id"] = placement.case_id
                key = "cases_joined" if placement.joined else "cases_opened"
                if not placement.joined and placement.kind == "report":
                    opened.append(placement.case_id)
                counts[key if placement.kind == "report" else "follow_ups"] += 1
                # linked at once: a later message of the same citizen in this batch
                # (a follow-up) finds the case through it
                conn.execute(_LINK, {"b_id": found.id, "case_id": placement.case_id})
            updates.append(values)
        if updates:  # one executemany for the batch (prebuilt statement)
            conn.execute(_STORE_ANALYSIS, updates)
    for case_id in opened:
        fire_hooks(ctx, case_id, timeline(ctx, case_id))
    _announce(ctx, updates)


def _announce(ctx: Context, updates: list[dict[str, Any]]) -> None:
    """The `message_analyzed` hook, once per message this worker claimed, after the commit: a
    plugin sees only what is stored, and a message analysed again (a redelivered job, a second
    worker) is not claimed again and so is not announced twice. Delivery is the plugin's
    business: one that fails is logged (by message id, never the text) and the others still
    hear of their messages."""
    for values in updates:
        message_id = values["b_id"]
        stored = row(AnalysisRow, {name: values[name] for name in _ANALYSIS_FIELDS})
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
# Several workers' write transactions join the same cases and bump the same ticket counter in
# different orders, and deadlock (bench/scale.py with 2 workers: 19 in 59 jobs). On PostgreSQL
# they take turns for the write (tens of milliseconds); the analysis itself stays parallel.
_WRITE_TURN = sa.select(sa.func.pg_advisory_xact_lock(0x7061736562616E + 1))
_LINK = (
    sa.update(t.messages)
    .where(t.messages.c.id == sa.bindparam("b_id"))
    .values(case_id=sa.bindparam("case_id"))
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
