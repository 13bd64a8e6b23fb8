"""SLA policies, reply templates and triage parameters per city (issue 17, item 5): in a
province's deployment (Kota Bogor first, Kabupaten Bogor second) each case's deadline, replies
and joining follow its own city's; a city that never set its own follows the first city's, and
its first change copies the first city's set without touching it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from paseban.domain.replies import ReplyEvent, pick_template
from paseban.domain.sla import SlaPolicy, Stage, Unit
from paseban.errors import InvalidInput, NotFound
from paseban.services.cases import clocks, replies, routing, triage
from paseban.services.inbox import messages as inbox
from paseban.services.reference import store as reference
from paseban.storage import tables as t
from tests.services.cases.test_cities import KAB, TRASH
from tests.services.cases.test_cities import province as province  # the fixture
from tests.services.conftest import Desk

KOTA = "32.71"
TWO_HOURS = SlaPolicy(Stage.VERIFY, 2, Unit.HOURS, topic="sampah")  # TRASH's topic


def _reply_to(desk: Desk, case_id: int) -> str:
    texts = [r["text"] for r in desk.outbox() if r["dedupe_key"].startswith(f"case:{case_id}:")]
    assert texts, case_id
    return str(texts[0])


def test_each_case_takes_its_deadline_from_its_own_city_policy(province: Desk) -> None:
    ctx = province.ctx
    clocks.save_policy(ctx, TWO_HOURS, actor="ops.kab", city=KAB)
    kota = province.send(TRASH)
    kab = province.send(TRASH, account="kel.pondokrajeg")
    assert kota is not None and kab is not None
    assert kab["due_at"] == kab["opened_at"] + timedelta(hours=2)
    assert kota["due_at"] is not None and kota["due_at"] > kab["due_at"]  # the default
    # Kabupaten Bogor has its own set now: the first city's copied, one changed; Kota Bogor's
    # is untouched
    kota_set = {clocks.policy_key(p): p.describe() for p in clocks.list_policies(ctx, KOTA)}
    kab_set = {clocks.policy_key(p): p.describe() for p in clocks.list_policies(ctx, KAB)}
    assert kab_set == {**kota_set, "verify:sampah:*": "2 jam"}
    assert "verify:sampah:*" not in kota_set
    assert clocks.list_policies(ctx) == clocks.list_policies(ctx, KOTA)  # None: the first city
    history = routing.revisions(ctx, "sla_policy", city=KAB)
    assert [(h["key"], h["city"], h["changed_by"]) for h in history] == [
        ("verify:sampah:*@32.01", KAB, "ops.kab")
    ]
    assert routing.revisions(ctx, "sla_policy", city=KOTA) == []


def test_a_city_without_its_own_policies_follows_the_first_city(province: Desk) -> None:
    ctx = province.ctx
    assert clocks.follows_first_city(ctx, KAB) and not clocks.follows_first_city(ctx, KOTA)
    assert clocks.list_policies(ctx, KAB) == clocks.list_policies(ctx, KOTA)
    clocks.save_policy(ctx, TWO_HOURS, actor="ops.kota")  # the first city's: both follow it
    kab = province.send(TRASH, account="kel.pondokrajeg")
    assert kab is not None and kab["due_at"] == kab["opened_at"] + timedelta(hours=2)
    assert clocks.follows_first_city(ctx, KAB)
    # once Kabupaten Bogor changes one, the first city's later changes no longer reach it
    clocks.save_policy(ctx, SlaPolicy(Stage.CONFIRM, 5, Unit.WORKING_DAYS), actor="k", city=KAB)
    clocks.save_policy(ctx, SlaPolicy(Stage.VERIFY, 4, Unit.HOURS, topic="sampah"), actor="o")
    assert not clocks.follows_first_city(ctx, KAB)
    later = province.send("sampah numpuk lagi di pasar, bau", account="pemkabbogor")
    assert later is not None and later["id"] != kab["id"]
    assert later["due_at"] == later["opened_at"] + timedelta(hours=2)


def test_deleting_a_policy_of_a_following_city_keeps_the_first_city(province: Desk) -> None:
    ctx = province.ctx
    with pytest.raises(NotFound):  # nothing to delete: nothing copied either
        clocks.delete_policy(ctx, Stage.VERIFY, "sampah", None, actor="ops.kab", city=KAB)
    assert clocks.follows_first_city(ctx, KAB)
    clocks.delete_policy(ctx, Stage.VERIFY, None, "tinggi", actor="ops.kab", city=KAB)
    keys = [clocks.policy_key(p) for p in clocks.list_policies(ctx, KAB)]
    assert "verify:*:tinggi" not in keys and "verify:*:*" in keys
    assert "verify:*:tinggi" in [clocks.policy_key(p) for p in clocks.list_policies(ctx, KOTA)]
    with pytest.raises(NotFound):
        clocks.delete_policy(ctx, Stage.VERIFY, None, "tinggi", actor="ops.kab", city=KAB)
    with pytest.raises(InvalidInput, match=r"99\.99"):
        clocks.save_policy(ctx, TWO_HOURS, actor="x", city="99.99")


def test_each_city_answers_with_its_own_templates(province: Desk) -> None:
    ctx = province.ctx
    replies.save_template(ctx, "received", "Kota: {tiket}", topic=None, actor="ops.kota")
    assert replies.follows_first_city(ctx, KAB)
    followed = province.send(TRASH, account="kel.pondokrajeg")
    assert followed is not None
    assert _reply_to(province, followed["id"]) == f"Kota: {followed['ticket']}"
    replies.save_template(ctx, "received", "Kab: {tiket}", topic=None, actor="ops.kab", city=KAB)
    kota = province.send(TRASH)
    kab = province.send("sampah numpuk lagi di pasar, bau", account="pemkabbogor")
    assert kota is not None and kab is not None
    assert _reply_to(province, kota["id"]) == f"Kota: {kota['ticket']}"
    assert _reply_to(province, kab["id"]) == f"Kab: {kab['ticket']}"
    # the copy keeps every other template Kabupaten Bogor followed
    kab_events = sorted(tpl.event.value for tpl in replies.list_templates(ctx, KAB))
    assert kab_events == sorted(tpl.event.value for tpl in replies.list_templates(ctx, KOTA))
    history = routing.revisions(ctx, "reply_template", city=KAB)
    assert [(h["key"], h["city"]) for h in history] == [("received:*@32.01", KAB)]
    with ctx.engine.connect() as conn:
        picked = pick_template(replies.templates(conn, KAB), ReplyEvent.RECEIVED, None)
        assert picked.text.startswith("Kab:")
        # the inbox offers each city's own
        offered = {c: inbox.reply_templates(conn, city=c) for c in (KOTA, KAB)}
        texts = {c: {tpl.code: tpl.text for tpl in found} for c, found in offered.items()}
        assert texts[KAB]["received"] == "Kab: {tiket}"
        assert texts[KOTA]["received"] == "Kota: {tiket}"


def test_triage_parameters_are_per_city_and_cached_per_city(province: Desk) -> None:
    ctx = province.ctx
    with ctx.engine.begin() as conn:
        reference.set_parameter(
            conn, f"triage@{KAB}", {"window_days": 1}, at=ctx.now(), actor="uji"
        )
        reference.set_parameter(conn, f"triage.neighbour_km@{KAB}", 0, at=ctx.now(), actor="uji")
    with ctx.engine.connect() as conn:
        assert triage.triage_policy(conn, KOTA).window == timedelta(days=7)
        assert triage.triage_policy(conn, KAB).window == timedelta(days=1)
        assert triage.triage_policy(conn).window == timedelta(days=7)  # None: the first city
        assert any(triage.neighbours(conn, KOTA).values())
        assert not any(triage.neighbours(conn, KAB).values())
    two_days_ago = "2026-11-25T08:00:00+07:00"
    kota_first = province.send(TRASH, time=two_days_ago)
    kota_again = province.send(TRASH)
    kab_first = province.send(TRASH, account="kel.pondokrajeg", time=two_days_ago)
    kab_again = province.send(TRASH, account="kel.pondokrajeg")
    assert kota_first is not None and kota_again is not None
    assert kab_first is not None and kab_again is not None
    assert kota_again["id"] == kota_first["id"]  # within Kota Bogor's 7 days: joined
    assert kab_again["id"] != kab_first["id"]  # past Kabupaten Bogor's one day: a new case


def test_the_seeded_defaults_belong_to_the_first_city(province: Desk) -> None:
    with province.ctx.engine.connect() as conn:
        for table in (t.sla_policies, t.reply_templates):
            cities = set(conn.execute(sa.select(table.c.city).distinct()).scalars())
            assert cities == {KOTA}, table.name
