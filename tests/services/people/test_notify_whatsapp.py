"""Officers hear on WhatsApp: a case routed to DLH reaches the DLH officer through the fake
Cloud API on 127.0.0.1, which enforces the template rules (tests/fakes/platforms.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.base import hub_signature
from paseban.context import Context
from paseban.domain import officers as rules
from paseban.errors import InvalidInput
from paseban.services.cases import routing
from paseban.services.ingest import files, webhooks
from paseban.services.people import accounts, notify_whatsapp, officers
from paseban.services.people.notify_digest import officer_digest
from paseban.storage import tables as t
from tests.conftest import T0
from tests.factories import message, with_accounts, write_jsonl
from tests.fakes.platforms import FakePlatforms, fake_settings

WA_SECRET = "wa-app-secret"
COMMENT = "sampah di TPS kel. tegal gundil numpuk 4 hari ga diangkut"


@pytest.fixture
def fake() -> Iterator[FakePlatforms]:
    with FakePlatforms() as platforms:
        platforms.state.phone_ids.add("2000")  # the sample city's WhatsApp number
        platforms.register_paseban_templates()
        yield platforms


def city(ctx: Context, fake: FakePlatforms, tmp_path: Path, at: datetime = T0) -> Context:
    settings = fake_settings(ctx.settings, fake)
    from dataclasses import replace

    return create_context(
        replace(settings, whatsapp_app_secret=WA_SECRET),
        clock=FixedClock(at),
        load_entrypoints=False,
        jobs_backend="eager",
    )


@pytest.fixture
def wctx(ctx: Context, fake: FakePlatforms, tmp_path: Path) -> Iterator[Context]:
    context = city(ctx, fake, tmp_path)
    with_accounts(context, tmp_path)
    routing.set_auto_forward(context, True, actor="cli")
    officer = accounts.add_user(
        context, "petugas.dlh", role="opd_officer", scope="DLH", full_name="Andi"
    )
    officers.set_whatsapp(
        context,
        officer,
        phone="0812-3456-7890",
        opt_in="formulir persetujuan bertanda tangan, 1 Des 2026",
        channel="whatsapp",
        actor="cli",
    )
    yield context
    context.close()


def comment(
    ctx: Context, tmp_path: Path, n: int = 1, when: str = "2026-11-27T08:59:50+07:00"
) -> None:
    files.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / f"m{n}.jsonl",
            [message(n, COMMENT, account="kelurahan.tegalgundil", time=when)],
        ),
    )


def notifications(ctx: Context) -> list[dict[str, object]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.officer_notifications).order_by(t.officer_notifications.c.id)
        )
        return [dict(r) for r in rows.mappings()]


def test_a_case_routed_to_dlh_reaches_the_dlh_officer(
    wctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    comment(wctx, tmp_path)
    [sent] = fake.state.sent
    assert sent.to == "6281234567890" and sent.template == "kasus_baru_opd"
    name, ticket, summary, received = sent.params["body"]
    assert name == "Andi (DLH)" and ticket.startswith("BGR-")
    assert "Kel. Tegal Gundil" in summary and "numpuk" not in summary  # never the citizen's words
    assert received == "27 Nov 2026 08:59 WIB"
    assert sent.params["button"] == [ticket]
    [row] = notifications(wctx)
    assert row["status"] == "accepted" and row["wa_message_id"] == sent.wamid
    # the fixed clock says 09:00:00 WIB: ten seconds after the citizen's comment
    assert row["latency_seconds"] == 10.0
    assert not fake.state.errors


def test_statuses_come_back_on_the_whatsapp_webhook(
    wctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    comment(wctx, tmp_path)
    [sent] = fake.state.sent
    for status, seconds in (("read", 40), ("sent", 12), ("delivered", 20)):  # out of order
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "1",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "6282100000999",
                                        "phone_number_id": "2000",
                                    },
                                    "statuses": [
                                        {
                                            "id": sent.wamid,
                                            "status": status,
                                            "recipient_id": sent.to,
                                            "timestamp": str(
                                                int((T0 + timedelta(seconds=seconds)).timestamp())
                                            ),
                                        }
                                    ],
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        webhooks.receive_webhook(
            wctx, "whatsapp", {"X-Hub-Signature-256": hub_signature(WA_SECRET, body)}, body
        )
    [row] = notifications(wctx)
    assert row["status"] == "read"  # a late `sent` does not move it back
    assert row["sent_at"] == T0 + timedelta(seconds=12)
    assert row["read_at"] == T0 + timedelta(seconds=40)
    assert row["latency_seconds"] == 22.0  # comment 08:59:50 -> WhatsApp's `sent` at 09:00:12
    line = notify_whatsapp.latency_report(wctx).line()
    assert line == (
        "Notifikasi WhatsApp aduan baru ke petugas, 7 hari: 1 terkirim, 1 dibaca, 0 gagal; "
        "komentar warga sampai ke petugas: median 22 detik, p90 22 detik."
    )


def test_quiet_hours_hold_a_new_case_but_not_a_darurat_one(
    ctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    night = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 23:30 WIB
    wctx = city(ctx, fake, tmp_path, at=night)
    try:
        with_accounts(wctx, tmp_path)
        routing.set_auto_forward(wctx, True, actor="cli")
        officer = accounts.add_user(wctx, "petugas.dlh", role="opd_officer", scope="DLH")
        officers.set_whatsapp(
            wctx,
            officer,
            phone="+62 812 3456 7890",
            opt_in="lisan",
            channel="whatsapp",
            actor="cli",
        )
        comment(wctx, tmp_path, when="2026-11-26T23:29:00+07:00")
        assert fake.state.sent == []
        [row] = notifications(wctx)
        assert row["status"] == "waiting"
        assert row["due_at"] == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 06:00 WIB
    finally:
        wctx.close()
    early = city(ctx, fake, tmp_path, at=datetime(2026, 11, 26, 22, 59, tzinfo=UTC))  # 05:59
    try:
        assert notify_whatsapp.send_officer_whatsapp(early)["sent"] == 0
    finally:
        early.close()
    morning = city(ctx, fake, tmp_path, at=datetime(2026, 11, 26, 23, 1, tzinfo=UTC))
    try:
        assert notify_whatsapp.send_officer_whatsapp(morning)["sent"] == 1
        assert len(fake.state.sent) == 1
    finally:
        morning.close()
    assert rules.quiet_until(night.astimezone(ctx.tz), rules.parse_quiet("21:00-06:00")) is not None
    assert not rules.waits(rules.Kind.ESCALATION, "darurat") and rules.waits(
        rules.Kind.DIGEST, "darurat"
    )


def test_an_escalation_goes_by_whatsapp_to_who_chose_it_and_by_e_mail_to_the_others(
    wctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    comment(wctx, tmp_path)
    with wctx.engine.connect() as conn:
        case_id = conn.execute(sa.select(t.cases.c.id)).scalar_one()
    event = {
        "id": 99,
        "action": "escalate",
        "at": T0,
        "data": {"level": 1, "stage": "follow_up", "recipients": ["kepala:DLH"]},
    }
    wctx.pm.hook.case_event(ctx=wctx, case_id=case_id, event=event)
    escalation = fake.state.sent[-1]
    assert escalation.template == "eskalasi_aduan"
    assert escalation.params["body"][:2] == ["Andi", "tindak lanjut OPD"]
    wctx.pm.hook.case_event(ctx=wctx, case_id=case_id, event=event)  # the same event again
    assert len(fake.state.sent) == 2  # once per person per event


def test_the_fake_enforces_the_template_rules_and_failures_are_kept(
    wctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    fake.register_paseban_templates(status="PAUSED")
    comment(wctx, tmp_path)
    [row] = notifications(wctx)
    assert row["status"] == "failed" and "132015" in str(row["error"])
    fake.register_paseban_templates(status="PENDING")
    comment(wctx, tmp_path, n=2, when="2026-11-27T08:59:55+07:00")  # joins the same case: no new
    assert len(notifications(wctx)) == 1


def test_the_morning_digest(
    wctx: Context, fake: FakePlatforms, tmp_path: Path, ctx: Context
) -> None:
    comment(wctx, tmp_path)
    with wctx.engine.begin() as conn:
        conn.execute(sa.update(t.cases).values(due_at=T0 + timedelta(hours=3)))
    early = city(ctx, fake, tmp_path, at=datetime(2026, 11, 26, 23, 30, tzinfo=UTC))  # 06:30 WIB
    try:
        assert officer_digest(early) == {"queued": 0}
    finally:
        early.close()
    assert officer_digest(wctx) == {"queued": 1}  # 09:00 WIB
    assert officer_digest(wctx) == {"queued": 0}  # once a day
    digest = fake.state.sent[-1]
    assert digest.template == "ringkasan_pagi"
    assert digest.params == {"header": ["Jumat, 27 11/2026"], "body": ["1", "0"]}


def test_numbers_are_parsed_with_lokal_id_and_need_an_opt_in(wctx: Context) -> None:
    user = accounts.add_user(wctx, "camat.bu", role="kecamatan_admin", scope="32.71.05")
    with pytest.raises(InvalidInput, match="harus diawali"):
        officers.set_whatsapp(wctx, user, phone="abc", opt_in="x", channel="whatsapp", actor="cli")
    with pytest.raises(InvalidInput, match="bukan nomor HP"):
        officers.set_whatsapp(
            wctx, user, phone="(0251) 832-1075", opt_in="x", channel="whatsapp", actor="cli"
        )
    with pytest.raises(InvalidInput, match="opt-in"):
        officers.set_whatsapp(
            wctx, user, phone="0813 1111 2222", opt_in="", channel="whatsapp", actor="cli"
        )
    assert officers.set_whatsapp(
        wctx,
        user,
        phone="0813 1111 2222",
        opt_in="WA ke Diskominfo",
        channel="whatsapp",
        actor="cli",
    )
    with wctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.users.c.phone, t.users.c.phone_opt_in_at).where(t.users.c.id == user)
        ).one()
        detail = conn.execute(
            sa.select(t.audit_events.c.detail)
            .where(t.audit_events.c.action == "user.whatsapp")
            .order_by(t.audit_events.c.id.desc())
        ).scalar()
    assert row == ("6281311112222", T0)
    assert detail is not None and detail["nomor"] == "…222"  # the audit trail keeps no whole number


def test_an_officer_who_opts_out_gets_nothing_that_was_waiting(
    ctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    night = city(ctx, fake, tmp_path, at=datetime(2026, 11, 26, 16, 30, tzinfo=UTC))  # 23:30 WIB
    try:
        with_accounts(night, tmp_path)
        routing.set_auto_forward(night, True, actor="cli")
        officer = accounts.add_user(night, "petugas.dlh", role="opd_officer", scope="DLH")
        officers.set_whatsapp(
            night, officer, phone="0812 3456 7890", opt_in="lisan", channel="whatsapp", actor="cli"
        )
        comment(night, tmp_path, when="2026-11-26T23:29:00+07:00")
        officers.set_whatsapp(night, officer, phone="", opt_in="", channel="email", actor="cli")
    finally:
        night.close()
    morning = city(ctx, fake, tmp_path, at=datetime(2026, 11, 26, 23, 1, tzinfo=UTC))
    try:
        assert notify_whatsapp.send_officer_whatsapp(morning)["skipped"] == 1
        assert fake.state.sent == []
        [row] = notifications(morning)
        assert row["status"] == "skipped"
    finally:
        morning.close()


def test_quiet_hours_and_digest_time_are_a_checked_city_setting(wctx: Context) -> None:
    with pytest.raises(InvalidInput, match="21:00"):
        notify_whatsapp.save_settings(wctx, quiet="malam", digest="07:00", actor="cli")
    with pytest.raises(InvalidInput, match="di dalam jam tenang"):
        notify_whatsapp.save_settings(wctx, quiet="21:00-08:00", digest="07:00", actor="cli")
    notify_whatsapp.save_settings(wctx, quiet="22.00-05.30", digest="6:45", actor="cli")
    assert notify_whatsapp.settings_view(wctx) == {"quiet": "22:00-05:30", "digest": "06:45"}
    notify_whatsapp.save_settings(wctx, quiet="-", digest="07:00", actor="cli")
    assert notify_whatsapp.settings_view(wctx)["quiet"] == "-"
