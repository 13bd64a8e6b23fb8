from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.content import approvals as ap
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.content import network, stories
from paseban.services.content import posts as content
from paseban.services.ingest import files
from paseban.services.people import accounts
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl
from tests.services.content.test_posts import GOOD, LURAH_BT, LURAH_TG, OPERATOR, account_id

CAMAT = ap.Person("camat.bogorselatan", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))


@pytest.fixture
def people(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    accounts.add_user(ctx, "lurah.batutulis", role="kelurahan_admin", scope="32.71.01.1001")
    accounts.add_user(ctx, "lurah.tegalgundil", role="kelurahan_admin", scope="32.71.05.1002")
    accounts.add_user(ctx, "operator", role="diskominfo")


def test_training_check_in_with_code_and_qr(ctx: Context, clock: FixedClock, people: None) -> None:
    with pytest.raises(Forbidden):
        network.create_session(ctx, LURAH_BT, kind="kopdar", title="x", held_at=ctx.now())
    made = network.create_session(
        ctx,
        OPERATOR,
        kind="kopdar",
        title="Kopdar Admin Medsos",
        held_at=ctx.now() + timedelta(minutes=30),
        place="Paseban Sri Baduga",
    )
    code = made["checkin_code"]
    assert len(code) == 6 and not set(code) & set("01OI")
    svg = network.qr_svg(ctx, code)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and code in svg
    with pytest.raises(NotFound):
        network.check_in(ctx, LURAH_BT, "ZZZZZZ")
    first = network.check_in(ctx, LURAH_BT, code.lower(), method="qr")
    assert first["already"] is False
    assert network.check_in(ctx, LURAH_BT, code)["already"] is True
    network.check_in(ctx, OPERATOR, code, username="lurah.tegalgundil")
    session = network.get_session(ctx, OPERATOR, made["id"])
    assert [(p["username"], p["method"]) for p in session["people"]] == [
        ("lurah.batutulis", "qr"),
        ("lurah.tegalgundil", "manual"),
    ]
    clock.advance(timedelta(hours=5))
    with pytest.raises(Conflict, match="tidak dibuka"):
        network.check_in(ctx, OPERATOR, code)


def test_roster_and_before_after(
    ctx: Context, clock: FixedClock, people: None, tmp_path: Path
) -> None:
    acc = account_id(ctx, "kelurahan.batutulis")
    with pytest.raises(Forbidden):
        network.add_admin(ctx, LURAH_TG, acc, name="Siti")
    network.add_admin(ctx, LURAH_BT, acc, name="Siti Aminah", username="lurah.batutulis")
    with pytest.raises(Conflict):
        network.add_admin(ctx, LURAH_BT, acc, name="Siti Aminah", username="lurah.batutulis")
    roster = {r["handle"]: r for r in network.roster(ctx, LURAH_BT)}
    assert [a["name"] for a in roster["kelurahan.batutulis"]["admins"]] == ["Siti Aminah"]
    # before: a poor draft and a citizen answered after 3 days
    content.create_post(ctx, LURAH_BT, content.PostInput(acc, "info besok"))
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", [message(1, "jalan batutulis rusak")]))
    with ctx.engine.begin() as conn:
        mid = conn.execute(sa.select(t.messages.c.id)).scalar_one()
        conn.execute(
            sa.insert(t.outbox).values(
                platform="instagram",
                account_id=acc,
                in_reply_to_message_id=mid,
                kind="reply",
                text="siap",
                status="sent",
                attempts=1,
                dedupe_key="r1",
                created_at=ctx.now(),
                sent_at=ctx.now() + timedelta(hours=10),
            )
        )
    clock.advance(timedelta(days=1))
    made = network.create_session(
        ctx, OPERATOR, kind="pelatihan", title="Pelatihan keliling", held_at=ctx.now()
    )
    network.check_in(ctx, LURAH_BT, made["checkin_code"])
    clock.advance(timedelta(days=1))
    content.create_post(ctx, LURAH_BT, content.PostInput(acc, GOOD, "acara"))
    result = network.before_after(ctx, OPERATOR, made["id"])
    assert result["running"] and result["window_days"] == 30
    (row,) = result["rows"]
    assert row["account"]["handle"] == "kelurahan.batutulis"
    before, after, delta = (
        row["before"]["quality"],
        row["after"]["quality"],
        row["delta"]["quality"],
    )
    assert before is not None and after is not None and delta is not None
    assert before < after and delta > 30
    assert row["before"]["replies"] == 1 and (row["before"]["reply_minutes"] or 0) > 0
    assert network.before_after(ctx, LURAH_TG, made["id"])["rows"] == []


def test_profiles_are_scoped_and_sourced(ctx: Context, people: None) -> None:
    rows = stories.list_profiles(ctx, OPERATOR)
    assert len(rows) == 68 and all(r["completeness"] == 0 for r in rows)
    assert len(stories.list_profiles(ctx, CAMAT)) == 16
    with pytest.raises(Forbidden):
        stories.save_profile(ctx, LURAH_TG, "32.71.01.1001", {"landmarks": "Prasasti"})
    with pytest.raises(InvalidInput, match="sumber"):
        stories.save_profile(ctx, LURAH_BT, "32.71.01.1001", {"name_origin": "dari batu"})
    stories.save_profile(
        ctx,
        LURAH_BT,
        "32.71.01.1001",
        {"landmarks": "Prasasti Batutulis\n\n", "sources": ["Papan informasi situs"]},
    )
    got = stories.get_profile(ctx, CAMAT, "32.71.01.1001")
    assert got["profile"].landmarks == ("Prasasti Batutulis",) and got["can_edit"]
    assert got["completeness"] == 25 and any(p.field == "name_origin" for p in got["prompts"])
    with pytest.raises(Forbidden):
        stories.get_profile(ctx, LURAH_TG, "32.71.01.1001")


def test_story_ideas_from_praise(ctx: Context, people: None, tmp_path: Path) -> None:
    files.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / "p.jsonl",
            [
                message(1, "terima kasih kader posyandu batutulis, hebat dan rutin tiap bulan 🙏"),
                message(
                    2, "mantap kerja bakti warga batutulis kemarin, jalan jadi bersih dan rapi"
                ),
            ],
        ),
    )
    ideas = stories.story_ideas(ctx, LURAH_BT)
    assert ideas and ideas[0]["kelurahan"] == "32.71.01.1001"
    assert stories.story_ideas(ctx, LURAH_TG) == []
    used = ideas[0]["message_ids"][0]
    content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(
            account_id(ctx, "kelurahan.batutulis"), GOOD, "cerita", source_message_id=used
        ),
    )
    after = stories.story_ideas(ctx, LURAH_BT)
    assert all(used not in i["message_ids"] for i in after)


def test_a_draft_cannot_quote_a_message_from_another_area(
    ctx: Context, people: None, tmp_path: Path
) -> None:
    # issue 16: a draft could reference a message outside its author's area
    files.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / "p.jsonl",
            [message(1, "terima kasih kader posyandu batutulis, hebat dan rutin tiap bulan 🙏")],
        ),
    )
    used = stories.story_ideas(ctx, LURAH_BT)[0]["message_ids"][0]
    with pytest.raises(InvalidInput, match="tidak ada"):
        content.create_post(
            ctx,
            LURAH_TG,
            content.PostInput(
                account_id(ctx, "kelurahan.tegalgundil"), GOOD, "cerita", source_message_id=used
            ),
        )
