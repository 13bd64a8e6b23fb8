"""`Connector`: everything Paseban knows about one platform, in one object.

A connector is built from the settings (its secrets and versions are deployment facts) and
registered through the `register_connectors` hook, the built-in ones exactly as a third party's
would be (each platform module ends with its `@hookimpl`). The rest of the code asks the
registry (`connectors/registry.py`) for "the connector of this platform" or "of this webhook
channel" and never names a platform itself. A capability that a platform lacks answers None:
WhatsApp has no public metrics, Meta is not polled, TikTok has no webhook.

Adding a platform is one new module here (its parsers, its API calls, its Connector and the
hook) and its tests.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

import httpx

from paseban.connectors.base import (
    Credentials,
    Hydration,
    MetricsReader,
    Poller,
    Publisher,
    WebhookSource,
)
from paseban.connectors.hosts import Hosts
from paseban.connectors.limits import Limit, RateSignal, ReplyWindow, TextRule
from paseban.connectors.oauth import Refreshed, refresh
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.writing import PlatformLimits
from paseban.errors import Forbidden, InvalidInput, NotFound, PasebanError

if TYPE_CHECKING:
    from paseban.connectors.media_post import MediaPublisher, PostSettings
    from paseban.domain.messages import Message
    from paseban.settings import Settings

DEFAULT_TEXT_LIMIT = 5000  # a reply or post longer than this is refused where no limit is known


class NotConfigured(PasebanError):
    """A connector whose secret is not set in the environment."""


class Connector:
    """One platform (or one family of platforms behind one API, as Meta serves Instagram and
    Facebook). Class attributes describe it; methods build the pieces that talk to it."""

    name: ClassVar[str] = ""  # "meta", "x", ...: the module that defines it
    platforms: ClassVar[tuple[str, ...]] = ()  # the `accounts.platform` values it serves
    # each of its platforms by name, as pages and the checker write it ("Instagram", "X"):
    # Paseban's one list of platform names (Registry.platform_label)
    labels: ClassVar[Mapping[str, str]] = {}
    channel: ClassVar[str | None] = None  # POST /webhooks/<channel>, when the platform pushes
    signature_header: ClassVar[str] = ""  # the header that carries the delivery's signature
    handshake: ClassVar[str | None] = None  # "hub" (hub.challenge) or "crc" (crc_token)
    handshake_summary: ClassVar[str] = ""  # the GET route's line in the OpenAPI document
    delivery_summary: ClassVar[str] = ""  # the POST route's line in the OpenAPI document
    # longest reply or post per platform where the platform documents none: ours, and said so
    text_limits: ClassVar[Mapping[str, int]] = {}
    # the platforms we post to through it (the content desk's accounts); the others only listen
    publishes: ClassVar[tuple[str, ...]] = ()
    # how long a post should and may be, per platform (the quality checker, campaign drafts)
    writing: ClassVar[Mapping[str, PlatformLimits]] = {}
    # the platform a kelurahan's story idea becomes a draft for: its main channel, when this
    # connector serves it (one connector in an installation says so)
    main_channel: ClassVar[str | None] = None
    renews_tokens: ClassVar[bool] = False  # user tokens expire within hours: refreshed by a job
    refresh_ahead: ClassVar[timedelta] = timedelta(minutes=15)  # renew this long before expiry

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- in: webhooks and polls ----------------------------------------------------------------

    def webhook(self) -> WebhookSource:
        """The delivery checker and parser, with its secret; NotConfigured without one."""
        raise NotFound(f"webhook {self.channel!r} tidak dikenal")

    def confirm_subscription(
        self, *, mode: str | None, token: str | None, challenge: str | None
    ) -> str:
        """The subscribe handshake of a `hub` webhook: the challenge to echo."""
        raise NotFound(f"webhook {self.channel!r} tidak dikenal")

    def crc(self, crc_token: str | None) -> dict[str, str]:
        """The challenge-response check of a `crc` webhook: the JSON to answer."""
        raise NotFound(f"webhook {self.channel!r} tidak dikenal")

    def poller(self, platform: str) -> Poller | None:
        return None

    def hydrate(
        self, client: httpx.Client, item: Hydration, credentials: Credentials
    ) -> Message | None:
        """Fetch what a delivery only pointed at (an Instagram mention's text). Raises
        SendError; None when the item is gone or holds nothing to store."""
        raise NotConfigured(f"{item.platform}: kiriman ini tidak bisa dilengkapi")

    # --- out: replies, posts, metrics ---------------------------------------------------------

    def publisher(self, platform: str) -> Publisher | None:
        return None

    def media_publisher(self, platform: str) -> MediaPublisher | None:
        """The stepwise publisher of posts with pictures or video (connectors/media_post.py);
        None where the platform takes none through its API."""
        return None

    def post_settings(self, platform: str) -> PostSettings | None:
        """What the platform requires the person to choose for every post (TikTok's required
        UX); None where it asks nothing beyond the caption and the media."""
        return None

    def subscribe(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> list[str]:
        """Ask the platform to send this account's webhooks to us; the fields subscribed.
        Raises SendError; NotConfigured where the platform has no such call."""
        raise NotConfigured(f"{platform}: langganan webhook diatur di dasbor platform")

    def text_rule(self, platform: str, target_kind: str | None) -> TextRule:
        """The longest text for a reply to a `target_kind` message (None: a post). By default
        the connector's own figure, marked as not the platform's."""
        limit = self.text_limits.get(platform, DEFAULT_TEXT_LIMIT)
        return TextRule(platform, limit, documented=False)

    def reply_window(self, platform: str, target_kind: str | None) -> ReplyWindow | None:
        """How long after the citizen's last message a reply may go out; None: no window."""
        return None

    def human_agent_tag(self, platform: str) -> bool:
        """Whether replies by a person may use the platform's human-agent tag (App Review)."""
        return False

    # --- rate limits -------------------------------------------------------------------------

    def limits(self, platform: str) -> tuple[Limit, ...]:
        """The platform's documented request limits, as data (connectors/limits.py)."""
        return ()

    def rate_signals(
        self, platform: str, response: httpx.Response, *, now: datetime
    ) -> list[RateSignal]:
        """What one response says about the budgets (remaining calls, when to come back)."""
        return []

    def notices(self, today: date) -> list[str]:
        """Things an operator should act on before they break (an API version about to
        expire), in Bahasa Indonesia."""
        return []

    def check(self, today: date) -> None:
        """Refuse to start with a configuration that no longer works (an expired API
        version); raises NotConfigured."""
        return

    def metrics(self, platform: str) -> MetricsReader | None:
        return None

    # --- credentials -------------------------------------------------------------------------

    def app_reading_credentials(self, platform: str) -> Credentials | None:
        """The app's own token for reading, used when an account has none of its own."""
        return None

    def app_sending_credentials(self, platform: str) -> Credentials | None:
        """The app's own token for sending, used when an account has none of its own."""
        return None

    def login_providers(self) -> tuple[LoginProvider, ...]:
        """The sign-in dialogs that connect this platform's accounts from the dashboard
        (connectors/oauth_login.py); none by default."""
        return ()

    def hosts(self) -> Hosts:
        """Where the platform's hosts are (a fake one in tests: PASEBAN_PLATFORM_HOSTS)."""
        return Hosts(self.settings.platform_hosts)

    def oauth_client(self, platform: str) -> tuple[str, str] | None:
        """The app's OAuth client id and secret, when configured (token renewal)."""
        return None

    def renew(
        self, client: httpx.Client, platform: str, *, client_id: str, client_secret: str, token: str
    ) -> Refreshed:
        """Trade a refresh token for a new access token. Raises SendError."""
        return refresh(
            client, platform, client_id=client_id, client_secret=client_secret, refresh_token=token
        )


def hub_handshake(
    expected: str, channel: str, *, mode: str | None, token: str | None, challenge: str | None
) -> str:
    """Meta's subscribe handshake (Instagram, Facebook, WhatsApp): echo hub.challenge when
    hub.verify_token is ours."""
    if not expected:
        raise NotConfigured(f"token verifikasi webhook {channel} belum diisi")
    if mode != "subscribe" or not challenge or len(challenge) > 200:
        raise InvalidInput("hub.mode harus subscribe dan hub.challenge wajib ada")
    if not hmac.compare_digest((token or "").encode(), expected.encode()):
        raise Forbidden("hub.verify_token tidak cocok")
    return challenge
