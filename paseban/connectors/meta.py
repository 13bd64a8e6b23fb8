"""Meta: Instagram (comments, replies, mentions, direct messages) and Facebook Pages (feed
comments and posts, Page messages), in through one webhook, out through the Graph API
(connectors/meta_graph.py), direct messages parsed in connectors/meta_messaging.py.

Payload shapes: the Graph API webhook references (the contract fixtures under
tests/fixtures/connectors/contract/meta-*/ name the page of each). Every delivery is signed with
X-Hub-Signature-256 over the raw body; `entry[].id` is *our* account (the Instagram professional
account or the Page), which is how a delivery finds its account.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from paseban.connectors.base import (
    Batch,
    Credentials,
    HubSignedWebhook,
    Hydration,
    PayloadError,
    as_dict,
    as_list,
    clean_text,
    ident,
    load_body,
    unix_time,
)
from paseban.connectors.connector import Connector, NotConfigured, hub_handshake
from paseban.connectors.limits import (
    Limit,
    LimitScope,
    RateSignal,
    ReplyWindow,
    TextRule,
    utf8_bytes,
)
from paseban.connectors.media_post import MediaPublisher
from paseban.connectors.meta_graph import (
    INSTAGRAM_LOGIN,
    MetaPublisher,
    dm_window,
    fetch_mention,
    subscribe_page,
    usage_signals,
    version_expiry,
    version_notice,
)
from paseban.connectors.meta_messaging import messaging_event
from paseban.connectors.meta_metrics import MetaMetrics
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.oauth_meta import FacebookLogin, InstagramLogin, subscribe_instagram_login
from paseban.connectors.publish_meta import meta_media_publisher
from paseban.connectors.writing import PlatformLimits
from paseban.domain.messages import ChangeKind, Message, MessageChange, MessageKind
from paseban.hookspecs import hookimpl

if TYPE_CHECKING:
    from paseban.settings import Settings

OBJECTS = {"instagram": "instagram", "page": "facebook"}
ENTRY_KEYS = frozenset({"id", "time", "changes", "messaging", "standby", "field", "value"})


class MetaWebhook(HubSignedWebhook):
    """`/webhooks/meta`: deliveries for `object: "instagram"` and `object: "page"`."""

    channel = "meta"

    def parse(self, body: bytes, *, received_at: datetime) -> Batch:
        payload = load_body(body)
        if not isinstance(payload, dict) or payload.get("object") not in OBJECTS:
            raise PayloadError("object harus instagram atau page")
        platform = OBJECTS[payload["object"]]
        batch = Batch()
        for raw_entry in as_list(payload.get("entry")):
            entry = as_dict(raw_entry)
            account = ident(entry.get("id"))
            if account is None:
                batch.ignored += 1
                continue
            changes = as_list(entry.get("changes"))
            if "field" in entry and "value" in entry:  # the layout of Meta's examples page
                changes = [*changes, {"field": entry["field"], "value": entry["value"]}]
            for change in changes:
                batch.extend(_change(platform, account, entry, as_dict(change), received_at))
            for event in as_list(entry.get("messaging")):
                batch.extend(messaging_event(platform, account, as_dict(event)))
            # another app (Business Suite's inbox, a bot) owns these conversations: the events
            # are the same, delivered on the standby channel
            for event in as_list(entry.get("standby")):
                batch.extend(messaging_event(platform, account, as_dict(event), standby=True))
            # anything else Meta adds is counted, so that nothing disappears unseen
            batch.ignored += sum(
                len(v) if isinstance(v, list) else 1
                for k, v in entry.items()
                if k not in ENTRY_KEYS
            )
        return batch


def _entry_time(entry: dict[str, Any], fallback: datetime) -> datetime:
    try:
        return unix_time(entry["time"]) if "time" in entry else fallback
    except PayloadError:
        return fallback


def _change(
    platform: str, account: str, entry: dict[str, Any], change: dict[str, Any], at: datetime
) -> Batch:
    field, value = change.get("field"), as_dict(change.get("value"))
    if platform == "instagram" and field in ("comments", "live_comments"):
        return _ig_comment(account, value, _entry_time(entry, at))
    if platform == "instagram" and field == "mentions":
        return _ig_mention(account, value, at)
    if platform == "facebook" and field == "feed":
        return _page_feed(account, value, _entry_time(entry, at))
    return Batch(ignored=1)


def _ig_comment(account: str, value: dict[str, Any], posted_at: datetime) -> Batch:
    comment_id = ident(value.get("id"))
    if comment_id is None:
        return Batch(ignored=1)
    sender = as_dict(value.get("from"))
    parent = ident(value.get("parent_id"))
    media = ident(as_dict(value.get("media")).get("id"))
    message = Message(
        platform="instagram",
        external_id=comment_id,
        account=account,
        author=str(sender.get("username") or "")[:200],
        text=clean_text(value.get("text")),
        posted_at=posted_at,
        kind=MessageKind.REPLY if parent else MessageKind.COMMENT,
        author_id=ident(sender.get("id")),
        parent_external_id=parent or media,
    )
    # replies written by the account itself echo back: they are ours, not a citizen's
    if message.author_id == account:
        return Batch(own=[message])
    return Batch(messages=[message])


def _ig_mention(account: str, value: dict[str, Any], at: datetime) -> Batch:
    media_id, comment_id = ident(value.get("media_id")), ident(value.get("comment_id"))
    if comment_id:
        kind, external, parent = "ig_mention_comment", comment_id, media_id
    elif media_id:
        kind, external, parent = "ig_mention_media", media_id, None
    else:
        return Batch(ignored=1)
    return Batch(hydrate=[Hydration("instagram", account, kind, external, parent, at)])


def _page_feed(account: str, value: dict[str, Any], fallback: datetime) -> Batch:
    item, verb = value.get("item"), value.get("verb")
    if item not in ("comment", "post", "status", "photo", "video"):
        return Batch(ignored=1)  # reactions, likes, shares
    if verb in ("edited", "remove"):
        return _page_feed_change(value, verb, fallback)
    if verb != "add":
        return Batch(ignored=1)  # hide, unhide, block
    sender = as_dict(value.get("from"))
    post_id = ident(value.get("post_id"))
    if item == "comment":
        external = ident(value.get("comment_id"))
        parent = ident(value.get("parent_id"))
        kind = MessageKind.COMMENT if parent in (None, post_id) else MessageKind.REPLY
        parent = parent or post_id
    else:
        external, parent, kind = post_id, None, MessageKind.POST
    if external is None:
        return Batch(ignored=1)
    try:
        posted_at = unix_time(value["created_time"]) if "created_time" in value else fallback
    except PayloadError:
        posted_at = fallback
    message = Message(
        platform="facebook",
        external_id=external,
        account=account,
        author=str(sender.get("name") or "")[:200],
        text=clean_text(value.get("message")),
        posted_at=posted_at,
        kind=kind,
        author_id=ident(sender.get("id")),
        parent_external_id=parent,
    )
    if message.author_id == account:  # the Page itself wrote it
        return Batch(own=[message])
    return Batch(messages=[message])


def _page_feed_change(value: dict[str, Any], verb: str, fallback: datetime) -> Batch:
    """A comment or visitor post edited (`verb: edited`, the new `message`) or removed
    (`verb: remove`, no message)."""
    if value.get("item") == "comment":
        external = ident(value.get("comment_id"))
    else:
        external = ident(value.get("post_id"))
    if external is None:
        return Batch(ignored=1)
    try:
        at = unix_time(value["created_time"]) if "created_time" in value else fallback
    except PayloadError:
        at = fallback
    if verb == "remove":
        return Batch(changes=[MessageChange("facebook", external, ChangeKind.DELETED, at)])
    if not isinstance(value.get("message"), str):
        return Batch(ignored=1)
    text = clean_text(value["message"])
    return Batch(changes=[MessageChange("facebook", external, ChangeKind.EDITED, at, text=text)])


# --- the connector ---------------------------------------------------------------------------

# Meta documents no length for comment replies, Page posts and Messenger texts: these are ours
OWN_TEXT_LIMITS = {"instagram": 2200, "facebook": 8000}
READS = {"send": 1, "read": 1}


class MetaConnector(Connector):
    """Instagram and Facebook Pages: one webhook (`/webhooks/meta`), the Graph API out."""

    name = "meta"
    platforms = ("instagram", "facebook")
    labels: ClassVar[Mapping[str, str]] = {"instagram": "Instagram", "facebook": "Facebook"}
    publishes = ("instagram", "facebook")  # we post there, not only listen
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "instagram": PlatformLimits(2200, (150, 1200), 30, 10),
        "facebook": PlatformLimits(63206, (80, 800), None, 3),
    }
    main_channel = "instagram"  # a kelurahan's story idea becomes an Instagram draft
    channel = "meta"
    signature_header = "x-hub-signature-256"
    handshake = "hub"
    handshake_summary = "Meta subscribe handshake (hub.challenge)"
    delivery_summary = "Instagram and Facebook Page deliveries"
    text_limits: ClassVar[Mapping[str, int]] = OWN_TEXT_LIMITS

    def webhook(self) -> MetaWebhook:
        if not self.settings.meta_app_secret:
            raise NotConfigured("PASEBAN_META_APP_SECRET belum diisi")
        return MetaWebhook(self.settings.meta_app_secret)

    def confirm_subscription(
        self, *, mode: str | None, token: str | None, challenge: str | None
    ) -> str:
        expected = self.settings.meta_verify_token
        return hub_handshake(expected, "meta", mode=mode, token=token, challenge=challenge)

    def hydrate(
        self, client: httpx.Client, item: Hydration, credentials: Credentials
    ) -> Message | None:
        return fetch_mention(client, item, credentials, version=self.settings.meta_graph_version)

    def publisher(self, platform: str) -> MetaPublisher:
        return MetaPublisher(
            platform,
            version=self.settings.meta_graph_version,
            human_agent=self.settings.meta_human_agent,
        )

    def login_providers(self) -> tuple[LoginProvider, ...]:
        settings, hosts = self.settings, self.hosts()
        version = settings.meta_graph_version
        return (
            FacebookLogin(
                settings.meta_app_id,
                settings.meta_app_secret,
                hosts,
                version=version,
                config_id=settings.meta_login_config_id,
            ),
            InstagramLogin(
                settings.instagram_app_id, settings.instagram_app_secret, hosts, version=version
            ),
        )

    def media_publisher(self, platform: str) -> MediaPublisher | None:
        return meta_media_publisher(
            platform, self.settings.meta_graph_version, self.settings.meta_app_id
        )

    def metrics(self, platform: str) -> MetaMetrics:
        return MetaMetrics(platform, version=self.settings.meta_graph_version)

    def subscribe(
        self, client: httpx.Client, platform: str, account_id: str, credentials: Credentials
    ) -> list[str]:
        """A Page subscribes the app to its fields (Instagram fields are chosen for the whole
        app in the App Dashboard: there is no per-account call for them)."""
        version = self.settings.meta_graph_version
        if platform == "instagram" and credentials.extra.get("flow") == INSTAGRAM_LOGIN:
            return subscribe_instagram_login(client, credentials, version=version)
        if platform != "facebook":
            return super().subscribe(client, platform, account_id, credentials)
        return subscribe_page(client, account_id, credentials, version=version)

    # --- texts, windows, limits ------------------------------------------------------------

    def text_rule(self, platform: str, target_kind: str | None) -> TextRule:
        if platform == "instagram" and target_kind == MessageKind.DIRECT:
            # "Message text must be UTF-8 and be a 1000 bytes or less" (Instagram send API)
            return TextRule("Instagram DM", 1000, "byte", utf8_bytes)
        return super().text_rule(platform, target_kind)

    def reply_window(self, platform: str, target_kind: str | None) -> ReplyWindow | None:
        return dm_window(platform) if target_kind == MessageKind.DIRECT else None

    def human_agent_tag(self, platform: str) -> bool:
        return self.settings.meta_human_agent

    def limits(self, platform: str) -> tuple[Limit, ...]:
        """Meta states its budgets as percentages in the usage headers of every answer (per
        Page or Instagram account, and per app), read as signals; the one fixed figure is
        the private replies to Instagram comments: 750 an hour per account."""
        hour = timedelta(hours=1)
        fixed = (
            Limit(
                "replies",
                LimitScope.ACCOUNT,
                750,
                hour,
                {"send": 1},
                source="messenger-platform/overview/rate-limiting",
                label="balasan privat",
            ),
        )
        usage = (
            Limit("usage", LimitScope.ACCOUNT, None, hour, READS, label="pemakaian Meta"),
            Limit("usage", LimitScope.APP, None, hour, READS, label="pemakaian Meta"),
        )
        return fixed + usage if platform == "instagram" else usage

    def rate_signals(
        self, platform: str, response: httpx.Response, *, now: datetime
    ) -> list[RateSignal]:
        return usage_signals(response)

    def notices(self, today: date) -> list[str]:
        notice = version_notice(self.settings.meta_graph_version, today)
        return [notice] if notice else []

    def check(self, today: date) -> None:
        expiry = version_expiry(self.settings.meta_graph_version)
        if expiry is not None and expiry < today:
            raise NotConfigured(str(version_notice(self.settings.meta_graph_version, today)))


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [MetaConnector(settings)]
