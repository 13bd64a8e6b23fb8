"""The accounts settings page shows each account's platform budget and the connectors' notices."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from paseban.context import Context
from paseban.services.people import accounts
from tests.web.conftest import Browser


def test_each_account_shows_what_is_left_of_its_limits(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    path = tmp_path / "polled.csv"
    path.write_text(
        "platform,handle,platform_account_id,owner_kind,owner_code,name\n"
        "x,kota.x,1500000000000000001,city,32.71,Pemkot di X\n"
        "youtube,kota.yt,UCkota0000000000000000,city,32.71,Pemkot di YouTube\n",
        encoding="utf-8",
    )
    accounts.import_csv(app_ctx, path)
    page = html.unescape(login("operator").get("/pengaturan/akun").text)
    assert (
        "Batas platform: ditarik tiap 5 menit · "
        "permintaan mention (token aplikasi, bersama): sisa 450 dari 450" in page
    )
    assert "unit kuota harian proyek Google (seluruh aplikasi): sisa 10.000 dari 10.000" in page
    assert "kiriman balasan (token akun)" not in page  # the X account has no token of its own
