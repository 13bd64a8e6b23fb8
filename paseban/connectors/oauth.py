"""OAuth 2.0 refresh for the platforms whose user tokens expire within hours: X (2 hours) and
Google/YouTube (1 hour). Both take `grant_type=refresh_token` on their token endpoint; X
rotates the refresh token on every use, so the new one must be kept."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from paseban.connectors.base import SendError, as_dict, http_error, transport_error

ENDPOINTS = {
    "x": "https://api.x.com/2/oauth2/token",
    "youtube": "https://oauth2.googleapis.com/token",
}


@dataclass(frozen=True)
class Refreshed:
    token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)  # a rotated one, when given
    expires_in: int | None = None  # seconds
    refresh_expires_in: int | None = None  # seconds the refresh token itself lasts, when given


def refresh(
    client: httpx.Client,
    platform: str,
    *,
    client_id: str,
    client_secret: str,
    refresh_token: str,
) -> Refreshed:
    """Trade a refresh token for a new access token. Raises SendError."""
    url = ENDPOINTS.get(platform)
    if url is None:
        raise SendError(f"{platform}: tidak ada alur refresh token", retryable=False)
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    auth: httpx.BasicAuth | None = None
    if platform == "youtube":
        form["client_secret"] = client_secret
    elif client_secret:  # X confidential clients authenticate with HTTP Basic
        auth = httpx.BasicAuth(client_id, client_secret)
    try:
        response = client.post(url, data=form, auth=auth) if auth else client.post(url, data=form)
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform=platform) from None
    if response.status_code >= 400:
        raise http_error(response, platform=platform)
    body = as_dict(response.json())
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise SendError(f"{platform}: jawaban refresh tanpa access_token", retryable=False)
    rotated = body.get("refresh_token")
    expires = body.get("expires_in")
    return Refreshed(
        token,
        rotated if isinstance(rotated, str) and rotated else None,
        int(expires) if isinstance(expires, int | float) else None,
    )
