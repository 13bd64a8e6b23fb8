"""Signing in with X (OAuth 2.0 with PKCE), Google (a YouTube channel) and TikTok (Login Kit).
Each answer names the accounts the sign-in reached; the requests and their sources are in
docs/connectors/onboarding.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from paseban.connectors import tiktok_display
from paseban.connectors.base import Credentials, as_dict, as_list
from paseban.connectors.oauth import Refreshed
from paseban.connectors.oauth_login import (
    Found,
    LoginFailed,
    LoginProvider,
    call,
    get,
    post,
    seconds,
    slug,
    text,
    token_of,
)

GOOGLE_SCOPE = "https://www.googleapis.com/auth/"


class XLogin(LoginProvider):
    key = "x"
    label = "X (Twitter)"
    platforms = ("x",)
    pkce = True
    setting_names = "PASEBAN_X_CLIENT_ID, PASEBAN_X_CLIENT_SECRET"
    # reading mentions, replying, renewing without the person (offline.access)
    needed: ClassVar[tuple[str, ...]] = (
        "tweet.read",
        "tweet.write",
        "users.read",
        "offline.access",
    )

    def configured(self) -> bool:
        return bool(self.client_id)  # a public client has no secret: PKCE protects it

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        return self.dialog(
            "https://x.com/i/oauth2/authorize",
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(self.needed),
                "state": state,
                "code_challenge": challenge or "",
                "code_challenge_method": "S256",
            },
        )

    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        auth = httpx.BasicAuth(self.client_id, self.client_secret) if self.client_secret else None
        body = post(
            client,
            "https://api.x.com/2/oauth2/token",
            "X",
            data={
                "code": code,
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier or "",
            },
            **({"auth": auth} if auth else {}),
        )
        token = token_of(body, "X")
        me = as_dict(
            get(
                client,
                "https://api.x.com/2/users/me",
                "X",
                params={"user.fields": "profile_image_url,verified"},
                headers={"Authorization": f"Bearer {token}"},
            ).get("data")
        )
        user_id, username = text(me, "id"), text(me, "username")
        if not user_id or not username:
            raise LoginFailed("X: jawaban users/me tanpa id atau username")
        granted = tuple(text(body, "scope").split())
        return [self.found(body, granted, "x", user_id, username, text(me, "name") or username)]

    def revoke(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> str:
        """`POST api.x.com/2/oauth2/revoke` (X's OAuth 2.0 user access token page), for the
        access token and the refresh token: X keeps no other way to end the grant."""
        auth = httpx.BasicAuth(self.client_id, self.client_secret) if self.client_secret else None
        tokens = [("access_token", credentials.token)]
        if credentials.extra.get("refresh_token"):
            tokens.append(("refresh_token", str(credentials.extra["refresh_token"])))
        for hint, token in tokens:
            call(
                client,
                "POST",
                "https://api.x.com/2/oauth2/revoke",
                "X",
                data={"token": token, "token_type_hint": hint, "client_id": self.client_id},
                **({"auth": auth} if auth else {}),
            )
        return "token dicabut di X"


class GoogleLogin(LoginProvider):
    key = "google"
    label = "YouTube (akun Google)"
    platforms = ("youtube",)
    pkce = True  # Google's web-server flow takes code_challenge too
    setting_names = "PASEBAN_YOUTUBE_CLIENT_ID, PASEBAN_YOUTUBE_CLIENT_SECRET"
    needed: ClassVar[tuple[str, ...]] = tuple(
        GOOGLE_SCOPE + s for s in ("youtube.upload", "youtube.readonly", "youtube.force-ssl")
    )

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        return self.dialog(
            "https://accounts.google.com/o/oauth2/v2/auth",
            {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": " ".join(self.needed),
                "access_type": "offline",  # a refresh token, only on the first consent...
                "include_granted_scopes": "true",
                "state": state,
                "prompt": "consent",  # ...unless consent is asked again: connecting is rare
                "code_challenge": challenge or "",
                "code_challenge_method": "S256",
            },
        )

    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        body = post(
            client,
            "https://oauth2.googleapis.com/token",
            "Google",
            data={
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": redirect_uri,
                "grant_type": "authorization_code",
                "code_verifier": verifier or "",
            },
        )
        token = token_of(body, "Google")
        channels = get(
            client,
            "https://www.googleapis.com/youtube/v3/channels",
            "YouTube",
            params={"part": "id,snippet,contentDetails,status", "mine": "true"},
            headers={"Authorization": f"Bearer {token}"},
        )
        granted = tuple(text(body, "scope").split())
        found = []
        for raw in as_list(channels.get("items")):
            item = as_dict(raw)
            snippet = as_dict(item.get("snippet"))
            channel_id = text(item, "id")
            if not channel_id:
                continue
            handle = text(snippet, "customUrl").lstrip("@") or channel_id
            offline = () if text(body, "refresh_token") else ("refresh token (akses offline)",)
            name = text(snippet, "title") or handle
            found.append(
                self.found(body, granted, "youtube", channel_id, handle, name, also_missing=offline)
            )
        if not found:
            raise LoginFailed("akun Google ini belum punya kanal YouTube")
        return found

    def revoke(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> str:
        """`POST oauth2.googleapis.com/revoke` (Google's "Using OAuth 2.0 for Web Server
        Applications", Revoking a token): the refresh token when there is one, which ends the
        access tokens of the same grant too."""
        token = str(credentials.extra.get("refresh_token") or credentials.token)
        call(
            client, "POST", "https://oauth2.googleapis.com/revoke", "Google", data={"token": token}
        )
        return "izin dicabut di akun Google"


class TikTokLogin(LoginProvider):
    key = "tiktok"
    label = "TikTok (Login Kit)"
    platforms = ("tiktok",)
    setting_names = "PASEBAN_TIKTOK_CLIENT_ID, PASEBAN_TIKTOK_CLIENT_SECRET"
    # video.list: until the Business token is set, the account's videos and comment counts are
    # polled with this token (connectors/tiktok_display.py)
    needed: ClassVar[tuple[str, ...]] = (
        "user.info.basic",
        "video.publish",
        "video.upload",
        "video.list",
    )
    flow = "tiktok_login_kit"  # its tokens renew at open.tiktokapis.com, not the Business API
    token_url = "https://open.tiktokapis.com/v2/oauth/token/"

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        # web apps send no code_challenge: TikTok takes code_verifier from mobile/desktop only
        return self.dialog(
            "https://www.tiktok.com/v2/auth/authorize/",
            {
                "client_key": self.client_id,
                "response_type": "code",
                "scope": ",".join(self.needed),
                "redirect_uri": redirect_uri,
                "state": state,
            },
        )

    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        body = post(
            client,
            self.token_url,
            "TikTok",
            data={
                "client_key": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
            },
            headers={"Cache-Control": "no-cache"},
        )
        token = token_of(body, "TikTok")
        info = get(
            client,
            "https://open.tiktokapis.com/v2/user/info/",
            "TikTok",
            params={"fields": "open_id,union_id,avatar_url,display_name"},
            headers={"Authorization": f"Bearer {token}"},
        )
        user = as_dict(as_dict(info.get("data")).get("user"))
        open_id = text(user, "open_id") or text(body, "open_id")
        if not open_id:
            raise LoginFailed("TikTok: jawaban tanpa open_id")
        name = text(user, "display_name") or open_id
        granted = tuple(s for s in text(body, "scope").split(",") if s)
        # the current pages say 2 hours and a 180-day refresh token that rotates on every use;
        # older ones say 24 h / 365 d: the answer's own figures decide. A username needs
        # user.info.profile: the handle is suggested from the name, the operator edits it
        handle = slug(name) or open_id
        return [
            self.found(
                body,
                granted,
                "tiktok",
                open_id,
                handle,
                name,
                refresh_expires_in=seconds(body.get("refresh_expires_in")),
                extra={"flow": self.flow},
            )
        ]

    def mode(self, extra: Mapping[str, Any], cursor: Mapping[str, Any] | None) -> str:
        if extra.get("flow") == self.flow:
            return tiktok_display.mode_text(cursor)
        return "TikTok API for Business: komentar dan balasannya dibaca"

    def revoke(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> str:
        """`POST open.tiktokapis.com/v2/oauth/revoke/` (TikTok's "Revoke a User Access Token"):
        the app leaves the account's connected apps."""
        body = call(
            client,
            "POST",
            "https://open.tiktokapis.com/v2/oauth/revoke/",
            "TikTok",
            data={
                "client_key": self.client_id,
                "client_secret": self.client_secret,
                "token": credentials.token,
            },
            headers={"Cache-Control": "no-cache"},
        )
        if text(body, "error"):  # Login Kit's errors: {error, error_description, log_id}
            raise LoginFailed(f"TikTok menolak: {text(body, 'error_description') or body['error']}")
        return "token dicabut di TikTok"

    def renew(self, client: httpx.Client, *, refresh_token: str) -> Refreshed:
        """`grant_type=refresh_token`: the answer carries a new refresh token, and "the previous
        refresh token stops working once a new one is issued", so it is always kept."""
        body = post(
            client,
            self.token_url,
            "TikTok",
            data={
                "client_key": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            headers={"Cache-Control": "no-cache"},
        )
        return Refreshed(
            token_of(body, "TikTok"),
            text(body, "refresh_token") or None,
            seconds(body.get("expires_in")),
            seconds(body.get("refresh_expires_in")),
        )
