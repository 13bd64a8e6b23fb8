"""Analysis workers place messages in parallel (issue 17): on PostgreSQL no deadlock, no ticket
handed out twice, and the cases come out exactly as when one worker places them one by one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.services.cases import triage
from paseban.services.ingest import analysis, files
from paseban.storage import tables as t
from tests.conftest import _pg_fresh, make_ctx
from tests.connectors.helpers import RecordingQueue
from tests.factories import message, with_accounts, write_jsonl

# kelurahan of Kota Bogor none of which neighbours another (triage joins across neighbours
# with similar text, and which of two neighbours opens the case would depend on the order)
PLACES = [
    "batutulis",
    "sempur",
    "mulyaharja",
    "cilendek barat",
    "kedung badak",
    "ciluar",
    "katulampa",
    "pasir mulya",
    "rancamaya",
    "harjasari",
    "situgede",
]
PROBLEMS = [
    "jalan rusak berlubang parah di {}, mohon diperbaiki",
    "sampah menumpuk bau di {} belum diangkut",
    "lampu penerangan jalan mati di {} gelap",
]
REPORTERS = 4  # citizens per problem; the first writes twice (counted once)


def records() -> list[dict[str, Any]]:
    """Every problem reported by four citizens one after the other, so that the reports of one
    problem reach every worker at the same moment."""
    out: list[dict[str, Any]] = []
    for p, place in enumerate(PLACES):
        for k, problem in enumerate(PROBLEMS):
            for who in range(REPORTERS + 1):
                n = len(out) + 1
                author = f"warga-{p}-{k}-{who % REPORTERS}"  # the fifth: the first one again
                out.append(message(n, problem.format(place), author=author))
    return out


def stored(ctx: Context, tmp_path: Path) -> list[int]:
    """The messages stored, none analysed yet (as a burst of webhooks leaves them)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    with_accounts(ctx, tmp_path)
    jobs, ctx.jobs = ctx.jobs, RecordingQueue()
    report = files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records()))
    ctx.jobs = jobs
    return report.message_ids


def outcome(ctx: Context) -> tuple[set[frozenset[str]], list[str], list[int]]:
    """Which messages share a case, the tickets, and each case's count of citizens."""
    with ctx.engine.connect() as conn:
        members: dict[int, set[str]] = {}
        for case_id, external in conn.execute(
            sa.select(t.messages.c.case_id, t.messages.c.external_id)
        ):
            assert case_id is not None, f"{external} was not placed"
            members.setdefault(case_id, set()).add(external)
        cases = conn.execute(sa.select(t.cases.c.ticket, t.cases.c.report_count)).all()
    return (
        {frozenset(m) for m in members.values()},
        [c.ticket for c in cases],
        [c.report_count for c in cases],
    )


@pytest.fixture
def two_pg(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases: one placed in parallel, one one by one."""
    template = request.getfixturevalue("pg_template")
    first, second = _pg_fresh(request, template), _pg_fresh(request, template)
    yield next(first), next(second)
    for gen in (first, second):
        next(gen, None)


@pytest.mark.postgres
def test_parallel_placements_into_the_same_places_match_one_by_one(
    two_pg: tuple[str, str], tmp_path: Path
) -> None:
    parallel, serial = (make_ctx(url) for url in two_pg)
    try:
        ids = stored(parallel, tmp_path / "p")
        assert stored(serial, tmp_path / "s") == ids
        serial_counts = analysis.analyze_messages(serial, ids)

        workers = 4
        gate = threading.Barrier(workers)
        errors: list[BaseException] = []
        counts: list[dict[str, int]] = []

        def work(share: list[int]) -> None:
            gate.wait()
            try:
                for start in range(0, len(share), 5):  # many small jobs, as webhooks make them
                    counts.append(analysis.analyze_messages(parallel, share[start : start + 5]))
            except BaseException as exc:  # reported below, whatever it is
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(ids[w::workers],)) for w in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors, errors
        groups, tickets, reporters = outcome(parallel)
        serial_groups, _serial_tickets, serial_reporters = outcome(serial)

        assert len(tickets) == len(set(tickets)) == len(PLACES) * len(PROBLEMS)
        assert groups == serial_groups  # merged exactly as one by one
        assert sorted(reporters) == sorted(serial_reporters) == [REPORTERS] * len(tickets)
        total = {k: sum(c.get(k, 0) for c in counts) for k in serial_counts}
        assert total == serial_counts
        # a deadlock would cost a retry: the fixed lock order leaves none
        assert sum(c.get("conflict_retries", 0) for c in counts) == 0
    finally:
        parallel.close()
        serial.close()


@pytest.mark.postgres
def test_a_placement_waits_only_for_one_about_the_same_place(
    two_pg: tuple[str, str], tmp_path: Path
) -> None:
    ctx = make_ctx(two_pg[0])
    try:
        with_accounts(ctx, tmp_path)
        jobs, ctx.jobs = ctx.jobs, RecordingQueue()
        texts = [
            "jalan rusak berlubang parah di batutulis",
            "jalan rusak berlubang parah di sempur",
            "jalan batutulis rusak berlubang bahaya",
        ]
        first, elsewhere, same = files.ingest_file(
            ctx, write_jsonl(tmp_path / "m.jsonl", [message(i, x) for i, x in enumerate(texts)])
        ).message_ids
        ctx.jobs = jobs
        analyzer = ctx.analyzer()
        report = analyzer.analyze_batch([(texts[0], "32.71")])[0]
        done: dict[int, dict[str, int]] = {}

        def analyse(message_id: int) -> None:
            done[message_id] = analysis.analyze_messages(ctx, [message_id])

        with ctx.engine.connect() as conn, conn.begin():  # a placement in Batu Tulis, open
            held = triage.place_message(
                conn, ctx, message_id=first, platform="instagram", analysis=report, author="warga0"
            )
            assert held is not None and not held.joined
            other = threading.Thread(target=analyse, args=(elsewhere,))
            other.start()
            other.join(30)
            assert done.get(elsewhere, {}).get("cases_opened") == 1  # Sempur did not wait
            waiting = threading.Thread(target=analyse, args=(same,))
            waiting.start()
            waiting.join(1.0)
            assert waiting.is_alive()  # Batu Tulis's road waits for the open placement
            conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.id == first)
                .values(case_id=held.case_id, analyzed_at=ctx.now())
            )
        waiting.join(30)
        assert done[same]["cases_joined"] == 1  # and then joins its case, as one by one would
    finally:
        ctx.close()


def test_a_conflict_is_retried_and_counted(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stored(ctx, tmp_path)[: REPORTERS + 1 : 2]  # three citizens, one problem
    place = triage.place_message
    failed: list[int] = []

    class Deadlock(Exception):
        sqlstate = "40P01"

    def once(conn: sa.Connection, context: Context, **kwargs: Any) -> Any:
        if not failed:  # the first placement meets a deadlock, as PostgreSQL would report it
            failed.append(kwargs["message_id"])
            raise sa.exc.OperationalError("UPDATE cases", {}, Deadlock("deadlock detected"))
        return place(conn, context, **kwargs)

    monkeypatch.setattr(triage, "place_message", once)
    counts = analysis.analyze_messages(ctx, ids)
    assert counts["conflict_retries"] == 1 and counts["analyzed"] == 3
    with ctx.engine.connect() as conn:
        placed = conn.execute(sa.select(t.messages.c.case_id).where(t.messages.c.id.in_(ids)))
        cases = conn.execute(sa.select(sa.func.count()).select_from(t.cases)).scalar_one()
        assert None not in placed.scalars().all() and cases == 1  # placed once, nothing lost
