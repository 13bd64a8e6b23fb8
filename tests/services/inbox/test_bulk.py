"""Acting on several messages at once, and verifying a case with the reply: each message goes
through the same service as its own card, so nothing can be done in bulk that could not be
done one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import actor_for
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.inbox import bulk, messages
from paseban.services.ingest import files
from paseban.services.people import audit
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl

LURAH = actor_for("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
OTHER = actor_for("lurah.tegalgundil", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.05.1002"))
VIEWER = actor_for("pimpinan", Role.VIEWER, Scope())


@pytest.fixture
def ids(ctx: Context, tmp_path: Path) -> dict[str, int]:
    with_accounts(ctx, tmp_path)
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget min"),
        message(2, "mantap min acaranya kemarin seru"),
        message(3, "terima kasih pak lurah"),
        message(4, "slot gacor deposit 10rb wd pasti cair"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.messages.c.external_id, t.messages.c.id)).all()
    return {str(ext): int(mid) for ext, mid in rows}


def state(ctx: Context, mid: int) -> tuple[str, str | None]:
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.messages.c.inbox_state, t.messages.c.intent).where(t.messages.c.id == mid)
        ).one()
    return str(found.inbox_state), found.intent


def test_mark_several_as_not_a_complaint(ctx: Context, ids: dict[str, int]) -> None:
    chosen = [ids["m2"], ids["m3"], ids["m2"]]  # a message chosen twice is handled once
    result = bulk.act_on_many(ctx, LURAH, chosen, "bukan_aduan", intent="apresiasi")
    assert result.done == [ids["m2"], ids["m3"]] and not result.skipped
    assert state(ctx, ids["m2"]) == ("not_complaint", "apresiasi")
    assert len(audit.list_events(ctx, action="message.not_complaint")) == 2


def test_a_template_that_does_not_fit_skips_the_message(ctx: Context, ids: dict[str, int]) -> None:
    """The "received" template names the ticket: a message without a case cannot take it."""
    result = bulk.act_on_many(ctx, LURAH, [ids["m1"], ids["m3"]], "balas", template="received")
    assert result.done == [ids["m1"]]
    assert "{tiket}" in result.skipped[ids["m3"]]
    assert state(ctx, ids["m1"])[0] == "answered" and state(ctx, ids["m3"])[0] == "new"
    thanks = bulk.act_on_many(ctx, LURAH, [ids["m2"], ids["m3"]], "balas", template="thanks")
    assert thanks.done == [ids["m2"], ids["m3"]]


def test_hide_and_refusals(ctx: Context, ids: dict[str, int]) -> None:
    assert bulk.act_on_many(ctx, LURAH, [ids["m4"]], "spam").done == [ids["m4"]]
    assert state(ctx, ids["m4"]) == ("hidden", "spam")
    # one message outside the area: nothing is done
    with pytest.raises(Forbidden):
        bulk.act_on_many(ctx, OTHER, [ids["m2"]], "bukan_aduan")
    with pytest.raises(NotFound):
        bulk.act_on_many(ctx, LURAH, [ids["m2"], 99999], "bukan_aduan")
    with pytest.raises(Forbidden):
        bulk.act_on_many(ctx, VIEWER, [ids["m2"]], "bukan_aduan")
    for action, extra in [
        ("hapus", {}),
        ("balas", {"template": "nonsense"}),
        ("bukan_aduan", {"intent": "aduan"}),
    ]:
        with pytest.raises(InvalidInput):
            bulk.act_on_many(ctx, LURAH, [ids["m2"]], action, **extra)
    with pytest.raises(InvalidInput):
        bulk.act_on_many(ctx, LURAH, [], "bukan_aduan")
    assert state(ctx, ids["m2"]) == ("new", state(ctx, ids["m2"])[1])


def test_verifying_with_the_reply(ctx: Context, ids: dict[str, int]) -> None:
    """A kelurahan admin's reply can verify the case in the same tap; only once, only where
    the role verifies, only a case still waiting for it."""
    with ctx.engine.connect() as conn:
        case_id = conn.execute(
            sa.select(t.messages.c.case_id).where(t.messages.c.id == ids["m1"])
        ).scalar_one()

    def status() -> str:
        with ctx.engine.connect() as conn:
            return str(
                conn.execute(sa.select(t.cases.c.status).where(t.cases.c.id == case_id)).scalar()
            )

    assert messages.verify_case(ctx, VIEWER, ids["m1"]) is None  # the leadership reads only
    assert messages.verify_case(ctx, LURAH, ids["m2"]) is None  # no case
    ticket = messages.verify_case(ctx, LURAH, ids["m1"])
    assert ticket is not None and ticket.startswith("BGR-") and status() == "verified"
    assert messages.verify_case(ctx, LURAH, ids["m1"]) is None  # already done
