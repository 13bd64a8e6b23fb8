"""Small builders for tests."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from paseban.context import Context
from paseban.services.people import accounts
from paseban.services.reference import store as reference

ACCOUNTS_CSV = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,pemkotbogor,1000,city,32.71,Pemkot Bogor
instagram,kelurahan.batutulis,1001,kelurahan,32.71.01.1001,Kelurahan Batu Tulis
instagram,kelurahan.tegalgundil,1002,kelurahan,32.71.05.1002,Kelurahan Tegal Gundil
instagram,kecamatan.bogorutara,1100,kecamatan,32.71.05,Kecamatan Bogor Utara
whatsapp,pemkotbogor.wa,2000,city,32.71,WhatsApp Pemkot
"""


def with_accounts(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(ACCOUNTS_CSV, encoding="utf-8")
    accounts.import_csv(ctx, path)


KAB = "32.01"  # Kabupaten Bogor: the second city of a province's deployment in the tests
KAB_ACCOUNTS = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,kel.pondokrajeg,3001,kelurahan,32.01.01.1001,Kelurahan Pondok Rajeg
"""


def with_kabupaten_bogor(ctx: Context, tmp_path: Path) -> None:
    """Kabupaten Bogor loaded beside the test city, with one kelurahan account and its
    Diskominfo operator (`operator.kab`), and the province operator (`operator.provinsi`)."""
    reference.load(ctx, KAB)
    csv = tmp_path / "kab.csv"
    csv.write_text(KAB_ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, csv)
    accounts.add_user(ctx, "operator.kab", role="diskominfo", kota=KAB)
    accounts.add_user(ctx, "operator.provinsi", role="province_operator")


def message(
    n: int,
    text: str,
    *,
    account: str = "kelurahan.batutulis",
    platform: str = "instagram",
    time: str = "2026-11-27T08:00:00+07:00",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "platform": platform,
        "external_id": f"m{n}",
        "account": account,
        "author": f"warga{n}",
        "text": text,
        "time": time,
        **extra,
    }


def write_jsonl(path: Path, records: Sequence[Mapping[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
