"""The connectors' answer to `collect_account_metrics`: once a day, each official account's
followers and the counts of its posts of the last 30 days, read from its platform with the token
a poll uses. A built-in plugin: the measurement's `record_account_metrics` job asks the hook and
stores the answer (services/measurement/recording.py).

WhatsApp has no public figures: its accounts answer None and are filled with
`paseban metrics import`. So do sample accounts, accounts without a platform id or a token, and
platforms no connector reads.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx

from paseban.connectors.base import (
    AccountRef,
    Credentials,
    PayloadError,
    SendError,
)
from paseban.errors import PasebanError
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics
from paseban.services.ingest.polling import http_client
from paseban.services.people import credentials as creds
from paseban.storage.rows.people import AccountRow

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.account_metrics")

WINDOW = timedelta(days=30)  # posts older than this are not read again
NO_METRICS = "platform tanpa metrik publik: isi lewat `paseban metrics import`"


class MetricsFailed(PasebanError):
    """The platform refused or could not be read; the message says which account and why."""


@hookimpl
def collect_account_metrics(ctx: Context, account: AccountRow) -> AccountMetrics | None:
    return collect(ctx, account)


def collect(
    ctx: Context, account: AccountRow, *, client: httpx.Client | None = None
) -> AccountMetrics | None:
    """Today's figures of one account, or None (with the reason in the log) when they cannot be
    read. A refusal or a bad answer of the platform raises MetricsFailed, naming the account and
    the platform's reason; the job logs it, counts it as failed and goes on."""
    label = f"{account['platform']}:{account['handle']}"
    reader = ctx.connectors.metrics(account["platform"])
    credentials, reason = _credentials(ctx, account) if reader else (None, NO_METRICS)
    if reader is None or credentials is None:
        # sample accounts never have tokens: not worth a line each at every daily run
        level = logging.DEBUG if account.get("is_sample") else logging.INFO
        log.log(level, "account metrics skipped", extra={"account": label, "reason": reason})
        return None
    now = ctx.now()
    # _credentials answered None above for an account without a platform id
    ref = AccountRef(account["platform"], account["platform_account_id"] or "", account["handle"])
    owned = client is None
    client = client or http_client()
    try:
        return reader.fetch(
            client, ref, credentials, day=now.astimezone(ctx.tz).date(), since=now - WINDOW
        )
    except (SendError, PayloadError) as exc:
        raise MetricsFailed(f"metrik {label} tidak terbaca: {exc}") from exc
    finally:
        if owned:
            client.close()


def _credentials(ctx: Context, account: AccountRow) -> tuple[Credentials | None, str]:
    """The token to read with, or None and why not."""
    if account.get("is_sample"):
        return None, "akun contoh"
    if not account.get("platform_account_id"):
        return None, "platform_account_id akun belum diisi"
    with ctx.engine.connect() as conn:
        try:
            found = creds.for_reading(conn, ctx, account["platform"], account["id"])
        except creds.CredentialsLocked as exc:
            return None, str(exc)
    return found, "" if found else "belum ada token untuk membaca"
