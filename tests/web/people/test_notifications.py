"""The notifications pages: a person's channel (WhatsApp, e-mail or both) from the users'
page, and each template's status at Meta in words (issue 19)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from paseban.connectors.base import TemplateStatus
from paseban.context import Context
from paseban.services.people import accounts, notify_fallback
from paseban.storage import tables as t
from tests.web.conftest import Browser


def test_a_person_can_choose_both_channels_on_the_users_page(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    page = op.get("/pengaturan/pengguna")
    assert '<option value="both"' in page.text and "WhatsApp dan e-mail" in page.text
    user = accounts.get_user(app_ctx, "petugas.dlh")["id"]
    bad = op.post(
        f"/pengaturan/pengguna/{user}/whatsapp", {"phone": "", "opt_in": "", "channel": "sms"}
    )
    assert bad.status_code == 422 and "Tidak disimpan" in bad.text
    ok = op.post(
        f"/pengaturan/pengguna/{user}/whatsapp",
        {"phone": "0812-3456-7890", "opt_in": "formulir, 1 Des 2026", "channel": "both"},
    )
    assert ok.status_code == 303
    with app_ctx.engine.connect() as conn:
        channel = conn.execute(
            sa.select(t.users.c.notify_channel).where(t.users.c.id == user)
        ).scalar()
    assert channel == "both"
    assert 'value="both" selected' in op.get("/pengaturan/pengguna").text


def test_the_notifications_page_says_each_templates_status_in_words(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    assert "belum ada kabar dari Meta" in op.get("/pengaturan/notifikasi").text
    with app_ctx.engine.begin() as conn:
        notify_fallback.record_template_statuses(
            conn,
            [
                TemplateStatus("kasus_baru_opd", "id", "APPROVED"),
                TemplateStatus("eskalasi_aduan", "id", "REJECTED", "<b>INVALID_FORMAT</b>"),
            ],
            app_ctx.now(),
        )
    page = op.get("/pengaturan/notifikasi").text
    assert "<strong>disetujui</strong>" in page
    assert "<strong>ditolak Meta</strong>" in page
    assert "&lt;b&gt;invalid format&lt;/b&gt;" in page  # Meta's words are escaped too
    assert "dikirim lewat e-mail sampai Meta menyetujuinya lagi" in page
