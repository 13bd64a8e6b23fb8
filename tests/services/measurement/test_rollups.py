"""The facts and roll-ups behind the KPIs: incremental refreshes give what a rebuild from scratch
gives, human corrections of a message's intent flow through, and a case that moves to another
OPD takes its figures along. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.measurement import histograms, queries
from paseban.measurement.kpis import Ratio
from paseban.measurement.periods import Period, month_of, week_of
from paseban.services.inbox import review
from paseban.services.measurement import case_rollups, response_facts
from paseban.services.measurement import recording as service
from paseban.storage import tables as t
from tests.measurement import builders as b

WIB = ZoneInfo("Asia/Jakarta")
KEL, KEC = "32.71.01.1001", "32.71.01"


def wib(month: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(2026, month, d, hh, mm, tzinfo=WIB)


ROLLUPS = (
    t.response_facts,
    t.response_rollups,
    t.response_histograms,
    t.sla_rollups,
    t.resolution_rollups,
    t.activity_rollups,
)


def contents(ctx: Context) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with ctx.engine.connect() as conn:
        for table in ROLLUPS:
            columns = [c for c in table.c if c.name != "updated_at"]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def refresh(ctx: Context) -> None:
    response_facts.refresh_response_facts(ctx)
    case_rollups.refresh_case_rollups(ctx)
    case_rollups.refresh_activity_rollups(ctx)


def kelurahan(ctx: Context, period: Period) -> Any:
    with ctx.engine.connect() as conn:
        return queries.measure(conn, period, tz=WIB, as_of=ctx.now()).kpis["kelurahan", KEL]


def test_tables_hold_as_many_buckets_as_the_histograms() -> None:
    assert t.RESPONSE_BUCKETS == histograms.BUCKETS
    assert len([c for c in t.response_histograms.c if c.name.startswith("b")]) == t.RESPONSE_BUCKETS


def test_a_corrected_intent_flows_through_on_the_next_refresh(
    ctx: Context, clock: FixedClock
) -> None:
    with ctx.engine.begin() as conn:
        a = b.account(conn, "kel.batutulis", "kelurahan", KEL, at=wib(11, 1))
        question = b.message(conn, a, wib(11, 16, 9), "pertanyaan")
        chatter = b.message(conn, a, wib(11, 16, 10), "aduan")
        b.reply(conn, question, a, wib(11, 16, 9, 30))
    refresh(ctx)
    week = week_of(wib(11, 16).date())
    before = kelurahan(ctx, week)
    assert (before.complaints, before.response, before.unanswered_complaints) == (
        1,
        Ratio(1, 2),
        1,
    )
    clock.advance(timedelta(hours=1))
    # a human: the "question" was a complaint, the "complaint" was chatter
    review.correct(ctx, question, {"intent": "aduan"}, actor="operator")
    review.correct(ctx, chatter, {"intent": "informasi"}, actor="operator")
    counts = response_facts.refresh_response_facts(ctx)
    assert (counts["relabelled"], counts["dropped"], counts["added"]) == (1, 1, 0)
    after = kelurahan(ctx, week)
    assert (after.complaints, after.response, after.unanswered_complaints) == (
        1,
        Ratio(1, 1),
        0,
    )
    # and back: chatter that was a question after all comes back as a fact
    clock.advance(timedelta(hours=1))
    review.correct(ctx, chatter, {"intent": "pertanyaan"}, actor="operator")
    assert response_facts.refresh_response_facts(ctx)["added"] == 1
    assert kelurahan(ctx, week).response == Ratio(1, 2)


def test_a_new_analysis_and_a_late_reply_flow_through(ctx: Context, clock: FixedClock) -> None:
    with ctx.engine.begin() as conn:
        a = b.account(conn, "kel.batutulis", "kelurahan", KEL, at=wib(11, 1))
        mid = b.message(conn, a, wib(11, 20, 9), "apresiasi")
    refresh(ctx)
    week = week_of(wib(11, 20).date())
    assert kelurahan(ctx, week).response.den == 0
    clock.advance(timedelta(hours=2))
    with ctx.engine.begin() as conn:  # a new model reads it again: a complaint
        conn.execute(
            sa.update(t.messages)
            .where(t.messages.c.id == mid)
            .values(intent="aduan", analyzed_at=ctx.now())
        )
        b.reply(conn, mid, a, ctx.now())
    counts = response_facts.refresh_response_facts(ctx)
    assert (counts["added"], counts["answered"]) == (1, 1)
    got = kelurahan(ctx, week)
    seconds = (ctx.now() - wib(11, 20, 9)).total_seconds()
    assert got.response == Ratio(1, 1)
    assert got.first.median_seconds == histograms.value_of(histograms.bucket_of(seconds))


def test_incremental_refreshes_equal_a_rebuild_from_scratch(
    ctx: Context, clock: FixedClock
) -> None:
    with ctx.engine.begin() as conn:
        a = b.account(conn, "kel.batutulis", "kelurahan", KEL, at=wib(10, 1))
        other = b.account(conn, "kec.bogorselatan", "kecamatan", KEC, at=wib(10, 1))
        for i in range(12):  # October and November, two accounts
            posted = wib(10 + i % 2, 3 + 2 * i, 8 + i % 9)
            mid = b.message(
                conn, a if i % 3 else other, posted, ("aduan", "pertanyaan", "spam")[i % 3]
            )
            if i % 4:
                b.reply(conn, mid, a, posted + timedelta(minutes=7 * i + 1))
        case = b.case(conn, opened_at=wib(11, 2), kelurahan=KEL, kecamatan=KEC, opd="DPUPR")
        b.stage(conn, case, "verify", wib(11, 2), wib(11, 5), wib(11, 3))
        b.stage(conn, case, "follow_up", wib(11, 3), wib(11, 10), None)
        b.event(conn, case, "open", wib(11, 2))
    refresh(ctx)
    clock.advance(timedelta(hours=3))
    with ctx.engine.begin() as conn:
        late = b.message(conn, a, wib(11, 25, 13), "aduan")
        conn.execute(
            sa.update(t.messages).where(t.messages.c.id == late).values(analyzed_at=ctx.now())
        )
        b.reply(conn, late, a, ctx.now())
        # the OPD finishes the follow-up, then the case moves to DLH (re-routed) and is resolved
        conn.execute(
            sa.update(t.case_stages)
            .where(t.case_stages.c.case_id == case, t.case_stages.c.stage == "follow_up")
            .values(finished_at=wib(11, 12))
        )
        conn.execute(sa.update(t.cases).where(t.cases.c.id == case).values(opd="DLH"))
        b.event(conn, case, "forward", ctx.now())
        b.event(conn, case, "resolve", ctx.now())
    refresh(ctx)
    incremental = contents(ctx)
    with ctx.engine.connect() as conn:
        opds = {
            r.unit_code
            for r in conn.execute(
                sa.select(t.sla_rollups).where(t.sla_rollups.c.unit_kind == "opd")
            )
        }
    assert opds == {"DLH"}  # the figures moved with the case
    service.rebuild_measurement(ctx)
    assert contents(ctx) == incremental
    # a month is summed from its monthly histogram, the same as from its days
    with ctx.engine.connect() as conn:
        h = t.response_histograms.c
        months = conn.execute(sa.select(sa.func.count()).where(h.grain == "month")).scalar_one()
    assert months == 8  # two accounts x October and November x wall and business
    november = kelurahan(ctx, month_of(wib(11, 1).date()))
    spread = kelurahan(ctx, Period(wib(11, 1).date(), wib(11, 30).date()))
    assert november.first == spread.first


def test_each_resolution_counts_with_its_own_outcome(ctx: Context) -> None:
    with ctx.engine.begin() as conn:
        case = b.case(conn, opened_at=wib(11, 2), kelurahan=KEL, kecamatan=KEC, opd="DPUPR")
        b.event(conn, case, "resolve", wib(11, 4))
        b.event(conn, case, "reopen", wib(11, 5), actor="warga")  # "belum beres"
        b.event(conn, case, "resolve", wib(11, 9))
        b.event(conn, case, "close", wib(11, 10), actor="warga")  # "sudah beres"
        unconfirmed = b.case(conn, opened_at=wib(11, 2), kelurahan=KEL, kecamatan=KEC, opd="DPUPR")
        b.event(conn, unconfirmed, "resolve", wib(11, 6))
        b.event(conn, unconfirmed, "close", wib(11, 20), actor="sistem")  # closed by the sweep
    case_rollups.refresh_case_rollups(ctx)
    got = kelurahan(ctx, month_of(wib(11, 1).date()))
    assert (got.confirmed, got.reopened) == (Ratio(1, 3), Ratio(1, 3))
    first_week = kelurahan(ctx, Period(wib(11, 1).date(), wib(11, 7).date()))
    assert (first_week.confirmed, first_week.reopened) == (Ratio(0, 2), Ratio(1, 2))
