"""Signing in with Meta: Facebook Login for Business (the Pages a person manages and the
Instagram accounts linked to them) and Instagram Login (a professional account without a
Page). One Meta app cannot offer both for the same flow, so they are two providers with two
app ids (docs/connectors/onboarding.md)."""

from __future__ import annotations

from typing import ClassVar

import httpx

from paseban.connectors.base import Credentials, as_dict, as_list
from paseban.connectors.meta_graph import GRAPH, INSTAGRAM_GRAPH, INSTAGRAM_LOGIN
from paseban.connectors.oauth import Refreshed
from paseban.connectors.oauth_login import (
    Found,
    LoginFailed,
    LoginProvider,
    TokenCheck,
    call,
    get,
    post,
    seconds,
    slug,
    text,
    token_of,
)

PAGE_FIELDS = "id,name,access_token,category,tasks,instagram_business_account{id,username}"
# a Page task that covers the others, and the ones Paseban needs without it (CC §1.3):
# MODERATE answers comments, CREATE_CONTENT publishes, MESSAGE answers direct messages
PAGE_MANAGE = "MANAGE"
PAGE_TASKS = ("MODERATE", "CREATE_CONTENT", "MESSAGE")
# Meta's subcodes of error 190 (access token errors), in the operator's words; Meta's own
# message is English and names no remedy
TOKEN_SUBCODES = {
    458: "aplikasi sudah dihapus dari akun itu",
    459: "akun pemiliknya perlu masuk ke Facebook untuk verifikasi",
    460: "kata sandi pemiliknya berganti",
    463: "masa berlaku token habis",
    464: "akun pemiliknya belum dikonfirmasi",
    467: "token tidak sah lagi",
    492: "sesi pemiliknya tidak sah lagi (mungkin bukan admin Page lagi)",
}


class FacebookLogin(LoginProvider):
    key = "facebook"
    label = "Facebook: Page dan akun Instagram yang tertaut"
    platforms = ("facebook", "instagram")
    setting_names = "PASEBAN_META_APP_ID, PASEBAN_META_APP_SECRET, PASEBAN_META_LOGIN_CONFIG_ID"
    # the configuration (App Dashboard) asks for these; the permissions matrix says why
    needed: ClassVar[tuple[str, ...]] = (
        "pages_show_list",
        "pages_read_engagement",
        "pages_manage_metadata",
        "pages_manage_posts",
        "pages_manage_engagement",
        "pages_messaging",
    )
    instagram_needed: ClassVar[tuple[str, ...]] = (
        "instagram_basic",
        "instagram_manage_comments",
        "instagram_manage_messages",
        "instagram_content_publish",
    )

    def configured(self) -> bool:
        return super().configured() and bool(self.config_id)

    @property
    def graph(self) -> str:
        return f"{GRAPH}/{self.version}"

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        return self.dialog(
            f"https://www.facebook.com/{self.version}/dialog/oauth",
            {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "config_id": self.config_id,
                "response_type": "code",
                "state": state,
            },
        )

    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        short = get(
            client,
            f"{self.graph}/oauth/access_token",
            "Facebook",
            params={
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "client_secret": self.client_secret,
                "code": code,
            },
        )
        long = get(
            client,
            f"{self.graph}/oauth/access_token",
            "Facebook",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "fb_exchange_token": token_of(short, "Facebook"),
            },
        )
        user_token = token_of(long, "Facebook")
        granted = self.check(client, "facebook", Credentials(user_token)).scopes or ()
        pages = get(
            client,
            f"{self.graph}/me/accounts",
            "Facebook",
            params={"fields": PAGE_FIELDS, "limit": "100"},
            headers={"Authorization": f"Bearer {user_token}"},
        )
        found: list[Found] = []
        for raw in as_list(pages.get("data")):
            page = as_dict(raw)
            found.extend(self._page(page, granted))
        if not found:
            raise LoginFailed("akun Facebook ini tidak mengelola Page apa pun yang diizinkan")
        return found

    def _page(self, page: dict[str, object], granted: tuple[str, ...]) -> list[Found]:
        page_id, name, token = text(page, "id"), text(page, "name"), text(page, "access_token")
        if not page_id or not token:
            return []
        tasks = {str(t) for t in as_list(page.get("tasks"))}
        lacking = () if PAGE_MANAGE in tasks else tuple(t for t in PAGE_TASKS if t not in tasks)
        tasks_missing = tuple(f"tugas Page {t}" for t in lacking)
        # a Page token obtained with a long-lived user token does not expire by time
        pages = [
            Found(
                "facebook",
                page_id,
                slug(name) or page_id,  # a Page's username is not in /me/accounts
                name,
                token,
                scopes=granted,
                missing=self.missing(granted) + tasks_missing,
                subscribes=True,
            )
        ]
        ig = as_dict(page.get("instagram_business_account"))
        ig_id = text(ig, "id")
        if ig_id:
            needed = self.instagram_needed
            pages.append(
                Found(
                    "instagram",
                    ig_id,
                    text(ig, "username") or ig_id,
                    f"{name} (Instagram)",
                    token,
                    scopes=granted,
                    missing=tuple(s for s in needed if s not in granted) + tasks_missing,
                    extra={"page_id": page_id},
                    note=f"tertaut ke Page {name}",
                )
            )
        return pages

    def revoke(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> str:
        """A Page: `DELETE /{page-id}/subscribed_apps` with its token (Graph API reference, Page
        Subscribed Apps, "Deleting"): its webhooks stop. A Page token cannot be revoked alone;
        an Instagram account linked to a Page receives its webhooks through that Page."""
        if platform != "facebook":
            return ""
        body = call(
            client,
            "DELETE",
            f"{self.graph}/{account_id}/subscribed_apps",
            "Facebook",
            headers={"Authorization": f"Bearer {credentials.token}"},
        )
        if body.get("success") not in (True, "true"):
            raise LoginFailed("Facebook: pencabutan langganan webhook tidak dikonfirmasi Meta")
        return "langganan webhook Page dicabut (subscribed_apps)"

    def check(self, client: httpx.Client, platform: str, credentials: Credentials) -> TokenCheck:
        """`GET /debug_token` with the app's token: Meta does not tell when a token dies."""
        body = get(
            client,
            f"{self.graph}/debug_token",
            "Facebook",
            params={
                "input_token": credentials.token,
                "access_token": f"{self.client_id}|{self.client_secret}",
            },
        )
        data = as_dict(body.get("data"))
        scopes = tuple(str(s) for s in as_list(data.get("scopes")))
        if data.get("is_valid") is True:
            return TokenCheck(True, scopes=scopes)
        error = as_dict(data.get("error"))
        subcode = error.get("subcode")
        reason = TOKEN_SUBCODES.get(subcode if isinstance(subcode, int) else 0, "tidak sah lagi")
        code = f" (kode {error.get('code', 190)}/{subcode})" if subcode else ""
        return TokenCheck(False, f"token ditolak Meta: {reason}{code}; sambungkan ulang", scopes)


class InstagramLogin(LoginProvider):
    key = "instagram"
    label = "Instagram tanpa Page (Instagram Login)"
    platforms = ("instagram",)
    flow = INSTAGRAM_LOGIN
    # Meta's Refresh Access Token reference: "a long-lived access token that is at least 24
    # hours old but has not expired"; the refreshed one is good for 60 days
    renews_own_token = True
    own_min_age = 24 * 3600
    setting_names = "PASEBAN_INSTAGRAM_APP_ID, PASEBAN_INSTAGRAM_APP_SECRET"
    needed: ClassVar[tuple[str, ...]] = (
        "instagram_business_basic",
        "instagram_business_manage_comments",
        "instagram_business_manage_messages",
        "instagram_business_content_publish",
    )

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str | None) -> str:
        return self.dialog(
            "https://www.instagram.com/oauth/authorize",
            {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": ",".join(self.needed),
                "state": state,
                "enable_fb_login": "0",  # Instagram Login only: the other flow is FacebookLogin
                "force_authentication": "1",  # the operator picks the account, not a cookie
            },
        )

    def exchange(
        self, client: httpx.Client, *, code: str, redirect_uri: str, verifier: str | None
    ) -> list[Found]:
        body = post(
            client,
            "https://api.instagram.com/oauth/access_token",
            "Instagram",
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        # Meta's page shows the answer wrapped in `data`; public code also sees it bare
        short = as_dict(as_list(body["data"])[0]) if as_list(body.get("data")) else body
        granted = tuple(p for p in text(short, "permissions").split(",") if p)
        long = get(
            client,
            f"{INSTAGRAM_GRAPH}/access_token",
            "Instagram",
            params={
                "grant_type": "ig_exchange_token",
                "client_secret": self.client_secret,
                "access_token": token_of(short, "Instagram"),
            },
        )
        token = token_of(long, "Instagram")
        me = get(
            client,
            f"{INSTAGRAM_GRAPH}/{self.version}/me",
            "Instagram",
            params={"fields": "user_id,username,account_type,name"},
            headers={"Authorization": f"Bearer {token}"},
        )
        user_id = text(me, "user_id") or text(short, "user_id")
        if not user_id:
            raise LoginFailed("Instagram: jawaban tanpa id akun")
        username = text(me, "username") or user_id
        return [
            Found(
                "instagram",
                user_id,
                username,
                text(me, "name") or username,
                token,
                expires_in=seconds(long.get("expires_in")),
                scopes=granted,
                missing=self.missing(granted),
                extra={"flow": INSTAGRAM_LOGIN},
                subscribes=True,
            )
        ]

    def renew_own(self, client: httpx.Client, credentials: Credentials) -> Refreshed:
        """`GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`."""
        body = get(
            client,
            f"{INSTAGRAM_GRAPH}/refresh_access_token",
            "Instagram",
            params={"grant_type": "ig_refresh_token", "access_token": credentials.token},
        )
        return Refreshed(token_of(body, "Instagram"), None, seconds(body.get("expires_in")))


INSTAGRAM_FIELDS = ("comments", "messages")


def subscribe_instagram_login(
    client: httpx.Client, credentials: Credentials, *, version: str
) -> list[str]:
    """An account on Instagram Login subscribes with its own token:
    `POST graph.instagram.com/<v>/me/subscribed_apps` (the call is shown by public code citing
    Meta's webhook page; Meta's stored page says only that an API call enables it)."""
    body = post(
        client,
        f"{INSTAGRAM_GRAPH}/{version}/me/subscribed_apps",
        "Instagram",
        params={"subscribed_fields": ",".join(INSTAGRAM_FIELDS)},
        headers={"Authorization": f"Bearer {credentials.token}"},
    )
    if body.get("success") not in (True, "true"):
        raise LoginFailed("Instagram: langganan webhook tidak dikonfirmasi Meta")
    return list(INSTAGRAM_FIELDS)
