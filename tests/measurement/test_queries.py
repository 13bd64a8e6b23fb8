"""The SQL of queries.py gives exactly the figures of the pure KPI functions, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.workdays import WorkCalendar
from paseban.measurement import histograms, kpis, leaderboards, queries, report_queries
from paseban.measurement.kpis import Inbound, PostRow, ResolvedCase, Snapshot, StageRow
from paseban.measurement.periods import month_of, week_of
from paseban.services.measurement import case_rollups, fieldwork, response_facts
from paseban.services.measurement import recording as service
from paseban.services.reference import store as ref
from paseban.storage import tables as t
from tests.measurement import builders as b

WIB = ZoneInfo("Asia/Jakarta")
KEL, KEC, OPD = "32.71.01.1001", "32.71.01", "DPUPR"
WEEK = week_of(date(2026, 11, 16))  # Mon 16 - Sun 22 Nov 2026


def wib(d: int, hh: int = 9, mm: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, d, hh, mm, tzinfo=WIB)


def build(ctx: Context) -> dict[str, object]:
    """A week of one kelurahan account, with everything the KPIs look at."""
    inbound: list[Inbound] = []
    posts: list[PostRow] = []
    stages: list[StageRow] = []
    resolved: list[ResolvedCase] = []
    with ctx.engine.begin() as conn:
        if not conn.execute(sa.select(t.opds.c.code).where(t.opds.c.code == OPD)).first():
            raise AssertionError("reference data lacks DPUPR")
        a = b.account(conn, "kel.batutulis", "kelurahan", KEL, at=wib(1))
        other = b.account(conn, "kec.bogorselatan", "kecamatan", KEC, at=wib(1))
        plan = [
            # (posted, intent, reply after)
            (wib(16, 9), "aduan", timedelta(minutes=35)),
            (wib(16, 10), "pertanyaan", timedelta(minutes=20)),
            (wib(16, 15), "aduan", timedelta(hours=18)),
            (wib(17, 11), "aduan", None),
            (wib(18, 8), "aspirasi", timedelta(hours=2, minutes=7)),
            (wib(20, 22), "aduan", timedelta(hours=60)),  # Friday night -> Monday
            (wib(21, 10), "aduan", timedelta(minutes=3)),
            (wib(19, 12), "spam", None),
            (wib(19, 13), "apresiasi", timedelta(minutes=5)),
            (wib(15, 12), "aduan", timedelta(minutes=1)),  # the week before: not counted
        ]
        for posted, intent, after in plan:
            mid = b.message(conn, a, posted, intent)
            replied = posted + after if after else None
            if replied:
                b.reply(conn, mid, a, replied)
                b.reply(conn, mid, a, replied + timedelta(hours=1))  # a second reply: ignored
            if WEEK.contains(posted.date()):
                inbound.append(Inbound(posted, intent, replied))
        failed = b.message(conn, a, wib(22, 9), "aduan")
        b.reply(conn, failed, a, wib(22, 10), status="failed")  # not sent: not an answer
        inbound.append(Inbound(wib(22, 9), "aduan", None))
        b.message(conn, other, wib(17, 9), "aduan")
        dated: list[tuple[int, dict[str, Any]]] = [
            (
                16,
                {
                    "likes": 90,
                    "comments": 5,
                    "shares": 3,
                    "saves": 2,
                    "reach": 1000,
                    "program": "bogor_bersih",
                    "campaign": "hut",
                },
            ),
            (17, {"likes": 10, "reach": 400, "views": 800}),
            (18, {"likes": 7, "comments": 1, "campaign": "posyandu"}),
            (22, {"likes": 1, "reach": 50}),
        ]
        for day, counts in dated:
            b.post(conn, a, wib(day, 10), WIB, **counts)
            posts.append(PostRow(wib(day, 10), **counts))
        b.post(conn, other, wib(16, 12), WIB, likes=1, reach=10, campaign="sampah")
        b.snapshot(conn, a, date(2026, 11, 15), 1000, wib(15))
        b.snapshot(conn, a, date(2026, 11, 21), 1042, wib(21))
        b.snapshot(conn, a, date(2026, 11, 23), 1100, wib(23))
        snaps = [Snapshot(date(2026, 11, 15), 1000), Snapshot(date(2026, 11, 21), 1042)]
        for i, (resolve_day, confirm, reopen) in enumerate(
            [(17, True, False), (18, False, True), (19, False, False)]
        ):
            cid = b.case(
                conn,
                opened_at=wib(16, 8 + i),
                kelurahan=KEL,
                kecamatan=KEC,
                opd=OPD,
                status="resolved",
            )
            b.event(conn, cid, "resolve", wib(resolve_day))
            if confirm:
                b.event(conn, cid, "close", wib(resolve_day + 1), actor="warga")
            if reopen:
                b.event(conn, cid, "reopen", wib(resolve_day + 1), actor="warga")
            resolved.append(ResolvedCase(confirm, reopen))
            b.stage(conn, cid, "verify", wib(16, 8 + i), wib(19), wib(17 + i))
            stages.append(StageRow("verify", wib(19), wib(17 + i)))
        open_case = b.case(conn, opened_at=wib(18), kelurahan=KEL, kecamatan=KEC, opd=OPD)
        b.stage(conn, open_case, "follow_up", wib(18), wib(24), None)  # past due at as_of
        stages.append(StageRow("follow_up", wib(24), None))
        b.stage(conn, open_case, "confirm", wib(18), wib(30), None)  # not yet due
        stages.append(StageRow("confirm", wib(30), None))
        # the case row mirrors its running clock (the one clock: storage.deadlines reads it)
        conn.execute(
            sa.update(t.cases)
            .where(t.cases.c.id == open_case)
            .values(stage="follow_up", due_at=wib(24))
        )
    b.user(ctx, "lurah.batutulis", "kelurahan_admin", KEL, "Lurah Batu Tulis")
    with ctx.engine.begin() as conn:
        fieldwork.record_visit(
            conn,
            ctx,
            officer="lurah.batutulis",
            unit_code=KEL,
            visited_at=ctx.now() - timedelta(days=1),
            purpose="cek saluran",
        )
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.field_visits).values(visited_at=wib(19, 8)))
    return {
        "inbound": inbound,
        "posts": posts,
        "stages": stages,
        "resolved": resolved,
        "snaps": snaps,
    }


def test_sql_equals_the_pure_functions(ctx: Context) -> None:
    rows = build(ctx)
    counts = response_facts.refresh_response_facts(ctx)
    assert (counts["added"], counts["answered"]) == (10, 7)
    again = response_facts.refresh_response_facts(ctx)
    assert (again["added"], again["answered"], again["relabelled"], again["dropped"]) == (
        0,
        0,
        0,
        0,
    )
    case_rollups.refresh_case_rollups(ctx)
    as_of = ctx.now()
    with ctx.engine.connect() as conn:
        measured = queries.measure(conn, WEEK, tz=WIB, as_of=as_of)
        calendar = WorkCalendar.of(ref.holiday_dates(conn), WIB)
    got = measured.kpis["kelurahan", KEL]
    want = kpis.unit_kpis(
        KEL,
        "Batu Tulis",
        "kelurahan",
        WEEK,
        calendar=calendar,
        as_of=as_of,
        snapshots=rows["snaps"],  # type: ignore[arg-type]
        posts=rows["posts"],  # type: ignore[arg-type]
        campaigns_expected={"hut", "posyandu", "sampah"},
        inbound=rows["inbound"],  # type: ignore[arg-type]
        stages=rows["stages"],  # type: ignore[arg-type]
        resolved=rows["resolved"],  # type: ignore[arg-type]
        field_visits=1,
        accounts=1,
    )
    assert got.response == want.response == kpis.Ratio(6, 8)
    assert got.complaints == want.complaints == 6
    assert got.unanswered_complaints == want.unanswered_complaints == 2
    assert got.first == want.first
    # 3 min, 20 min, 35 min, 2 h 07, 18 h, 60 h: rank 3 and rank 6, shown through their buckets
    shown = [histograms.value_of(histograms.bucket_of(s)) for s in (35 * 60, 60 * 3600)]
    assert [got.first.median_seconds, got.first.p90_seconds] == shown
    assert got.first.within_sla == kpis.Ratio(5, 8)
    assert got.sla == want.sla == {"verify": kpis.Ratio(3, 3), "follow_up": kpis.Ratio(0, 1)}
    assert (got.confirmed, got.reopened) == (want.confirmed, want.reopened)
    assert got.posts == want.posts == 4
    assert got.engagement == want.engagement
    assert got.consistency == want.consistency
    # November: blocks from the 1st; the 16th-18th (3 posts) fill the third, the 22nd the last
    # (the 29th and 30th join it); SQL and the pure rule agree
    november = month_of(date(2026, 11, 1))
    with ctx.engine.connect() as conn:
        month = queries.measure(conn, november, tz=WIB, as_of=as_of).kpis["kelurahan", KEL]
    days = [p.posted_at.astimezone(WIB).date() for p in rows["posts"]]  # type: ignore[attr-defined]
    assert month.consistency == kpis.posting_consistency(days, november) == kpis.Ratio(1, 4)
    assert got.program == want.program
    assert got.campaigns == want.campaigns == kpis.Ratio(2, 3)
    assert got.growth == want.growth == kpis.Growth(1000, 1042)
    assert got.field_visits == 1
    # last post 22 Nov 10:00, the week ended 23 Nov 00:00: measured later, judged as it ended
    assert got.days_since_post == want.days_since_post == 0
    city = measured.city
    assert city.response == kpis.Ratio(6, 9) and city.complaints == 7
    assert measured.kpis["kecamatan", KEC].response == kpis.Ratio(0, 1)
    assert measured.kpis["opd", OPD].sla_all == kpis.Ratio(3, 4)
    # the leaderboards take these values as they are
    board = leaderboards.build(measured.group("kelurahan"), "responsiveness", "kelurahan")
    assert [(r.code, r.rank) for r in board.ranked] == [(KEL, 1)]  # 8 messages >= 3 a week
    assert len(board.unranked) == 67


def test_an_account_measured_alone_gives_its_own_figures(ctx: Context) -> None:
    build(ctx)
    response_facts.refresh_response_facts(ctx)
    as_of = ctx.now()
    with ctx.engine.connect() as conn:
        unit = queries.measure(conn, WEEK, tz=WIB, as_of=as_of).kpis["kelurahan", KEL]
        [mine] = [
            a
            for a in queries.measure_accounts(conn, WEEK, tz=WIB, as_of=as_of, account_ids=None)
            if a.handle == "kel.batutulis"
        ]
        assert queries.measure_accounts(conn, WEEK, tz=WIB, as_of=as_of, account_ids=[]) == []
    k = mine.kpis
    assert k.kind == "account" and mine.platform == "instagram"
    # Batu Tulis has this one account: audience, posts and answers are the same figures
    assert (k.response, k.first, k.complaints) == (unit.response, unit.first, unit.complaints)
    assert (k.posts, k.engagement, k.growth) == (unit.posts, unit.engagement, unit.growth)
    assert k.days_since_post == unit.days_since_post
    # cases and field visits belong to places and OPDs, not to accounts
    assert k.sla == {} and k.confirmed.den == 0 and k.field_visits == 0


def test_no_data_measures_to_empty_units(ctx: Context) -> None:
    with ctx.engine.connect() as conn:
        measured = queries.measure(conn, WEEK, tz=WIB, as_of=ctx.now())
    kel = measured.group("kelurahan")
    assert len(kel) == 68 and len(measured.group("kecamatan")) == 6
    assert all(k.response.den == 0 and k.first.median_seconds is None for k in kel)
    assert measured.city.complaints == 0


def test_admin_activity_and_report_tables(ctx: Context) -> None:
    build(ctx)
    service.rebuild_measurement(ctx)
    lo, hi = WEEK.bounds(WIB)
    with ctx.engine.connect() as conn:
        people = {p.username: p for p in report_queries.admin_activity(conn, WEEK)}
        assert people["lurah.batutulis"].field_visits == 1
        assert report_queries.complaints_by_kelurahan(conn, lo, hi) == {KEL: 4}
        top = report_queries.top_problems(conn, lo, hi)
        assert top[0]["topic"] == "jalan" and top[0]["reports"] == 4
        overdue = report_queries.overdue_by_opd(conn, ctx.now())
        assert [(r["opd"], r["overdue"]) for r in overdue] == [(OPD, 1)]
        series = report_queries.weekly_series(conn, [WEEK.previous(), WEEK], WIB, ctx.now())
        assert [s["complaints"] for s in series] == [1, 7]
        assert ref.holiday_dates(conn) is not None
