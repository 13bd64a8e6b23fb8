"""Issue 15's defects end to end: documented deliveries through receive_webhook into the
database, and replies through the outbox to a fake platform (contract fixtures)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.base import hub_signature
from paseban.connectors.connector import NotConfigured
from paseban.context import Context
from paseban.errors import InvalidInput
from paseban.services.ingest import outbox, subscriptions
from paseban.services.ingest import webhooks as ingest
from paseban.services.people import credentials
from paseban.storage import tables as t
from tests.connectors.contract.helpers import (
    AT,
    SECRET,
    X_SECRET,
    answer,
    load,
    meta_signed,
    request,
    with_contract_accounts,
    x_signed,
)
from tests.connectors.helpers import RecordingQueue, connector_settings

NOW = AT + timedelta(minutes=10)
IG, FB = "meta-instagram", "meta-messenger-page"


@pytest.fixture
def fctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    ctx = create_context(
        connector_settings(db_url, meta_app_secret=SECRET, x_consumer_secret=X_SECRET),
        clock=FixedClock(NOW),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    with_contract_accounts(ctx, tmp_path)
    yield ctx
    ctx.close()


def deliver(ctx: Context, folder: str, name: str) -> dict[str, int]:
    channel = {IG: "meta", FB: "meta", "whatsapp": "whatsapp", "x": "x"}[folder]
    signed = x_signed(name) if folder == "x" else meta_signed(folder, name)
    return ingest.receive_webhook(ctx, channel, *signed).counts()


def messages(ctx: Context) -> list[Any]:
    with ctx.engine.connect() as conn:
        return list(conn.execute(sa.select(t.messages).order_by(t.messages.c.id)).mappings())


def with_text(folder: str, name: str, path: list[Any], text: str, mid: str) -> bytes:
    payload = load(folder, name)
    node = payload
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = text
    node["mid"] = mid
    return json.dumps(payload).encode()


def test_defect_3_a_standby_dm_is_stored_once(fctx: Context) -> None:
    first = deliver(fctx, IG, "standby__text")
    assert first["stored"] == 1
    assert deliver(fctx, IG, "standby__text")["duplicates"] == 1
    (stored,) = messages(fctx)
    assert stored["standby"] is True and stored["kind"] == "direct"


def test_defect_8_an_echo_answers_its_own_citizen_not_the_latest_writer(fctx: Context) -> None:
    """Two citizens write in turn; the Page answers the first. Before: the echo was linked to
    the latest DM from anyone (the second citizen), skewing response times."""
    assert deliver(fctx, FB, "messaging__text")["stored"] == 1  # citizen 25000000000000001
    other = load(FB, "messaging__text")
    event = other["entry"][0]["messaging"][0]
    event["sender"]["id"] = "25000000000000099"
    event["message"]["mid"] = "m_other_citizen"
    event["timestamp"] += 1000
    raw = json.dumps(other).encode()
    ingest.receive_webhook(fctx, "meta", {"X-Hub-Signature-256": hub_signature(SECRET, raw)}, raw)
    assert deliver(fctx, FB, "message_echoes__text")["own"] == 1
    first, second = messages(fctx)
    with fctx.engine.connect() as conn:
        echo = (
            conn.execute(sa.select(t.outbox).where(t.outbox.c.dedupe_key.like("seen:%")))
            .mappings()
            .one()
        )
    assert echo["in_reply_to_message_id"] == first["id"] != second["id"]


def test_our_own_send_echoing_back_is_not_counted_twice(fctx: Context) -> None:
    payload = load(FB, "message_echoes__text_with_metadata")
    payload["entry"][0]["messaging"][0]["message"]["metadata"] = "paseban:4711"
    raw = json.dumps(payload).encode()
    report = ingest.receive_webhook(
        fctx, "meta", {"X-Hub-Signature-256": hub_signature(SECRET, raw)}, raw
    )
    with fctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.outbox)).scalar() == 0
    assert report.own == 1


def test_defect_11_an_attachment_is_stored_with_its_reference_and_read(fctx: Context) -> None:
    deliver(fctx, IG, "messaging__attachment_image")
    deliver(fctx, "whatsapp", "messages__location_named")
    image, place = messages(fctx)
    assert image["text"] == "[foto]" and image["masked_text"] == "[foto]"
    assert image["media"][0]["type"] == "image" and image["media"][0]["url"].startswith("https://")
    assert place["text"].startswith("[lokasi: ") and place["analyzed_at"] is not None


def test_defect_12_edit_and_removal_keep_the_history_and_the_case(fctx: Context) -> None:
    """Before: a second event with the same id was a duplicate; the old text stayed."""
    deliver(fctx, "whatsapp", "messages__text")  # a complaint: the water is off
    (original,) = messages(fctx)
    assert original["case_id"] is not None
    edited = deliver(fctx, "whatsapp", "messages__edit_coexistence")
    assert edited["changed"] == 1 and edited["stored"] == 0
    (after,) = messages(fctx)
    assert "jembatan RT 04" in after["text"] and after["edited_at"] is not None
    assert after["media"][0]["type"] == "image" and after["case_id"] == original["case_id"]
    assert deliver(fctx, "whatsapp", "messages__edit_coexistence")["changed"] == 0  # twice: once
    removed = deliver(fctx, "whatsapp", "messages__revoke_coexistence")
    assert removed["changed"] == 1
    (gone,) = messages(fctx)
    assert gone["deleted_by"] == "citizen" and gone["case_id"] == original["case_id"]
    with fctx.engine.connect() as conn:
        history = (
            conn.execute(sa.select(t.message_revisions).order_by(t.message_revisions.c.id))
            .mappings()
            .all()
        )
        events = [
            e.action
            for e in conn.execute(
                sa.select(t.case_events.c.action).where(
                    t.case_events.c.case_id == original["case_id"]
                )
            )
        ]
        case = conn.execute(sa.select(t.cases).where(t.cases.c.id == original["case_id"])).one()
    assert [(h["kind"], h["old_text"]) for h in history] == [
        ("edited", original["text"]),
        ("deleted", after["text"]),
    ]
    assert "citizen_edited" in events and "citizen_removed" in events
    assert case.status not in ("closed", "rejected")  # the work goes on


def test_defect_12_an_x_deletion_and_a_feed_removal(fctx: Context) -> None:
    deliver(fctx, "x", "account_activity__tweet_create_mention")
    deliver(fctx, FB, "feed__comment_add")
    assert deliver(fctx, "x", "account_activity__tweet_delete")["changed"] == 1
    assert deliver(fctx, FB, "feed__comment_edited")["changed"] == 1
    assert deliver(fctx, FB, "feed__comment_remove")["changed"] == 1
    assert all(m["deleted_at"] is not None for m in messages(fctx))


def test_defect_5_a_username_user_is_stored_and_answered(fctx: Context) -> None:
    """Before: stored without an author, and the reply failed."""
    deliver(fctx, "whatsapp", "messages__username_user_fields_omitted")
    (message,) = messages(fctx)
    assert message["author_id"] == "ID.1502576394655843" and message["author"] == "Budi"
    fctx.jobs = RecordingQueue()
    text = request("whatsapp", "send__text_to_bsuid_recipient")["json"]["text"]["body"]
    outbox_id = outbox.enqueue_reply(fctx, message["id"], text)
    sent: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        return answer("whatsapp", "send__text_to_bsuid_recipient")

    with fctx.engine.begin() as conn:  # the automatic acknowledgement is not this test's
        conn.execute(
            sa.update(t.outbox).where(t.outbox.c.id != outbox_id).values(status="cancelled")
        )
    counts = outbox.send_due(fctx, client=httpx.Client(transport=httpx.MockTransport(graph)))
    assert counts["sent"] == 1
    assert json.loads(sent[0].content)["recipient"] == "ID.1502576394655843"


def test_defect_5_a_new_bsuid_follows_the_citizen(fctx: Context) -> None:
    deliver(fctx, "whatsapp", "messages__username_user_fields_omitted")
    payload = load("whatsapp", "messages__username_user_fields_omitted")
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"] = [
        {
            "from_user_id": "ID.1502576394655843",
            "id": "wamid.system1",
            "timestamp": "1782868600",
            "type": "system",
            "system": {
                "body": "User Budi changed from ID.1502576394655843 to ID.999",
                "user_id": "ID.999",
                "type": "user_changed_user_id",
            },
        }
    ]
    raw = json.dumps(payload).encode()
    ingest.receive_webhook(
        fctx, "whatsapp", {"X-Hub-Signature-256": hub_signature(SECRET, raw)}, raw
    )
    (message,) = messages(fctx)
    assert message["author_id"] == "ID.999"


def dm_id(fctx: Context) -> int:
    deliver(fctx, IG, "messaging__text")
    return int(messages(fctx)[0]["id"])


def test_defect_9_a_too_long_instagram_dm_is_refused_at_enqueue(fctx: Context) -> None:
    """Before: up to 2,200 characters went to the outbox and failed for good at Meta."""
    message_id = dm_id(fctx)
    with pytest.raises(InvalidInput, match=r"Instagram DM: 1\.001 / 1\.000 byte"):
        outbox.enqueue_reply(fctx, message_id, "é" * 500 + "a")
    assert outbox.enqueue_reply(fctx, message_id, "a" * 1000)


def test_defect_4_a_late_reply_needs_the_human_agent_tag(db_url: str, tmp_path: Path) -> None:
    """30 hours after the citizen's DM: refused with a clear reason while the tag is off;
    sent with MESSAGE_TAG/HUMAN_AGENT once App Review granted it (PASEBAN_META_HUMAN_AGENT)."""
    for tag in (False, True):
        ctx = create_context(
            connector_settings(db_url, meta_app_secret=SECRET, meta_human_agent=tag),
            clock=FixedClock(AT + timedelta(hours=30)),
            load_entrypoints=False,
            jobs_backend="eager",
        )
        try:
            if not tag:
                with_contract_accounts(ctx, tmp_path)
                message_id = dm_id(ctx)
                with pytest.raises(InvalidInput, match="HUMAN_AGENT"):
                    outbox.enqueue_reply(ctx, message_id, "Mohon maaf baru kami balas.")
                continue
            message_id = int(messages(ctx)[0]["id"])
            credentials.set_token(ctx, "instagram", "pemkot.contoh", "page", actor="t")
            ctx.jobs = RecordingQueue()
            outbox.enqueue_reply(ctx, message_id, "Mohon maaf baru kami balas.")
            sent: list[httpx.Request] = []

            def graph(req: httpx.Request, sent: list[httpx.Request] = sent) -> httpx.Response:
                sent.append(req)
                return answer(IG, "send__human_agent_tag")

            client = httpx.Client(transport=httpx.MockTransport(graph))
            assert outbox.send_due(ctx, client=client)["sent"] >= 1
            body = json.loads(sent[-1].content)
            assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
        finally:
            ctx.close()


def test_defect_13_a_page_is_subscribed_to_echoes_edits_and_standby(fctx: Context) -> None:
    """Before: the documented subscription left out message_echoes (Business Suite's replies),
    message_edits and standby; now Paseban subscribes each Page itself."""
    credentials.set_token(fctx, "facebook", "pemkot.contoh.fb", "page-token", actor="t")
    asked: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        asked.append(req)
        return answer(FB, "subscribed_apps__page_fields")

    client = httpx.Client(transport=httpx.MockTransport(graph))
    fields = subscriptions.subscribe(fctx, "facebook", "pemkot.contoh.fb", client=client)
    documented = request(FB, "subscribed_apps__page_fields")
    assert ",".join(fields) == documented["query"]["subscribed_fields"]
    assert asked[0].headers["authorization"] == "Bearer page-token"
    credentials.set_token(fctx, "instagram", "pemkot.contoh", "page-token", actor="t")
    with pytest.raises(NotConfigured):  # Instagram's fields are the app's, in the dashboard
        subscriptions.subscribe(fctx, "instagram", "pemkot.contoh", client=client)
