"""Connecting an account by signing in on its platform (OAuth 2.0 authorization code flow).

A `LoginProvider` knows one platform's dialog and token endpoints: the URL the operator's
browser is sent to, the exchange of the returned code for tokens, and the look-ups that say
which accounts the sign-in reached (a person's Pages, a channel). What to do with them (which
kelurahan owns each, where the tokens are stored) is services/people/onboarding.py's business.
The platforms' requests and responses are in docs/connectors/onboarding.md with their sources.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from paseban.connectors.base import Credentials, as_dict
from paseban.connectors.hosts import Hosts
from paseban.connectors.oauth import Refreshed
from paseban.errors import PasebanError


class LoginFailed(PasebanError):
    """The platform refused the sign-in or answered something unusable; the text says why, in
    Bahasa Indonesia, without any token."""


@dataclass(frozen=True)
class Found:
    """One account a sign-in gave access to, with what is needed to act for it."""

    platform: str
    platform_account_id: str
    handle: str
    name: str
    token: str = field(repr=False)
    expires_in: int | None = None  # seconds; None: does not expire by time (a Page token)
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_in: int | None = None
    scopes: tuple[str, ...] = ()  # what the person granted
    missing: tuple[str, ...] = ()  # what Paseban needs and was not granted
    extra: dict[str, str] = field(default_factory=dict)  # page_id, flow (credentials.EXTRA_KEYS)
    subscribes: bool = False  # webhooks are subscribed per account after connecting
    note: str = ""  # "terhubung ke Page Kelurahan Babakan"


@dataclass(frozen=True)
class TokenCheck:
    """What the platform says about a stored token now."""

    valid: bool
    problem: str = ""  # in Bahasa Indonesia
    scopes: tuple[str, ...] | None = None  # granted now, when the platform tells


def pkce_pair() -> tuple[str, str]:
    """RFC 7636: a verifier kept on our side and its S256 challenge sent to the dialog."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def json_body(response: httpx.Response, platform: str) -> dict[str, Any]:
    """The JSON object of a platform answer; LoginFailed for an error status or non-JSON."""
    try:
        body = as_dict(response.json())
    except ValueError:
        body = {}
    if response.status_code >= 400:
        raise LoginFailed(f"{platform} menolak: {error_text(body) or response.status_code}")
    if not body:
        raise LoginFailed(f"{platform}: jawaban bukan JSON yang dikenal")
    return body


def error_text(body: dict[str, Any]) -> str:
    """The platform's own words for an error, from the envelopes the platforms use."""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "")[:200]
    for key in ("error_description", "error_message", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return str(body[key])[:200]
    return ""


def text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def seconds(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def slug(name: str) -> str:
    """A handle suggestion from a display name: `Kelurahan Babakan` -> `kelurahan.babakan`
    (the operator may change it before connecting)."""
    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")[:100]


def token_of(body: dict[str, Any], platform: str) -> str:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise LoginFailed(f"{platform}: jawaban tanpa access_token")
    return token


class LoginProvider(ABC):
    """One sign-in dialog. Class attributes describe it; `configured` says whether the app's
    id and secret are set."""

    key: ClassVar[str] = ""  # the path segment: /oauth/callback/<key>
    label: ClassVar[str] = ""  # what the operator clicks: "Facebook: Page dan Instagram-nya"
    platforms: ClassVar[tuple[str, ...]] = ()  # the accounts it can connect
    pkce: ClassVar[bool] = False
    needed: ClassVar[tuple[str, ...]] = ()  # scopes Paseban asks for and needs
    setting_names: ClassVar[str] = ""  # the settings that enable it, for the operator
    # credentials.extra["flow"] of the accounts it connects, when their tokens renew at its own
    # endpoint rather than the connector's (TikTok Login Kit vs the Business API)
    flow: ClassVar[str] = ""
    # a long-lived token renewed with itself, without a refresh token (Instagram Login's 60-day
    # token): `renew_own` is called by a job before it runs out, once it is `own_min_age` old
    renews_own_token: ClassVar[bool] = False
    own_min_age: ClassVar[int] = 0  # seconds

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        hosts: Hosts,
        *,
        version: str = "",
        config_id: str = "",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.hosts = hosts
        self.version = version  # Meta's Graph API version
        self.config_id = config_id  # Facebook Login for Business's configuration

    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def dialog(self, base: str, params: dict[str, str]) -> str:
        return self.hosts.url(f"{base}?{urlencode(params)}")

    @abstractmethod
    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        """Where the operator's browser signs in on the platform."""

    @abstractmethod
    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        """Trade the code for tokens and read which accounts they reach. Raises LoginFailed."""

    def check(self, client: httpx.Client, platform: str, credentials: Credentials) -> TokenCheck:
        """Ask the platform whether a stored token still works; by default nothing is asked
        (the expiry and the renewals tell)."""
        return TokenCheck(valid=True)

    def renew(self, client: httpx.Client, *, refresh_token: str) -> Refreshed:
        """Renew a token this sign-in gave (only for a provider with its own `flow`)."""
        raise LoginFailed(f"{self.label}: token tidak diperpanjang lewat login ini")

    def mode(self, extra: Mapping[str, Any], cursor: Mapping[str, Any] | None) -> str:
        """How an account of this sign-in's platforms is read now, for its health page ("" when
        there is only one way)."""
        return ""

    def renew_own(self, client: httpx.Client, credentials: Credentials) -> Refreshed:
        """Renew a long-lived token with itself (only for a provider with `renews_own_token`)."""
        raise LoginFailed(f"{self.label}: token tidak diperpanjang dengan dirinya sendiri")

    def revoke(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> str:
        """Tell the platform Paseban lets go of this account (disconnecting from the dashboard):
        revoke the token or drop the webhook subscription where the platform documents a call.
        Returns what was done, in Bahasa Indonesia ("" when there is nothing to call); raises
        LoginFailed when the platform refuses or cannot be reached."""
        return ""

    def missing(self, granted: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in self.needed if s not in granted)

    def found(
        self,
        body: dict[str, Any],
        granted: tuple[str, ...],
        platform: str,
        account_id: str,
        handle: str,
        name: str,
        **more: Any,
    ) -> Found:
        """An account reached with a user token from a standard token answer (`access_token`,
        `expires_in`, `refresh_token`): X, YouTube, TikTok."""
        return Found(
            platform,
            account_id,
            handle,
            name,
            token_of(body, self.label),
            expires_in=seconds(body.get("expires_in")),
            refresh_token=text(body, "refresh_token") or None,
            scopes=granted,
            missing=self.missing(granted) + more.pop("also_missing", ()),
            **more,
        )


def get(client: httpx.Client, url: str, platform: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return json_body(client.get(url, **kwargs), platform)
    except httpx.HTTPError as exc:
        raise LoginFailed(f"{platform} tidak bisa dihubungi ({type(exc).__name__})") from None


def post(client: httpx.Client, url: str, platform: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return json_body(client.post(url, **kwargs), platform)
    except httpx.HTTPError as exc:
        raise LoginFailed(f"{platform} tidak bisa dihubungi ({type(exc).__name__})") from None


def call(
    client: httpx.Client, method: str, url: str, platform: str, **kwargs: Any
) -> dict[str, Any]:
    """A request whose success may carry no body (revocations answer 200 with nothing or `{}`);
    LoginFailed for an error status or an unreachable platform."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise LoginFailed(f"{platform} tidak bisa dihubungi ({type(exc).__name__})") from None
    try:
        body = as_dict(response.json()) if response.content else {}
    except ValueError:
        body = {}
    if response.status_code >= 400:
        raise LoginFailed(f"{platform} menolak: {error_text(body) or response.status_code}")
    return body
