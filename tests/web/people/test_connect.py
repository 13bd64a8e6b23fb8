"""The connect and notification pages' refusals, in Bahasa Indonesia, with nothing stored
(the working flows run in tests/browser/test_onboarding.py against the fake platforms)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.people import accounts
from paseban.services.people import credentials as creds
from paseban.storage import tables as t
from tests.web.conftest import Browser


def test_only_diskominfo_connects_accounts(login: Callable[[str], Browser]) -> None:
    officer = login("petugas.dlh")
    for path in ("/pengaturan/akun/sambung", "/pengaturan/notifikasi", "/oauth/callback/x"):
        assert officer.get(path).status_code == 403, path


def test_a_sign_in_without_its_settings_says_what_to_set(login: Callable[[str], Browser]) -> None:
    op = login("operator")
    page = op.get("/pengaturan/akun/sambung")
    assert page.status_code == 200
    assert page.text.count("Belum bisa dipakai") == 5
    assert "PASEBAN_META_LOGIN_CONFIG_ID" in page.text
    started = op.get(f"/pengaturan/akun/sambung/facebook/mulai?csrf={op.csrf}")
    assert started.status_code == 422 and "belum bisa dipakai" in started.text


def test_the_start_needs_the_sessions_csrf_and_the_return_its_state(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    assert op.get("/pengaturan/akun/sambung/x/mulai").status_code == 403
    assert op.get("/pengaturan/akun/sambung/x/mulai?csrf=salah").status_code == 403
    forged = op.get("/oauth/callback/x?state=tebakan&code=abc")
    assert forged.status_code == 403 and "tidak dikenal" in forged.text
    empty = op.get("/oauth/callback/x")
    assert empty.status_code == 403 and "state tidak ada" in empty.text
    with app_ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.oauth_attempts)).scalar() == 0


def test_notification_settings_and_numbers_are_checked(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    assert op.get("/pengaturan/notifikasi").status_code == 200
    bad = op.post("/pengaturan/notifikasi", {"quiet": "malam", "digest": "07:00"})
    assert bad.status_code == 422 and "Tidak disimpan" in bad.text
    saved = op.post("/pengaturan/notifikasi", {"quiet": "22:00-05:00", "digest": "06:30"})
    assert saved.status_code == 303
    user = accounts.get_user(app_ctx, "petugas.dlh")["id"]
    refused = op.post(
        f"/pengaturan/pengguna/{user}/whatsapp",
        {"phone": "0812-3456-7890", "opt_in": "", "channel": "whatsapp"},
    )
    assert refused.status_code == 422 and "opt-in" in refused.text
    ok = op.post(
        f"/pengaturan/pengguna/{user}/whatsapp",
        {"phone": "0812-3456-7890", "opt_in": "formulir, 1 Des 2026", "channel": "whatsapp"},
    )
    assert ok.status_code == 303
    with app_ctx.engine.connect() as conn:
        phone = conn.execute(sa.select(t.users.c.phone).where(t.users.c.id == user)).scalar()
    assert phone == "6281234567890"


def test_disconnecting_an_account_is_diskominfos_with_csrf_and_keeps_the_account(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    account = creds.set_token(app_ctx, "instagram", "pemkotbogor", "tokenbaris", actor="cli")
    url = f"/pengaturan/akun/{account}"
    page = login("operator").get(url)
    assert page.status_code == 200 and f'action="{url}/putus"' in page.text
    assert 'data-confirm="Putus akun @pemkotbogor?' in page.text
    assert login("petugas.dlh").post(f"{url}/putus").status_code == 403
    op = login("operator")
    forged = op.client.post(f"{url}/putus", data={"csrf": "salah"})
    assert forged.status_code == 403
    assert op.post("/pengaturan/akun/9999/putus").status_code == 404
    done = op.post(f"{url}/putus")
    assert done.status_code == 303 and done.headers["location"] == f"{url}?ok=disconnected"
    after = op.get(f"{url}?ok=disconnected")
    assert "Koneksi: terputus" in after.text and "Akun diputus: tokennya dihapus" in after.text
    assert "/putus" not in after.text  # nothing left to disconnect
    assert "Akun terputus" in op.get("/").text and "@pemkotbogor" in op.get("/").text
    again = op.post(f"{url}/putus")
    assert again.status_code == 409 and "sudah terputus" in again.text
    with app_ctx.engine.connect() as conn:
        assert creds.account_token(conn, app_ctx.settings, account) is None
        assert conn.execute(
            sa.select(t.accounts.c.active).where(t.accounts.c.id == account)
        ).scalar()


def test_the_account_page_says_how_an_account_was_connected_or_that_it_is_not(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    with_token = creds.set_token(app_ctx, "instagram", "pemkotbogor", "tokenbaris", actor="cli")
    with app_ctx.engine.connect() as conn:
        without = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis").limit(1)
        ).scalar_one()
    op = login("operator")
    bare = op.get(f"/pengaturan/akun/{without}").text
    assert "Koneksi: belum tersambung" in bare
    assert "<dt>Disambungkan</dt><dd>belum</dd>" in bare and "baris perintah" not in bare
    cli = op.get(f"/pengaturan/akun/{with_token}").text
    assert "<dt>Disambungkan</dt><dd>lewat token baris perintah</dd>" in cli
