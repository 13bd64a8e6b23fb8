"""One HTTP server on 127.0.0.1 that plays the platforms' authorization servers and APIs as
their documentation describes them (tests/fixtures/oauth/, tests/fixtures/whatsapp_templates/,
each fixture's source in the SOURCES.md beside it), and WhatsApp's Cloud API with its
template rules.

Every platform host is served under its own path prefix: `http://127.0.0.1:<port>/<host>/...`,
and Paseban is pointed at it with PASEBAN_PLATFORM_HOSTS (`hosts_setting()`). The fake is strict
where the platforms are: a request must carry every parameter the documented request carries,
a code is good once, for the redirect URI it was issued for, and X's and Google's PKCE verifier
must match the challenge of the dialog. It does not trust the client: an unknown token is
refused."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

FIXTURES = Path(__file__).parent.parent / "fixtures"
OAUTH = FIXTURES / "oauth"
WA = FIXTURES / "whatsapp_templates"
HOSTS = (
    "www.facebook.com",
    "graph.facebook.com",
    "www.instagram.com",
    "api.instagram.com",
    "graph.instagram.com",
    "x.com",
    "api.x.com",
    "accounts.google.com",
    "oauth2.googleapis.com",
    "www.googleapis.com",
    "www.tiktok.com",
    "open.tiktokapis.com",
)
APP = {"client_id": "1234500000000001", "client_secret": "app-secret-made-up"}
CLIENTS = {  # what Paseban's settings must name (fake_settings in the tests)
    "facebook": ("1234500000000001", "app-secret-made-up"),
    "instagram": ("990602627938098", "a1b2C3D4"),
    "x": ("M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ", "secret"),
    "google": ("1234567890-madeup.apps.googleusercontent.com", "GOCSPX-madeUp"),
    "tiktok": ("awmadeupclientkey", "tiktok-secret-made-up"),
}
CONFIG_ID = "987650000000001"
PHONE_NUMBER_ID = "106540000000001"
WA_TOKEN = "EAAGsystemUserTokenMadeUp"


def fixture(folder: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text())
    return data


@dataclass
class Template:
    """A WhatsApp message template as registered with Meta: parameters per component."""

    name: str
    language: str
    status: str  # APPROVED, PENDING, PAUSED, DISABLED, REJECTED
    params: dict[str, int]  # {"header": 1, "body": 4, "button": 1}


@dataclass
class Sent:
    wamid: str
    to: str
    template: str
    params: dict[str, list[str]]
    at: float  # time.time() when the fake accepted it


@dataclass
class State:
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> dialog facts
    tokens: set[str] = field(default_factory=set)  # tokens handed out and still good
    revoked: set[str] = field(default_factory=set)
    subscribed: list[str] = field(default_factory=list)  # page ids / "ig:me"
    unsubscribed: list[str] = field(default_factory=list)  # page ids let go (DELETE)
    deny: set[str] = field(default_factory=set)  # dialogs whose person says no
    templates: dict[tuple[str, str], Template] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, host, path
    errors: list[str] = field(default_factory=list)  # refused requests, for the assertions
    phone_ids: set[str] = field(default_factory=lambda: {PHONE_NUMBER_ID})  # the city's numbers
    throttled: bool = False  # the Cloud API answers every send with its throughput limit
    tiktok_comments: int = 0  # comments added to each TikTok video since the fixture


class FakePlatforms:
    def __init__(self) -> None:
        self.state = State()
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatforms:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hosts_setting(self) -> tuple[tuple[str, str], ...]:
        return tuple((host, f"{self.base}/{host}") for host in HOSTS)

    def register(self, template: Template) -> None:
        self.state.templates[(template.name, template.language)] = template

    def register_paseban_templates(self, status: str = "APPROVED") -> None:
        """The city registered Paseban's templates (domain/officers.py) and Meta approved them."""
        from paseban.domain.officers import LANGUAGE, TEMPLATES

        for template in TEMPLATES.values():
            self.register(Template(template.name, LANGUAGE, status, template.counts()))

    def revoke(self, token: str) -> None:
        with self.lock:
            self.state.tokens.discard(token)
            self.state.revoked.add(token)


class _Handler(BaseHTTPRequestHandler):
    fake: FakePlatforms

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        return

    # --- plumbing ---------------------------------------------------------------------------

    def _parse(self) -> tuple[str, str, dict[str, str], dict[str, Any], str]:
        parts = urlsplit(self.path)
        host, _, rest = parts.path.lstrip("/").partition("/")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        body: dict[str, Any] = {}
        if raw and "json" in (self.headers.get("content-type") or ""):
            body = json.loads(raw)
        elif raw:
            body = dict(parse_qsl(raw, keep_blank_values=True))
        return host, "/" + rest, query, body, raw

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if body == "" else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, folder: Path, name: str, **changes: Any) -> None:
        response = fixture(folder, name)["response"]
        body = response["body"]
        if isinstance(body, dict):
            body = {**body, **changes}
        self._send(response["status"], body)

    def _refuse(self, why: str, status: int = 400) -> None:
        self.fake.state.errors.append(why)
        self._send(status, {"error": {"message": why, "type": "OAuthException", "code": 100}})

    def _requires(self, name: str, got: dict[str, Any], part: str = "query") -> bool:
        """Every parameter of the documented request is there (extras are allowed)."""
        wanted = fixture(OAUTH, name)["request"].get(part) or {}
        missing = sorted(set(wanted) - set(got))
        if missing:
            self._refuse(f"{name}: tidak ada {', '.join(missing)}")
            return False
        return True

    def _bearer(self, query: dict[str, str]) -> str:
        header = self.headers.get("authorization") or ""
        return (
            header.partition(" ")[2]
            if header.lower().startswith("bearer ")
            else query.get("access_token", "")
        )

    def _token_ok(self, token: str) -> bool:
        if token in self.fake.state.tokens:
            return True
        self._send(
            401 if token else 400,
            {
                "error": {
                    "message": "Invalid OAuth access token",
                    "code": 190,
                    "type": "OAuthException",
                }
            },
        )
        return False

    def _issue(self, *tokens: str) -> None:
        with self.fake.lock:
            self.fake.state.tokens.update(t for t in tokens if t not in self.fake.state.revoked)

    # --- dialogs: a browser arrives, is sent back with a code ----------------------------------

    def _dialog(self, provider: str, name: str, query: dict[str, str], fragment: str = "") -> None:
        if not self._requires(name, query):
            return
        client_key = query.get("client_id") or query.get("client_key")
        if client_key != CLIENTS[provider][0]:
            self._refuse(f"{provider}: client_id tidak dikenal")
            return
        redirect = query["redirect_uri"]
        if provider in self.fake.state.deny:
            back = {"error": "access_denied", "error_reason": "user_denied"}
            back |= {"error_description": "The user denied your request", "state": query["state"]}
            self._send(302, "", {"Location": f"{redirect}?{urlencode(back)}"})
            return
        code = secrets.token_urlsafe(16)
        self.fake.state.codes[code] = {
            "provider": provider,
            "redirect_uri": redirect,
            "challenge": query.get("code_challenge", ""),
        }
        back = {"code": code, "state": query["state"]}
        self._send(302, "", {"Location": f"{redirect}?{urlencode(back)}{fragment}"})

    def _spend(self, provider: str, code: str, redirect_uri: str, verifier: str = "") -> bool:
        facts = self.fake.state.codes.pop(code, None)
        if facts is None or facts["provider"] != provider:
            return False
        if facts["redirect_uri"] != redirect_uri:
            return False
        if facts["challenge"]:
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != facts["challenge"]:
                return False
        return True

    # --- routes ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        host, path, query, body, _ = self._parse()
        self.fake.state.requests.append((method, host, path))
        route = ROUTES.get((method, host, _shape(path)))
        if route is None:
            self._refuse(f"tidak ada rute {method} {host}{path}", 404)
            return
        route(self, path, query, body)


def _shape(path: str) -> str:
    """`/v25.0/104000000000001/subscribed_apps` -> `/V/ID/subscribed_apps`."""
    parts = []
    for part in path.split("/"):
        if part.startswith("v") and part[1:].replace(".", "").isdigit():
            parts.append("V")
        elif part.isdigit():
            parts.append("ID")
        else:
            parts.append(part)
    return "/".join(parts)


# --- Facebook -----------------------------------------------------------------------------------


def fb_dialog(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if q.get("config_id") != CONFIG_ID:
        h._refuse("config_id tidak dikenal")
        return
    h._dialog("facebook", "facebook__authorize_url_login_for_business", q, "#_=_")


def fb_token(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if q.get("client_secret") != APP["client_secret"]:
        h._refuse("client_secret salah")
        return
    if q.get("grant_type") == "fb_exchange_token":
        if not h._requires("facebook__long_lived_user_token", q) or not h._token_ok(
            q["fb_exchange_token"]
        ):
            return
        h._issue("EAAGlongLivedUserTokenMadeUp")
        h._answer(OAUTH, "facebook__long_lived_user_token")
        return
    if not h._requires("facebook__code_exchange", q):
        return
    if not h._spend("facebook", q["code"], q["redirect_uri"]):
        h._refuse("kode otorisasi tidak sah atau sudah dipakai")
        return
    h._issue("EAAGuserTokenMadeUp")
    h._answer(OAUTH, "facebook__code_exchange")


def fb_debug(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not h._requires("facebook__debug_token_page", q):
        return
    if q["access_token"] != f"{APP['client_id']}|{APP['client_secret']}":
        h._refuse("token aplikasi salah")
        return
    token = q["input_token"]
    if token in h.fake.state.tokens:
        h._answer(OAUTH, "facebook__debug_token_page")
    else:
        h._answer(OAUTH, "facebook__debug_token_expired")


def fb_accounts(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not h._requires("facebook__me_accounts_pages_with_instagram", q) or not h._token_ok(
        h._bearer(q)
    ):
        return
    pages = fixture(OAUTH, "facebook__me_accounts_pages_with_instagram")["response"]["body"]
    h._issue(*(p["access_token"] for p in pages["data"]))
    h._answer(OAUTH, "facebook__me_accounts_pages_with_instagram")


def fb_subscribe(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if "subscribed_fields" not in q or not h._token_ok(h._bearer(q)):
        return
    h.fake.state.subscribed.append(path.split("/")[2])
    h._answer(OAUTH, "facebook__subscribed_apps_post")


# --- Instagram Login ----------------------------------------------------------------------------


def ig_dialog(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    h._dialog("instagram", "instagram__authorize_url", q, "#_")


def ig_token(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not h._requires("instagram__code_exchange", b, "body"):
        return
    if b["client_secret"] != CLIENTS["instagram"][1] or not h._spend(
        "instagram", b["code"], b["redirect_uri"]
    ):
        h._answer(OAUTH, "instagram__code_exchange_rejected")
        return
    h._issue("IGAAshortLivedMadeUp")
    h._answer(OAUTH, "instagram__code_exchange")


def ig_long(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not h._requires("instagram__long_lived_exchange", q) or not h._token_ok(q["access_token"]):
        return
    h._issue("IGAAinstagramUserTokenMadeUp")
    h._answer(OAUTH, "instagram__long_lived_exchange")


def ig_me(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._requires("instagram__me", q) and h._token_ok(h._bearer(q)):
        h._answer(OAUTH, "instagram__me")


def ig_refresh(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    """The old token keeps working until it expires; the fake hands out the documented one."""
    if not h._requires("instagram__refresh", q) or not h._token_ok(q["access_token"]):
        return
    if q["grant_type"] != "ig_refresh_token":
        h._refuse("grant_type harus ig_refresh_token")
        return
    h._issue("IGAArefreshedMadeUp")
    h._answer(OAUTH, "instagram__refresh")


def ig_subscribe(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if "subscribed_fields" in q and h._token_ok(h._bearer(q)):
        h.fake.state.subscribed.append("ig:me")
        h._answer(OAUTH, "instagram__subscribed_apps")


# --- X ------------------------------------------------------------------------------------------


def x_dialog(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) < 43:
        h._refuse("PKCE S256 wajib")
        return
    h._dialog("x", "x__authorize_url_pkce", q)


def x_token(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    expected = base64.b64encode(":".join(CLIENTS["x"]).encode()).decode()
    if h.headers.get("authorization") != f"Basic {expected}":
        h._refuse("klien rahasia X harus memakai HTTP Basic", 401)
        return
    if not h._requires("x__token_exchange", b, "body"):
        return
    if not h._spend("x", b["code"], b["redirect_uri"], b["code_verifier"]):
        h._send(
            400,
            {
                "error": "invalid_request",
                "error_description": "Value passed for the authorization code was invalid.",
            },
        )
        return
    h.fake.state.revoked.discard("xAccessTokenMadeUp")  # a new grant: its token is good again
    h._issue("xAccessTokenMadeUp")
    h._answer(OAUTH, "x__token_exchange")


def x_me(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._token_ok(h._bearer(q)):
        h._answer(OAUTH, "x__users_me")


# --- Google -------------------------------------------------------------------------------------


def google_dialog(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    h._dialog("google", "google__authorize_url", q)


def google_token(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if b.get("grant_type") == "refresh_token":
        if b.get("refresh_token") in h.fake.state.revoked:
            h._answer(OAUTH, "google__refresh_invalid_grant")
        else:
            h._issue("ya29.madeUpAccessToken2")
            h._answer(OAUTH, "google__refresh")
        return
    if not h._requires("google__token_exchange", b, "body"):
        return
    if b["client_secret"] != CLIENTS["google"][1] or not h._spend(
        "google", b["code"], b["redirect_uri"], b.get("code_verifier", "")
    ):
        h._answer(OAUTH, "google__refresh_invalid_grant")
        return
    h._issue("ya29.madeUpAccessToken")
    h._answer(OAUTH, "google__token_exchange")


def google_channels(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._requires("google__channels_mine", q) and h._token_ok(h._bearer(q)):
        h._answer(OAUTH, "google__channels_mine")


# --- TikTok -------------------------------------------------------------------------------------


def tiktok_dialog(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    h._dialog("tiktok", "tiktok__authorize_url", q)


def tiktok_token(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if b.get("grant_type") == "refresh_token":  # rotating: the old refresh token dies
        if not h._requires("tiktok__refresh", b, "body"):
            return
        if b["refresh_token"] in h.fake.state.revoked or not b["refresh_token"].startswith("rft."):
            h._answer(OAUTH, "tiktok__token_error")
            return
        h.fake.revoke(b["refresh_token"])
        h._issue("act.refreshed12345Example")
        h._answer(OAUTH, "tiktok__refresh")
        return
    if not h._requires("tiktok__token_exchange", b, "body"):
        return
    if b["client_secret"] != CLIENTS["tiktok"][1] or not h._spend(
        "tiktok", b["code"], b["redirect_uri"]
    ):
        h._answer(OAUTH, "tiktok__token_error")
        return
    h._issue("act.example12345Example12345Example")
    h._answer(OAUTH, "tiktok__token_exchange")


def tiktok_info(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._requires("tiktok__user_info", q) and h._token_ok(h._bearer(q)):
        h._answer(OAUTH, "tiktok__user_info")


def tiktok_videos(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    """Display API: the account's own videos; comment counts grow with `tiktok_comments`."""
    if not h._requires("tiktok__video_list", q) or "max_count" not in b:
        return
    token = h._bearer(q)
    if token not in h.fake.state.tokens:
        h._send(401, {"error": {"code": "access_token_invalid", "message": "", "log_id": "1"}})
        return
    body = json.loads(json.dumps(fixture(OAUTH, "tiktok__video_list")["response"]["body"]))
    for video in body["data"]["videos"]:
        video["comment_count"] += h.fake.state.tiktok_comments
    h._send(200, body)


# --- disconnecting: each platform's documented revocation ---------------------------------------


def fb_unsubscribe(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._token_ok(h._bearer(q)):
        page = path.split("/")[2]
        h.fake.state.subscribed = [p for p in h.fake.state.subscribed if p != page]
        h.fake.state.unsubscribed.append(page)
        h._answer(OAUTH, "facebook__subscribed_apps_delete")


def x_revoke(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    expected = base64.b64encode(":".join(CLIENTS["x"]).encode()).decode()
    if h.headers.get("authorization") != f"Basic {expected}":
        h._refuse("klien rahasia X harus memakai HTTP Basic", 401)
    elif h._requires("x__revoke", b, "body"):
        h.fake.revoke(b["token"])
        h._answer(OAUTH, "x__revoke")


def google_revoke(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not b.get("token") or b["token"] in h.fake.state.revoked:
        h._send(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})
        return
    h.fake.revoke(b["token"])
    h._answer(OAUTH, "google__revoke")


def tiktok_revoke(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if not h._requires("tiktok__revoke", b, "body"):
        return
    if b["client_secret"] != CLIENTS["tiktok"][1] or b["token"] not in h.fake.state.tokens:
        h._answer(OAUTH, "tiktok__token_error")
        return
    h.fake.revoke(b["token"])
    h._answer(OAUTH, "tiktok__revoke")


# --- WhatsApp Cloud API: template messages ------------------------------------------------------


def wa_error(h: _Handler, name: str, details: str) -> None:
    response = fixture(WA, name)["response"]
    body = json.loads(json.dumps(response["body"]))
    body["error"]["error_data"]["details"] = details
    h.fake.state.errors.append(details)
    h._send(response["status"], body)


def wa_send(h: _Handler, path: str, q: dict[str, str], b: dict[str, Any]) -> None:
    if h._bearer(q) != WA_TOKEN:
        h._send(401, {"error": {"message": "Invalid OAuth access token", "code": 190}})
        return
    if path.split("/")[2] not in h.fake.state.phone_ids:
        h._refuse("phone number id tidak dikenal")
        return
    if h.fake.state.throttled:
        wa_error(h, "error__rate_limit_130429", "cloud api message throughput has been reached")
        return
    if b.get("type") != "template":  # no officer ever wrote to us: no window for free text
        wa_error(h, "error__outside_window_131047", "more than 24 hours have passed")
        return
    template = b.get("template") or {}
    name, language = template.get("name"), (template.get("language") or {}).get("code")
    found = h.fake.state.templates.get((str(name), str(language)))
    if found is None or found.status in ("PENDING", "REJECTED"):
        wa_error(
            h,
            "error__template_not_found_132001",
            f"template name ({name}) does not exist in {language}",
        )
        return
    if found.status == "PAUSED":
        wa_error(h, "error__template_paused_132015", f"template {name} is paused")
        return
    if found.status == "DISABLED":
        wa_error(h, "error__template_disabled_132016", f"template {name} is disabled")
        return
    given: dict[str, list[str]] = {}
    for component in template.get("components") or []:
        values = [str(p.get("text", "")) for p in component.get("parameters") or []]
        given[str(component.get("type"))] = values
    for kind in set(found.params) | set(given):
        want, got = found.params.get(kind, 0), len(given.get(kind, []))
        if want != got:
            wa_error(
                h,
                "error__param_count_mismatch_132000",
                f"{kind}: number of localizable_params ({got}) does not match "
                f"the expected number of params ({want})",
            )
            return
        if any(not v.strip() or "\n" in v for v in given.get(kind, [])):
            wa_error(h, "error__param_format_mismatch_132012", f"{kind}: parameter format")
            return
    wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()
    h.fake.state.sent.append(Sent(wamid, str(b.get("to")), str(name), given, time.time()))
    h._send(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": b.get("to"), "wa_id": b.get("to")}],
            "messages": [{"id": wamid, "message_status": "accepted"}],
        },
    )


Route = Any
ROUTES: dict[tuple[str, str, str], Route] = {
    ("GET", "www.facebook.com", "/V/dialog/oauth"): fb_dialog,
    ("GET", "graph.facebook.com", "/V/oauth/access_token"): fb_token,
    ("GET", "graph.facebook.com", "/V/debug_token"): fb_debug,
    ("GET", "graph.facebook.com", "/V/me/accounts"): fb_accounts,
    ("POST", "graph.facebook.com", "/V/ID/subscribed_apps"): fb_subscribe,
    ("DELETE", "graph.facebook.com", "/V/ID/subscribed_apps"): fb_unsubscribe,
    ("POST", "api.x.com", "/ID/oauth2/revoke"): x_revoke,
    ("POST", "oauth2.googleapis.com", "/revoke"): google_revoke,
    ("POST", "open.tiktokapis.com", "/V/oauth/revoke/"): tiktok_revoke,
    ("POST", "open.tiktokapis.com", "/V/video/list/"): tiktok_videos,
    ("POST", "graph.facebook.com", "/V/ID/messages"): wa_send,
    ("GET", "www.instagram.com", "/oauth/authorize"): ig_dialog,
    ("POST", "api.instagram.com", "/oauth/access_token"): ig_token,
    ("GET", "graph.instagram.com", "/access_token"): ig_long,
    ("GET", "graph.instagram.com", "/V/me"): ig_me,
    ("GET", "graph.instagram.com", "/refresh_access_token"): ig_refresh,
    ("POST", "graph.instagram.com", "/V/me/subscribed_apps"): ig_subscribe,
    ("GET", "x.com", "/i/oauth2/authorize"): x_dialog,
    ("POST", "api.x.com", "/ID/oauth2/token"): x_token,
    ("GET", "api.x.com", "/ID/users/me"): x_me,
    ("GET", "accounts.google.com", "/o/oauth2/V/auth"): google_dialog,
    ("POST", "oauth2.googleapis.com", "/token"): google_token,
    ("GET", "www.googleapis.com", "/youtube/V/channels"): google_channels,
    ("GET", "www.tiktok.com", "/V/auth/authorize/"): tiktok_dialog,
    ("POST", "open.tiktokapis.com", "/V/oauth/token/"): tiktok_token,
    ("GET", "open.tiktokapis.com", "/V/user/info/"): tiktok_info,
}


def fake_settings(settings: Any, fake: FakePlatforms) -> Any:
    """`settings` with every sign-in configured for the fake and its hosts in use."""
    from dataclasses import replace

    return replace(
        settings,
        platform_hosts=fake.hosts_setting(),
        meta_app_id=CLIENTS["facebook"][0],
        meta_app_secret=CLIENTS["facebook"][1],
        meta_login_config_id=CONFIG_ID,
        instagram_app_id=CLIENTS["instagram"][0],
        instagram_app_secret=CLIENTS["instagram"][1],
        x_client_id=CLIENTS["x"][0],
        x_client_secret=CLIENTS["x"][1],
        youtube_client_id=CLIENTS["google"][0],
        youtube_client_secret=CLIENTS["google"][1],
        tiktok_client_id=CLIENTS["tiktok"][0],
        tiktok_client_secret=CLIENTS["tiktok"][1],
        whatsapp_token=WA_TOKEN,
    )


def consent(url: str) -> dict[str, str]:
    """What a browser does at the dialog: follow it to the redirect back; its query."""
    import httpx

    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    return dict(parse_qsl(location.query))
