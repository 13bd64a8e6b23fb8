"""E-mail notifications: who gets the early warning, the report and the campaign reminder, what
the message says, and that no address reaches job_runs or the log."""

from __future__ import annotations

import dataclasses
import smtplib
import socketserver
import threading
from datetime import timedelta
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import BadFile, InvalidInput, NotFound
from paseban.services.measurement import recording as measurement_service
from paseban.services.people import accounts, notify
from paseban.storage import tables as t
from tests.measurement import builders as b

KEL, KEC = "32.71.01.1001", "32.71.01"
ADDRESSES = {
    "operator": "operator@kominfo.kotabogor.go.id",
    "petugas.dlh": "dlh@kotabogor.go.id",
    "petugas.pupr": "pupr@kotabogor.go.id",
    "pimpinan": "walikota@kotabogor.go.id",
    "lurah.batutulis": "batutulis@kotabogor.go.id",
}


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what a real server would have received."""

    sent: ClassVar[list[EmailMessage]] = []
    calls: ClassVar[list[str]] = []
    fail: ClassVar[bool] = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls.append(f"connect {host}:{port}")

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append("quit")

    def starttls(self) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, message: EmailMessage, to_addrs: list[str]) -> None:
        if self.fail:
            raise OSError("koneksi ke server SMTP ditolak")
        message["X-Envelope-To"] = ", ".join(to_addrs)  # what the server was told
        self.sent.append(message)


@pytest.fixture
def mail(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Context:
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        accounts.import_users(ctx, path / "users.csv", sample=True)
    for name, address in ADDRESSES.items():
        accounts.set_email(ctx, name, address, actor="uji")
    ctx.settings = dataclasses.replace(
        ctx.settings,
        smtp_host="smtp.kotabogor.go.id",
        smtp_username="paseban",
        smtp_password="rahasia",
        mail_from="paseban@kotabogor.go.id",
        public_url="https://paseban.kotabogor.go.id",
    )
    FakeSMTP.sent, FakeSMTP.calls, FakeSMTP.fail = [], [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)  # what notify connects with
    return ctx


def _spike(ctx: Context, topic: str = "sampah") -> None:
    with ctx.engine.begin() as conn:
        account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
        for i in range(6):
            b.message(
                conn,
                account,
                ctx.now() - timedelta(minutes=10 * i),
                "aduan",
                topic=topic,
                kelurahan=KEL,
                kecamatan=KEC,
                text=f"sampah numpuk di gang {i} hub 0812345678{i}",
            )


def _bcc(message: EmailMessage) -> set[str]:
    """The envelope's recipients (not in any header the recipients see)."""
    return {a.strip() for a in str(message["X-Envelope-To"]).split(",")}


def test_an_alert_reaches_diskominfo_and_the_opd_it_went_to(
    mail: Context, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    _spike(mail)
    assert measurement_service.detect_spikes(mail)["raised"] == 1
    [message] = FakeSMTP.sent
    assert _bcc(message) == {ADDRESSES["operator"], ADDRESSES["petugas.dlh"]}  # not PUPR
    assert (
        message["Subject"]
        == "[Paseban] Peringatan dini: Sampah dan kebersihan di Kelurahan Batu Tulis"
    )
    body = message.get_content()
    assert "6 aduan dalam 6 jam terakhir, padahal biasanya sekitar 0,05." in body
    assert "https://paseban.kotabogor.go.id/peringatan" in body
    assert "0812" not in body and "gang" not in body  # no citizen's words
    assert message["From"] == "paseban@kotabogor.go.id"
    assert FakeSMTP.calls == [
        "connect smtp.kotabogor.go.id:587",
        "starttls",
        "login paseban",
        "quit",
    ]
    # the job saw user ids only: no address in job_runs or in the log
    with mail.engine.connect() as conn:
        args = conn.execute(
            sa.select(t.job_runs.c.args).where(t.job_runs.c.name == "send_email")
        ).scalar_one()
    assert "@" not in str(args) and all("@" not in r.getMessage() for r in caplog.records)
    assert all("@" not in str(r.__dict__) for r in caplog.records if r.name == "paseban.notify")


def test_the_report_goes_to_its_readers_with_the_pdf(mail: Context, tmp_path: Path) -> None:
    pdf = tmp_path / "laporan-2026-W47.pdf"
    pdf.write_bytes(b"%PDF-1.7 laporan")
    html = tmp_path / "laporan-2026-W47.html"
    html.write_text("<html></html>")
    mail.pm.hook.report_written(
        ctx=mail, kind="weekly", period="2026-W47", paths=[str(html), str(pdf)], city=None
    )
    [message] = FakeSMTP.sent
    assert _bcc(message) == {ADDRESSES["operator"], ADDRESSES["pimpinan"]}
    # the period in words (issue 14), not its code
    assert message["Subject"] == (
        "[Paseban] Laporan mingguan Minggu 47, 16 November – 22 November 2026"
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "laporan-2026-W47.pdf"
    assert attachment.get_content() == b"%PDF-1.7 laporan"


def test_a_campaign_reminder_reaches_the_admins_of_the_quiet_accounts(mail: Context) -> None:
    with mail.engine.begin() as conn:
        campaign = conn.execute(
            sa.insert(t.campaigns)
            .values(
                code="hut-bogor",
                title="HUT Kota Bogor",
                message="Selamat ulang tahun Kota Bogor",
                starts_on=mail.now().date(),
                ends_on=mail.now().date() + timedelta(days=7),
                created_by="operator",
                created_at=mail.now(),
            )
            .returning(t.campaigns.c.id)
        ).scalar_one()
        account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
    mail.pm.hook.campaign_reminder(ctx=mail, campaign_id=campaign, account_ids=[account])
    [message] = FakeSMTP.sent
    assert _bcc(message) == {ADDRESSES["lurah.batutulis"]}
    assert "HUT Kota Bogor" in message["Subject"] and "/konten" in message.get_content()


def test_nothing_is_sent_without_an_smtp_host_or_to_people_without_an_address(
    mail: Context,
) -> None:
    mail.settings = dataclasses.replace(mail.settings, smtp_host="")
    _spike(mail)
    measurement_service.detect_spikes(mail)
    assert FakeSMTP.sent == [] and FakeSMTP.calls == []
    mail.settings = dataclasses.replace(mail.settings, smtp_host="smtp.kotabogor.go.id")
    for name in ("operator", "petugas.dlh"):
        accounts.set_email(mail, name, "", actor="uji")
    _spike(mail, topic="banjir_longsor")
    assert measurement_service.detect_spikes(mail)["raised"] == 1
    assert FakeSMTP.sent == []  # BPBD's officers and Diskominfo have no address now


def test_a_refusing_mail_server_fails_the_job_and_keeps_the_alert(mail: Context) -> None:
    FakeSMTP.fail = True
    _spike(mail)
    assert measurement_service.detect_spikes(mail)["raised"] == 1
    with mail.engine.connect() as conn:
        run = conn.execute(
            sa.select(t.job_runs.c.status, t.job_runs.c.error).where(
                t.job_runs.c.name == "send_email"
            )
        ).one()
        assert conn.execute(sa.select(sa.func.count()).select_from(t.alerts)).scalar() == 1
    assert run.status == "failed" and "SMTP ditolak" in run.error


def test_addresses_are_checked_and_bad_ones_stored_nowhere(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="e-mail"):
        accounts.add_user(ctx, "x.baru", role="diskominfo", email="bukan-alamat")
    accounts.add_user(ctx, "x.baru", role="diskominfo", email=" Operator@Kota.go.id ")
    with ctx.engine.connect() as conn:
        stored = conn.execute(
            sa.select(t.users.c.email).where(t.users.c.username == "x.baru")
        ).scalar()
    assert stored == "operator@kota.go.id"
    with pytest.raises(NotFound):
        accounts.set_email(ctx, "tidak.ada", "a@b.id", actor="uji")
    users = tmp_path / "users.csv"
    users.write_text(
        "username,role,scope,email\na.satu,diskominfo,,a@kota.go.id\na.dua,diskominfo,,a@@kota\n",
        encoding="utf-8",
    )
    with pytest.raises(BadFile) as bad:
        accounts.import_users(ctx, users)
    assert "users.csv:3" in str(bad.value) and "e-mail" in str(bad.value)
    with ctx.engine.connect() as conn:
        assert not conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == "a.satu")
        ).first()


def test_the_send_job_is_registered(ctx: Context) -> None:
    from paseban import jobs

    spec: Any = jobs.registry(ctx)["send_email"]
    assert spec.every is None


def test_an_sla_escalation_reaches_the_people_behind_its_recipients(mail: Context) -> None:
    accounts.set_email(mail, "camat.bogorselatan", "camat.bs@kotabogor.go.id", actor="uji")
    with mail.engine.begin() as conn:
        case_id = b.case(conn, opened_at=mail.now(), kelurahan=KEL, kecamatan=KEC, opd="DLH")
        ticket = conn.execute(sa.select(t.cases.c.ticket).where(t.cases.c.id == case_id)).scalar()
    first = {
        "action": "escalate",
        "data": {"level": 1, "stage": "follow_up", "recipients": ["kepala:DLH", "camat:32.71.01"]},
    }
    mail.pm.hook.case_event(ctx=mail, case_id=case_id, event=first)
    second = {
        "action": "escalate",
        "data": {"level": 2, "stage": "follow_up", "recipients": ["diskominfo", "walikota"]},
    }
    mail.pm.hook.case_event(ctx=mail, case_id=case_id, event=second)
    mail.pm.hook.case_event(ctx=mail, case_id=case_id, event={"action": "note", "data": {}})
    one, two = FakeSMTP.sent  # a note is no escalation: no third message
    assert _bcc(one) == {ADDRESSES["petugas.dlh"], "camat.bs@kotabogor.go.id"}
    assert one["Subject"] == f"[Paseban] Eskalasi {ticket}: tenggat tindak lanjut OPD terlewati"
    assert f"https://paseban.kotabogor.go.id/kasus/{ticket}" in one.get_content()
    assert _bcc(two) == {ADDRESSES["operator"], ADDRESSES["pimpinan"]}  # leadership: viewers
    assert "eskalasi tingkat 2" in two.get_content()


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Enough of RFC 5321 for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server: Any = self.server
        self.reply("220 uji.kotabogor.go.id ESMTP")
        envelope: dict[str, Any] = {"rcpt": []}
        while raw := self.rfile.readline():
            command = raw.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-uji.kotabogor.go.id\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                envelope["auth"] = command
                self.reply("235 2.7.0 diterima")
            elif verb == "MAIL":
                envelope["from"] = command
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["rcpt"].append(command)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 lanjut")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line)
                envelope["data"] = b"".join(lines)
                server.received.append(envelope)
                envelope = {"rcpt": []}
                self.reply("250 OK terkirim")
            elif verb == "QUIT":
                self.reply("221 sampai jumpa")
                return
            else:
                self.reply("250 OK")


def test_the_message_goes_over_real_smtp(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against a small SMTP server on 127.0.0.1: the envelope carries every recipient (and
    only them), the message's headers show none of them."""
    server: Any = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        accounts.add_user(ctx, "op.satu", role="diskominfo", email="satu@kotabogor.go.id")
        accounts.add_user(ctx, "op.dua", role="diskominfo", email="dua@kotabogor.go.id")
        ctx.settings = dataclasses.replace(
            ctx.settings,
            smtp_host="127.0.0.1",
            smtp_port=server.server_address[1],
            smtp_starttls=False,
            smtp_username="paseban",
            smtp_password="rahasia",
            mail_from="paseban@kotabogor.go.id",
        )
        with ctx.engine.connect() as conn:
            ids = notify.report_recipients(conn)
        counts = notify.send_email(
            ctx, user_ids=ids, subject="[Paseban] Laporan mingguan 2026-W47", body="Terbit."
        )
    finally:
        server.shutdown()
        server.server_close()
    assert counts == {"recipients": 2, "attachments": 0}
    [envelope] = server.received
    assert envelope["from"].upper() == "MAIL FROM:<PASEBAN@KOTABOGOR.GO.ID>"
    assert sorted(r.split(":", 1)[1] for r in envelope["rcpt"]) == [
        "<dua@kotabogor.go.id>",
        "<satu@kotabogor.go.id>",
    ]
    assert envelope["auth"].startswith("AUTH PLAIN")
    data = envelope["data"].decode()
    assert "Subject: [Paseban] Laporan mingguan 2026-W47" in data
    assert "satu@" not in data and "dua@" not in data  # addresses stay out of the message
    assert "To: undisclosed-recipients:;" in data
