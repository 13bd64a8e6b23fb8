"""The contract fixtures (tests/fixtures/connectors/contract/<platform>/): webhook bodies as the
platforms post them, and our calls with the platform's documented answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from paseban.connectors.base import hub_signature
from paseban.connectors.x import webhook_signature

CONTRACT = Path(__file__).parent.parent.parent / "fixtures" / "connectors" / "contract"
AT = datetime(2026, 7, 1, 1, 15, tzinfo=UTC)  # 1782868500, the fixtures' "now"
SECRET = "contract-app-secret"
X_SECRET = "contract-consumer-secret"

IG_ACCOUNT = "17841400000000001"
PAGE = "104000000000001"
WA_NUMBER = "106540000000001"
X_USER = "1500000000000000001"
TIKTOK_BUSINESS = "-000AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
YT_CHANNEL = "UCcontract0000000000000"

ACCOUNTS_CSV = f"""platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,pemkot.contoh,{IG_ACCOUNT},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
facebook,pemkot.contoh.fb,{PAGE},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
whatsapp,pemkot.contoh.wa,{WA_NUMBER},kelurahan,32.71.01.1001,WhatsApp Batu Tulis
x,pemkot.contoh.x,{X_USER},city,32.71,Pemkot Bogor
tiktok,pemkot.contoh.tt,{TIKTOK_BUSINESS},city,32.71,Pemkot Bogor
youtube,pemkot.contoh.yt,{YT_CHANNEL},city,32.71,Pemkot Bogor
"""


def path(platform: str, name: str) -> Path:
    return CONTRACT / platform / f"{name}.json"


def body(platform: str, name: str) -> bytes:
    return path(platform, name).read_bytes()


def load(platform: str, name: str) -> Any:
    return json.loads(body(platform, name))


def meta_signed(platform: str, name: str) -> tuple[dict[str, str], bytes]:
    raw = body(platform, name)
    return {"X-Hub-Signature-256": hub_signature(SECRET, raw)}, raw


def x_signed(name: str) -> tuple[dict[str, str], bytes]:
    raw = body("x", name)
    return {"x-twitter-webhooks-signature": webhook_signature(X_SECRET, raw)}, raw


def answer(platform: str, name: str) -> httpx.Response:
    """The documented response of an exchange fixture, as httpx would hand it to us."""
    exchange = load(platform, name)["response"]
    return httpx.Response(
        exchange["status"],
        json=exchange["body"],
        headers={k.lower(): v for k, v in exchange.get("headers", {}).items()},
    )


def request(platform: str, name: str) -> dict[str, Any]:
    """What the documentation says we send."""
    found: dict[str, Any] = load(platform, name)["request"]
    return found


def with_contract_accounts(ctx: Any, tmp_path: Path) -> None:
    from paseban.services.people import accounts

    csv = tmp_path / "contract_accounts.csv"
    csv.write_text(ACCOUNTS_CSV, encoding="utf-8")
    accounts.import_csv(ctx, csv)
