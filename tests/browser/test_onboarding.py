"""Issue 19 in a real browser: the operator connects a Facebook Page with its Instagram
account, an Instagram account without a Page, an X account, a YouTube channel and a TikTok
account through the fake authorization servers on 127.0.0.1, assigns each and sees them
healthy; a revoked token shows on the account's page and in the command centre; and a case
routed to DLH reaches the DLH officer's WhatsApp (the fake Cloud API) within seconds of the
citizen's comment, the time printed."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import SystemClock
from paseban.connectors.base import TemplateStatus, hub_signature
from paseban.context import Context
from paseban.services.cases import routing
from paseban.services.people import accounts, auth, notify_fallback, notify_whatsapp
from paseban.storage import tables as t
from tests.browser.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    _require_chromium,
    serve,
    shot,
)
from tests.browser.site import overflow
from tests.conftest import _sqlite_url, make_ctx
from tests.factories import with_accounts
from tests.fakes.platforms import FakePlatforms, fake_settings
from tests.fakes.server import free_port

pytestmark = pytest.mark.browser

BABAKAN = "32.71.03.1005"
TEGAL_GUNDIL = "32.71.05.1002"
CITY = "32.71"


@pytest.fixture
def onboarding_site(
    sqlite_template: Any, tmp_path: Any
) -> Iterator[tuple[str, Context, FakePlatforms]]:
    """A served Paseban whose platforms are the fakes, with its base URL known to its settings
    (the redirect URIs), a real clock (the WhatsApp latency), auto-forwarding on."""
    _require_chromium()
    with FakePlatforms() as fake:
        fake.state.phone_ids.add("2000")  # the sample city's WhatsApp number
        fake.register_paseban_templates()
        port = free_port()
        base = make_ctx(_sqlite_url(sqlite_template, tmp_path))
        settings = replace(
            fake_settings(base.settings, fake), public_url=f"http://127.0.0.1:{port}"
        )
        base.close()
        ctx = create_context(
            settings, clock=SystemClock(), load_entrypoints=False, jobs_backend="eager"
        )
        try:
            with_accounts(ctx, tmp_path)
            routing.set_auto_forward(ctx, True, actor="cli")
            # the server runs on the real clock, at whatever hour the suite runs: no quiet
            # hours here, or an evening run holds the officer's message until 06:00 WIB
            # (quiet hours have their own tests in tests/services/people)
            notify_whatsapp.save_settings(ctx, quiet="-", digest="07:00", actor="cli")
            for name, role, scope in (
                ("operator", "diskominfo", None),
                ("petugas.dlh", "opd_officer", "DLH"),
            ):
                accounts.add_user(ctx, name, role=role, scope=scope, full_name=name.title())
                auth.set_password(ctx, name, PASSWORD, actor="cli")
            with serve(ctx, port) as url:
                yield url, ctx, fake
        finally:
            ctx.close()


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def wait(driver: Any, condition: Any, seconds: float = 15) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, seconds).until(condition)


def choose(driver: Any, selector: str, value: str) -> None:
    from selenium.webdriver.support.select import Select

    Select(css(driver, selector)).select_by_value(value)


def sign_in_as(driver: Any, base: str, username: str) -> None:
    driver.get(f"{base}/masuk")
    css(driver, "#username").send_keys(username)
    css(driver, "#password").send_keys(PASSWORD)
    css(driver, "button.primary").click()
    wait(driver, lambda d: "/masuk" not in d.current_url)


def connect(
    driver: Any, base: str, key: str, owners: dict[int, tuple[str, str]], name: str
) -> None:
    """Click the sign-in, consent at the fake platform, pick the accounts and their owners."""
    driver.get(f"{base}/pengaturan/akun/sambung")
    css(driver, f'a[data-provider="{key}"]').click()
    wait(driver, lambda d: "/pengaturan/akun/sambung/pilih/" in d.current_url)
    assert "Tidak disimpan" not in driver.page_source
    for box in all_css(driver, 'input[name="pick"]'):
        index = int(box.get_attribute("value"))
        if box.is_selected() != (index in owners):
            box.click()
    for index, (kind, owner) in owners.items():
        choose(driver, f"#kind-{index}", kind)
        choose(driver, f"#owner-{index}", owner)
    assert overflow(driver) is None, overflow(driver)
    shot(driver, name)
    css(driver, "form button.primary").click()
    wait(driver, lambda d: "ok=connected" in d.current_url)


def test_the_operator_connects_every_platform_and_sees_their_health(
    onboarding_site: tuple[str, Context, FakePlatforms], browser: Any
) -> None:
    base, ctx, fake = onboarding_site
    browser.set_window_size(*DESKTOP)
    sign_in_as(browser, base, "operator")

    browser.get(f"{base}/pengaturan/akun/sambung")
    assert len(all_css(browser, "a[data-provider]")) == 5
    shot(browser, "onboarding-1-sambung")
    # the Page of Kelurahan Babakan and its Instagram account; DLH's Page (no MESSAGE task)
    # is offered unticked with what it lacks
    connect(
        browser,
        base,
        "facebook",
        {0: ("kelurahan", BABAKAN), 1: ("kelurahan", BABAKAN)},
        "onboarding-2-pilih-facebook",
    )
    connect(
        browser, base, "instagram", {0: ("kelurahan", TEGAL_GUNDIL)}, "onboarding-3-pilih-instagram"
    )
    browser.set_window_size(*PHONE)
    connect(browser, base, "x", {0: ("city", CITY)}, "onboarding-4-pilih-x-360")
    browser.set_window_size(*DESKTOP)
    connect(browser, base, "google", {0: ("city", CITY)}, "onboarding-5-pilih-youtube")
    connect(browser, base, "tiktok", {0: ("kelurahan", BABAKAN)}, "onboarding-6-pilih-tiktok")
    assert fake.state.subscribed == ["104000000000001", "ig:me"]  # the Page, the IG-Login account

    browser.get(f"{base}/pengaturan/akun")
    healthy = [e.text for e in all_css(browser, "p.health-sehat")]
    assert len(healthy) == 6, healthy  # Page, its Instagram, Instagram Login, X, YouTube, TikTok
    shot(browser, "onboarding-7-akun-sehat")
    assert not fake.state.errors, fake.state.errors
    with ctx.engine.connect() as conn:  # TikTok by Login Kit: its videos read until Business
        tiktok = accounts.find_account(conn, "tiktok", "afd97af1-b87b-48b9-ac98-410aghda5344")
    assert tiktok is not None
    browser.get(f"{base}/pengaturan/akun/{tiktok['id']}")
    assert css(browser, "#mode").text.startswith("Login Kit: hanya daftar video")
    shot(browser, "onboarding-18-tiktok-login-kit")

    # the Page admin removes the app: Meta's debug_token says so at the next check
    fake.revoke("EAAGpageTokenMadeUp")
    with ctx.engine.connect() as conn:
        page = accounts.find_account(conn, "facebook", "104000000000001")
    assert page is not None
    page_id = page["id"]
    browser.get(f"{base}/pengaturan/akun/{page_id}")
    css(browser, 'form[action$="/periksa"] button').click()
    wait(browser, lambda d: "ok=checked" in d.current_url)
    assert "Koneksi: bermasalah" in browser.page_source
    assert "token ditolak Meta" in browser.page_source
    shot(browser, "onboarding-8-token-ditolak")
    browser.set_window_size(*PHONE)
    browser.get(f"{base}/")
    section = css(browser, "section.broken-accounts")
    assert "Akun terputus" in section.text and "Facebook @kelurahan.babakan" in section.text
    assert overflow(browser) is None, overflow(browser)
    shot(browser, "onboarding-9-pusat-komando-360")


def test_a_case_routed_to_dlh_reaches_the_officer_on_whatsapp_within_seconds(
    onboarding_site: tuple[str, Context, FakePlatforms],
    browser: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, ctx, fake = onboarding_site
    browser.set_window_size(*PHONE)
    sign_in_as(browser, base, "operator")
    # the operator records the DLH officer's number and opt-in, on a phone
    officer = accounts.get_user(ctx, "petugas.dlh")["id"]
    browser.get(f"{base}/pengaturan/pengguna")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    form = css(browser, f'form[action="/pengaturan/pengguna/{officer}/whatsapp"]')
    form.find_element("name", "phone").send_keys("0812-3456-7890")
    form.find_element("name", "opt_in").send_keys(
        "formulir persetujuan bertanda tangan, 1 Des 2026"
    )
    from selenium.webdriver.support.select import Select

    Select(form.find_element("name", "channel")).select_by_value("whatsapp")
    assert overflow(browser) is None, overflow(browser)
    form.find_element("css selector", "button").click()
    wait(browser, lambda d: "ok=saved" in d.current_url)

    # a citizen comments on Kelurahan Tegal Gundil's Instagram (a signed Meta delivery)
    commented = time.time()
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1002",
                    "time": int(commented),
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "from": {"id": "7010000000000001", "username": "warga.tegalgundil"},
                                "media": {"id": "18000000000000101", "media_product_type": "FEED"},
                                "id": "17900000000000999",
                                "text": "sampah di TPS kel. tegal gundil numpuk 4 hari ga diangkut",
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    response = httpx.post(
        f"{base}/webhooks/meta",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": hub_signature(ctx.settings.meta_app_secret, body),
        },
    )
    assert response.status_code == 200, response.text
    deadline = time.time() + 10
    while not fake.state.sent and time.time() < deadline:
        time.sleep(0.05)
    assert fake.state.sent, fake.state.errors
    [sent] = fake.state.sent
    seconds = sent.at - int(commented)  # the platform's time has whole seconds
    assert sent.to == "6281234567890" and sent.template == "kasus_baru_opd"
    assert sent.params["body"][0] == "Petugas.Dlh (DLH)"
    assert seconds < 10
    browser.get(f"{base}/pengaturan/notifikasi")
    line = css(browser, "#waktu-sampai").text
    assert "1 terkirim" in line
    assert overflow(browser) is None, overflow(browser)
    shot(browser, "onboarding-10-notifikasi-360")
    with capsys.disabled():
        sys.stdout.write(
            f"\ncomment -> DLH officer's WhatsApp (fake Cloud API): {seconds:.2f} s\n"
            f"{notify_whatsapp.latency_report(ctx).line()}\n"
        )


def test_the_operator_disconnects_an_account_and_connects_it_again(
    onboarding_site: tuple[str, Context, FakePlatforms], browser: Any
) -> None:
    base, ctx, fake = onboarding_site
    browser.set_window_size(*DESKTOP)
    sign_in_as(browser, base, "operator")
    connect(browser, base, "x", {0: ("city", CITY)}, "onboarding-11-pilih-x")
    with ctx.engine.connect() as conn:
        found = accounts.find_account(conn, "x", "pemkotbogor")
    assert found is not None
    page = f"{base}/pengaturan/akun/{found['id']}"

    browser.set_window_size(*PHONE)
    browser.get(page)
    button = css(browser, 'form[action$="/putus"] button')
    assert overflow(browser) is None, overflow(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", button)
    shot(browser, "onboarding-12-putus-360")
    button.click()  # the browser asks first; saying no keeps the account connected
    wait(browser, lambda d: _alert(d) is not None)
    _alert(browser).dismiss()
    assert (
        "ok=disconnected" not in browser.current_url and "xAccessTokenMadeUp" in fake.state.tokens
    )
    css(browser, 'form[action$="/putus"] button').click()
    wait(browser, lambda d: _alert(d) is not None)
    _alert(browser).accept()
    wait(browser, lambda d: "ok=disconnected" in d.current_url)
    assert "Koneksi: terputus" in browser.page_source
    assert "xAccessTokenMadeUp" in fake.state.revoked  # X's revoke endpoint was called
    assert not all_css(browser, 'form[action$="/putus"]')
    shot(browser, "onboarding-13-terputus-360")
    browser.set_window_size(*DESKTOP)
    browser.get(f"{base}/")
    section = css(browser, "section.broken-accounts")
    assert "X @PemkotBogor" in section.text and "diputus dari dasbor oleh operator" in section.text
    shot(browser, "onboarding-14-pusat-komando-terputus")

    connect(browser, base, "x", {0: ("city", CITY)}, "onboarding-15-sambung-ulang")
    browser.get(page)
    assert "Koneksi: sehat" in browser.page_source
    assert not fake.state.errors, fake.state.errors


def _alert(driver: Any) -> Any:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        return driver.switch_to.alert
    except NoAlertPresentException:
        return None


def test_the_operator_picks_both_channels_and_sees_a_paused_template(
    onboarding_site: tuple[str, Context, FakePlatforms], browser: Any
) -> None:
    base, ctx, _ = onboarding_site
    with ctx.engine.begin() as conn:  # Meta paused the new-case template (its webhook)
        notify_fallback.record_template_statuses(
            conn, [TemplateStatus("kasus_baru_opd", "id", "PAUSED")], ctx.now()
        )
    browser.set_window_size(*PHONE)
    sign_in_as(browser, base, "operator")
    user = accounts.get_user(ctx, "petugas.dlh")["id"]
    browser.get(f"{base}/pengaturan/pengguna")
    css(browser, f"details:has(#u{user}-phone) > summary").click()
    css(browser, f"#u{user}-phone").send_keys("0812-3456-7890")
    css(browser, f"#u{user}-optin").send_keys("formulir bertanda tangan, 1 Des 2026")
    choose(browser, f"#u{user}-channel", "both")
    assert overflow(browser) is None, overflow(browser)
    shot(browser, "onboarding-16-saluran-keduanya-360")
    css(browser, f'form[action$="/{user}/whatsapp"] button').click()
    wait(browser, lambda d: "ok=saved" in d.current_url)
    with ctx.engine.connect() as conn:
        channel = conn.execute(
            sa.select(t.users.c.notify_channel).where(t.users.c.id == user)
        ).scalar()
    assert channel == "both"
    browser.get(f"{base}/pengaturan/notifikasi")
    status = css(browser, "#status-kasus_baru_opd")
    assert "dijeda Meta" in status.text and "dikirim lewat e-mail" in status.text
    assert "disetujui" not in css(browser, "#status-eskalasi_aduan").text
    browser.execute_script("arguments[0].scrollIntoView()", status)
    assert overflow(browser) is None, overflow(browser)
    shot(browser, "onboarding-17-status-templat-360")
