from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban import jobs
from paseban.clock import FixedClock
from paseban.content import approvals as ap
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.services.content import posts as content
from paseban.services.content import publishing
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl
from tests.services.content.test_posts import GOOD, LURAH_BT, OPERATOR, account_id, pictured

CAMAT = ap.Person("camat.bogorselatan", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))


@pytest.fixture
def scheduled(ctx: Context, tmp_path: Path) -> int:
    with_accounts(ctx, tmp_path)
    acc = account_id(ctx, "kelurahan.batutulis")
    post_id = content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(
            acc, GOOD, scheduled_at=ctx.now() + timedelta(hours=2), media=pictured(ctx, LURAH_BT)
        ),
    )
    content.act(ctx, LURAH_BT, post_id, "submit")
    assert content.act(ctx, CAMAT, post_id, "approve")["status"] == "scheduled"
    return post_id


def outbox(ctx: Context) -> list[sa.Row[tuple[object, ...]]]:
    with ctx.engine.connect() as conn:
        return list(conn.execute(sa.select(t.outbox)).all())


def test_scheduled_post_goes_to_the_outbox_once_and_links_back(
    ctx: Context, clock: FixedClock, scheduled: int
) -> None:
    assert publishing.publish_due(ctx)["queued"] == 0  # not yet
    clock.advance(timedelta(hours=2))
    assert "publish_due_posts" in jobs.registry(ctx)
    ctx.jobs.enqueue("publish_due_posts")
    assert publishing.publish_due(ctx)["queued"] == 0  # a second run adds nothing
    rows = outbox(ctx)
    assert len(rows) == 1
    row = rows[0]
    assert row.kind == "post" and row.status == "pending" and row.text == GOOD
    assert row.dedupe_key.startswith(f"content:{scheduled}:")
    post = content.get_post(ctx, LURAH_BT, scheduled)
    assert post["status"] == "publishing" and post["outbox_id"] == row.id
    # the connectors' sender delivers it
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == row.id)
            .values(status="sent", sent_at=ctx.now(), external_id="17890000000001")
        )
    assert publishing.publish_due(ctx)["published"] == 1
    post = content.get_post(ctx, LURAH_BT, scheduled)
    assert post["status"] == "published" and post["external_id"] == "17890000000001"
    assert [e["action"] for e in post["events"]][-2:] == ["queue", "published"]
    from paseban.services.content import programs

    assert programs.record_metrics(
        ctx, platform="instagram", external_id="17890000000001", metrics={"likes": 5}
    )
    assert content.get_post(ctx, LURAH_BT, scheduled)["metrics"] == {"likes": 5}


def test_failed_delivery_can_be_rescheduled_without_a_double_post(
    ctx: Context, clock: FixedClock, scheduled: int
) -> None:
    clock.advance(timedelta(hours=3))
    publishing.publish_due(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.outbox).values(status="failed", last_error="token kedaluwarsa"))
    assert publishing.publish_due(ctx)["failed"] == 1
    post = content.get_post(ctx, LURAH_BT, scheduled)
    assert post["status"] == "failed" and "token" in post["events"][-1]["note"]
    content.act(ctx, LURAH_BT, scheduled, "schedule", scheduled_at=ctx.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=1))
    assert publishing.publish_due(ctx)["queued"] == 1
    keys = {r.dedupe_key for r in outbox(ctx)}
    assert len(keys) == 2  # a new attempt is a new version, never the same row twice


def test_quiet_accounts_are_flagged_to_kecamatan_and_diskominfo(
    ctx: Context, clock: FixedClock, tmp_path: Path
) -> None:
    with_accounts(ctx, tmp_path)
    files.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / "m.jsonl",
            [
                message(
                    1,
                    "jalan di batutulis rusak parah, tolong diperbaiki",
                    account="kelurahan.batutulis",
                )
            ],
        ),
    )
    assert publishing.flag_quiet_accounts(ctx)["flagged"] == 0
    clock.advance(timedelta(days=4))
    assert publishing.flag_quiet_accounts(ctx) == {"flagged": 1, "resolved": 0}  # no answer
    clock.advance(timedelta(days=4))
    counts = publishing.flag_quiet_accounts(ctx)
    assert counts["flagged"] == 4  # every publishing account: no post for 7 days
    assert publishing.flag_quiet_accounts(ctx)["flagged"] == 0  # flagged once
    kinds = {(a["handle"], a["kind"]) for a in publishing.quiet_alerts(ctx, CAMAT)}
    assert kinds == {("kelurahan.batutulis", "no_answer"), ("kelurahan.batutulis", "no_post")}
    assert len(publishing.quiet_alerts(ctx, OPERATOR)) == 5
    assert {a["kecamatan"] for a in publishing.quiet_alerts(ctx, CAMAT)} == {"32.71.01"}
    # an answer resolves the flag
    with ctx.engine.begin() as conn:
        acc = account_id(ctx, "kelurahan.batutulis")
        conn.execute(
            sa.insert(t.outbox).values(
                platform="instagram",
                account_id=acc,
                kind="reply",
                text="siap",
                status="sent",
                attempts=1,
                dedupe_key="r1",
                created_at=ctx.now(),
                sent_at=ctx.now(),
            )
        )
    assert publishing.flag_quiet_accounts(ctx)["resolved"] == 1
    publishing.set_quiet_days(ctx, OPERATOR, post=30, answer=3)
    assert publishing.flag_quiet_accounts(ctx)["resolved"] == 4


def test_a_draft_left_in_the_creators_inbox_is_not_a_post_for_the_quiet_check(
    ctx: Context, clock: FixedClock, scheduled: int
) -> None:
    """A TikTok upload that waits in the creator's inbox is not public: the account is still
    quiet until someone posts it there (or posts anything else)."""
    publishing.set_quiet_days(ctx, OPERATOR, post=2, answer=3)
    clock.advance(timedelta(hours=2))
    publishing.publish_due(ctx)
    clock.advance(timedelta(days=2))  # the account has posted nothing for two days
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.outbox).values(
                status="sent", sent_at=ctx.now(), progress={"in_inbox": True}
            )
        )
    publishing.publish_due(ctx)
    assert content.get_post(ctx, LURAH_BT, scheduled)["status"] == "inbox"
    publishing.flag_quiet_accounts(ctx)
    quiet = {(a["handle"], a["kind"]) for a in publishing.quiet_alerts(ctx, OPERATOR)}
    assert ("kelurahan.batutulis", "no_post") in quiet
