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
