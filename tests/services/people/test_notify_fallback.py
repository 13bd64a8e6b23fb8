"""When WhatsApp cannot carry an officer's notice, e-mail does; Meta's review of each template
(the message_template_status_update webhook) decides whether WhatsApp is tried; a person may
choose WhatsApp, e-mail or both (issue 19)."""

from __future__ import annotations

import dataclasses
import json
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.connectors.base import hub_signature
from paseban.context import Context
from paseban.errors import InvalidInput
from paseban.services.ingest import webhooks
from paseban.services.people import accounts, notify_fallback, notify_whatsapp, officers
from paseban.services.people.notify_digest import officer_digest
from paseban.storage import tables as t
from tests.conftest import T0
from tests.fakes.platforms import FakePlatforms
from tests.services.people.test_notify import FakeSMTP
from tests.services.people.test_notify_whatsapp import (
    WA_SECRET,
    comment,
    notifications,
)
from tests.services.people.test_notify_whatsapp import fake as fake  # the fixture
from tests.services.people.test_notify_whatsapp import wctx as wctx  # the fixture

FIXTURES = Path(__file__).parents[2] / "fixtures" / "whatsapp_templates"
ADDRESS = "andi.dlh@kotabogor.go.id"


@pytest.fixture
def mailed(wctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """The city has a mail server, and the DLH officer an address."""
    wctx.settings = dataclasses.replace(
        wctx.settings, smtp_host="smtp.kotabogor.go.id", public_url="https://paseban.test"
    )
    accounts.set_email(wctx, "petugas.dlh", ADDRESS, actor="uji")
    FakeSMTP.sent, FakeSMTP.calls, FakeSMTP.fail = [], [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    yield wctx


def deliver(ctx: Context, payload: dict[str, object]) -> None:
    body = json.dumps(payload).encode()
    webhooks.receive_webhook(
        ctx, "whatsapp", {"X-Hub-Signature-256": hub_signature(WA_SECRET, body)}, body
    )


def template_update(name: str, event: str, reason: str = "NONE") -> dict[str, object]:
    payload = json.loads((FIXTURES / "message_template_status_update__paused.json").read_text())
    value = payload["entry"][0]["changes"][0]["value"]
    value.update(message_template_name=name, event=event, reason=reason)
    return dict(payload)


def test_a_refused_template_goes_by_e_mail_and_the_row_says_so(
    mailed: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    fake.register_paseban_templates(status="REJECTED")  # Meta answers 132001
    comment(mailed, tmp_path)
    [row] = notifications(mailed)
    assert row["status"] == "failed" and "132001" in str(row["error"])
    assert row["fallback"] == "email" and row["fallback_at"] == T0
    [message] = FakeSMTP.sent
    assert message["X-Envelope-To"] == ADDRESS
    assert str(message["Subject"]).startswith("[Paseban] Aduan baru untuk OPD BGR-")
    text = message.get_content()
    assert "Yth. Andi (DLH), ada aduan baru BGR-" in text
    assert "Buka kasus: https://paseban.test/kasus/BGR-" in text
    assert "numpuk" not in text  # never the citizen's words
    assert "tidak bisa mengantarnya" in text
    # the next run does not send it again
    assert notify_whatsapp.send_officer_whatsapp(mailed)["email"] == 0
    assert len(FakeSMTP.sent) == 1


def test_a_failed_status_from_the_webhook_falls_back_on_the_next_run(
    mailed: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    comment(mailed, tmp_path)
    [sent] = fake.state.sent
    payload = json.loads(
        (FIXTURES / "statuses__template_failed_undeliverable_131026.json").read_text()
    )
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = sent.wamid
    deliver(mailed, payload)
    assert notifications(mailed)[0]["status"] == "failed"
    assert FakeSMTP.sent == []
    assert notify_whatsapp.send_officer_whatsapp(mailed)["email"] == 1
    assert len(FakeSMTP.sent) == 1 and notifications(mailed)[0]["fallback"] == "email"


def test_retries_run_out_and_then_e_mail_carries_it(
    mailed: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    fake.state.throttled = True
    comment(mailed, tmp_path)
    for minute in range(1, notify_fallback.MAX_ATTEMPTS):
        row = notifications(mailed)[0]
        assert row["status"] == "queued" and row["attempts"] == minute
        mailed.clock = FixedClock(T0 + timedelta(minutes=minute))
        notify_whatsapp.send_officer_whatsapp(mailed)
    [row] = notifications(mailed)
    assert row["status"] == "failed" and row["attempts"] == notify_fallback.MAX_ATTEMPTS
    assert "130429" in str(row["error"]) and "10 kali dicoba" in str(row["error"])
    assert row["fallback"] == "email" and len(FakeSMTP.sent) == 1


def test_no_address_or_no_mail_server_is_recorded_not_hidden(
    wctx: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    fake.register_paseban_templates(status="DISABLED")
    comment(wctx, tmp_path)
    [row] = notifications(wctx)
    assert row["fallback"] == "no_address"  # the officer has no e-mail address
    rows = notify_whatsapp.recent(wctx)
    assert rows[0]["fallback_label"] == "tidak ada alamat e-mail untuk cadangan"


def test_the_template_status_webhook_is_kept_and_a_paused_template_is_not_used(
    mailed: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    deliver(mailed, template_update("kasus_baru_opd", "PAUSED"))
    deliver(mailed, template_update("ringkasan_pagi", "REJECTED", "INCORRECT_CATEGORY"))
    statuses = notify_fallback.template_statuses(mailed)
    assert statuses["kasus_baru_opd"]["label"] == "dijeda Meta (kualitas rendah)"
    assert not statuses["kasus_baru_opd"]["usable"]
    assert statuses["ringkasan_pagi"]["reason"] == "kategori tidak tepat"
    assert "eskalasi_aduan" not in statuses  # no word from Meta yet: tried
    comment(mailed, tmp_path)
    assert fake.state.sent == []  # the Cloud API was not even asked
    [row] = notifications(mailed)
    assert row["error"] == "templat kasus_baru_opd dijeda Meta (kualitas rendah)"
    assert row["fallback"] == "email" and len(FakeSMTP.sent) == 1
    deliver(mailed, template_update("kasus_baru_opd", "APPROVED"))  # approved again: used again
    assert notify_fallback.template_statuses(mailed)["kasus_baru_opd"]["usable"]


def test_an_unreadable_template_update_is_ignored(mailed: Context) -> None:
    payload = template_update("kasus_baru_opd", "PAUSED")
    payload["entry"][0]["changes"][0]["value"].pop("message_template_name")  # type: ignore[index]
    deliver(mailed, payload)
    assert notify_fallback.template_statuses(mailed) == {}


def test_both_channels_get_whatsapp_and_e_mail_and_no_second_e_mail_on_failure(
    mailed: Context, fake: FakePlatforms, tmp_path: Path
) -> None:
    user = accounts.get_user(mailed, "petugas.dlh")["id"]
    officers.set_whatsapp(
        mailed, int(user), phone="0812-3456-7890", opt_in="", channel="both", actor="uji"
    )
    comment(mailed, tmp_path)
    assert [s.template for s in fake.state.sent] == ["kasus_baru_opd"]
    [message] = FakeSMTP.sent  # the e-mail a new case sends to who chose e-mail
    assert message["X-Envelope-To"] == ADDRESS
    # a failure later does not send the same e-mail twice
    with mailed.engine.begin() as conn:
        conn.execute(sa.update(t.officer_notifications).values(status="failed"))
    notify_whatsapp.send_officer_whatsapp(mailed)
    assert notifications(mailed)[0]["fallback"] == "email_already"
    assert len(FakeSMTP.sent) == 1
    # ...but a failed digest (sent on WhatsApp only) does go by e-mail
    with mailed.engine.begin() as conn:
        conn.execute(sa.update(t.cases).values(due_at=T0 + timedelta(hours=3)))
    fake.register_paseban_templates(status="PAUSED")
    officer_digest(mailed)
    assert len(FakeSMTP.sent) == 2
    assert "Ringkasan Jumat, 27 11/2026" in FakeSMTP.sent[-1].get_content()


def test_the_channel_is_one_of_three(wctx: Context) -> None:
    user = int(accounts.get_user(wctx, "petugas.dlh")["id"])
    with pytest.raises(InvalidInput, match="both"):
        officers.set_whatsapp(wctx, user, phone="", opt_in="", channel="sms", actor="uji")
    with pytest.raises(InvalidInput, match="nomor WhatsApp dulu"):
        officers.set_whatsapp(wctx, user, phone="", opt_in="", channel="both", actor="uji")
