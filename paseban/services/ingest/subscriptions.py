"""Subscribing an account's webhooks from Paseban (a Facebook Page: `subscribed_apps` with the
fields docs/connectors/meta.md lists), so a city does not have to click them for every Page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paseban.errors import InvalidInput, NotFound
from paseban.services.ingest.polling import http_client
from paseban.services.people import credentials as creds
from paseban.services.people.accounts import find_account

if TYPE_CHECKING:
    import httpx

    from paseban.context import Context


def subscribe(
    ctx: Context, platform: str, handle: str, *, client: httpx.Client | None = None
) -> list[str]:
    """Subscribe one account's webhooks with its own token; returns the fields. Raises
    NotFound, InvalidInput (no token, no id), NotConfigured or SendError."""
    with ctx.engine.connect() as conn:
        account = find_account(conn, platform, handle)
        if account is None:
            raise NotFound(f"akun {handle!r} di {platform} tidak terdaftar")
        token = creds.account_token(conn, ctx.settings, int(account["id"]))
    if token is None:
        raise InvalidInput(f"akun {platform}:{handle} belum punya token (paseban accounts token)")
    if not account["platform_account_id"]:
        raise InvalidInput(f"akun {platform}:{handle} belum punya platform_account_id")
    connector = ctx.connectors.for_platform(platform)
    if connector is None:
        raise InvalidInput(f"platform {platform} tidak punya konektor")
    owned = client is None
    client = client or http_client()
    try:
        return connector.subscribe(client, platform, str(account["platform_account_id"]), token)
    finally:
        if owned:
            client.close()
