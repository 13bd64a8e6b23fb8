from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import InvalidInput, NotFound
from paseban.services.inbox import review
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl


@pytest.fixture
def one_message(ctx: Context, tmp_path: Path) -> int:
    with_accounts(ctx, tmp_path)
    report = files.ingest_file(
        ctx, write_jsonl(tmp_path / "m.jsonl", [message(1, "hmm gimana ya")])
    )
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))
    return report.message_ids[0]


def test_corrections_are_stored_applied_and_exported(ctx: Context, one_message: int) -> None:
    assert [m["id"] for m in review.queue(ctx)] == [one_message]
    changed = review.correct(
        ctx,
        one_message,
        {"intent": "aduan", "topic": "sampah", "kelurahan": "32.71.05.1002"},
        actor="op",
    )
    assert changed == 3
    assert review.queue(ctx) == []
    with ctx.engine.connect() as conn:
        stored = (
            conn.execute(sa.select(t.analysis_corrections).order_by(t.analysis_corrections.c.id))
            .mappings()
            .all()
        )
        msg = conn.execute(sa.select(t.messages)).mappings().one()
    assert [(c["field"], c["new_value"], c["actor"]) for c in stored] == [
        ("intent", "aduan", "op"),
        ("topic", "sampah", "op"),
        ("kelurahan", "32.71.05.1002", "op"),
    ]
    assert msg["kecamatan"] == "32.71.05" and msg["place_source"] == "human"
    exported = review.corrections_for_training(ctx)
    assert exported[0]["text"] == "hmm gimana ya" and exported[0]["topic"] == "sampah"


def test_bad_corrections_change_nothing(ctx: Context, one_message: int) -> None:
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        review.correct(ctx, one_message, {"intent": "aduan", "topic": "korupsi"}, actor="op")
    with pytest.raises(InvalidInput, match="tidak dapat dikoreksi"):
        review.correct(ctx, one_message, {"text": "x"}, actor="op")
    with pytest.raises(NotFound):
        review.correct(ctx, 999, {"intent": "aduan"}, actor="op")
    with ctx.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(t.analysis_corrections)).scalar()
            == 0
        )
        assert conn.execute(sa.select(t.messages.c.intent)).scalar() != "aduan"


def test_queue_shows_what_teaches_the_model_most_first(ctx: Context, tmp_path: Path) -> None:
    """Least confident first, in turns over topics; paging follows that order; the scope holds."""
    with_accounts(ctx, tmp_path)
    # (intent, topic, intent confidence, topic confidence), received in this order
    stored = [
        ("aduan", "jalan", 0.55, 0.9),  # doubt 0.45
        ("aduan", "jalan", 0.35, 0.9),  # doubt 0.65: the most doubtful road complaint
        ("aduan", "sampah", 0.9, 0.5),  # doubt 0.50 (its topic is the weak decision)
        ("informasi", None, 0.45, 1.0),  # doubt 0.55
        ("aduan", "jalan", 0.40, 0.9),  # doubt 0.60
        ("aduan", "jalan", 0.95, 0.95),  # sure: not waiting for review
    ]
    records = [message(n, f"pesan {n}") for n in range(1, len(stored) + 1)]
    report = files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    ids = report.message_ids
    with ctx.engine.begin() as conn:
        for mid, (intent, topic, ci, ct) in zip(ids, stored, strict=True):
            conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.id == mid)
                .values(
                    intent=intent,
                    topic=topic,
                    confidence={"intent": ci, "topic": ct, "urgency": 0.9, "place": 0.5},
                    needs_review=ci < 0.6 or ct < 0.6,
                )
            )
    order = [m["id"] for m in review.queue(ctx)]
    # round 1: the most doubtful of each topic (jalan 0.65, informasi 0.55, sampah 0.50);
    # round 2: the next road complaints (0.60, then 0.45)
    assert order == [ids[1], ids[3], ids[2], ids[4], ids[0]]
    assert review.queue(ctx)[0]["doubt"] == 0.65
    assert [m["id"] for m in review.queue(ctx, limit=2, offset=2)] == [ids[2], ids[4]]
    assert review.waiting(ctx) == {"pending": 5, "corrected": 0}
    assert review.queue(ctx, account_ids=[]) == []
    review.correct(ctx, ids[1], {"intent": "pertanyaan"}, actor="op")
    assert [m["id"] for m in review.queue(ctx)] == [ids[4], ids[3], ids[2], ids[0]]
    assert review.waiting(ctx) == {"pending": 4, "corrected": 1}
