"""The connectors this installation knows, from the `register_connectors` hook: who serves a
platform, who answers a webhook channel. The rest of the code asks here and never names a
platform (tests/test_layers.py checks that platform names appear in conditions only under
connectors/)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from paseban.connectors.base import MetricsReader, Poller, Publisher
from paseban.connectors.connector import Connector
from paseban.connectors.media_post import MediaPublisher, PostSettings
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.writing import DEFAULT_LIMITS, PlatformLimits
from paseban.domain.accounts import SOURCE_LABELS
from paseban.errors import NotFound

if TYPE_CHECKING:
    import pluggy

    from paseban.settings import Settings


class Registry:
    def __init__(self, connectors: Iterable[Connector]) -> None:
        self.connectors = list(connectors)
        self._by_platform = {p: c for c in self.connectors for p in c.platforms}
        self._by_channel = {c.channel: c for c in self.connectors if c.channel}

    @classmethod
    def from_hook(cls, pm: pluggy.PluginManager, settings: Settings) -> Registry:
        return cls(c for batch in pm.hook.register_connectors(settings=settings) for c in batch)

    def for_platform(self, platform: str) -> Connector | None:
        return self._by_platform.get(platform)

    def for_channel(self, channel: str) -> Connector:
        """The connector behind /webhooks/{channel}; NotFound for a channel nobody serves."""
        found = self._by_channel.get(channel)
        if found is None:
            raise NotFound(f"webhook {channel!r} tidak dikenal")
        return found

    def webhooks(self) -> list[Connector]:
        """The connectors that platforms push to, by channel name."""
        return [self._by_channel[name] for name in sorted(self._by_channel)]

    def poller(self, platform: str) -> Poller | None:
        connector = self.for_platform(platform)
        return connector.poller(platform) if connector else None

    def publisher(self, platform: str) -> Publisher | None:
        connector = self.for_platform(platform)
        return connector.publisher(platform) if connector else None

    def media_publisher(self, platform: str) -> MediaPublisher | None:
        connector = self.for_platform(platform)
        return connector.media_publisher(platform) if connector else None

    def post_settings(self, platform: str) -> PostSettings | None:
        connector = self.for_platform(platform)
        return connector.post_settings(platform) if connector else None

    def metrics(self, platform: str) -> MetricsReader | None:
        connector = self.for_platform(platform)
        return connector.metrics(platform) if connector else None

    def polled_platforms(self) -> list[str]:
        return sorted(p for p in self._by_platform if self.poller(p) is not None)

    def refresh_ahead(self, platform: str) -> timedelta:
        """How long before expiry the platform's user tokens are renewed."""
        connector = self.for_platform(platform)
        return connector.refresh_ahead if connector else timedelta(0)

    def notices(self, today: date) -> list[str]:
        """What an operator should act on, from every connector (an API version ending)."""
        return [notice for c in self.connectors for notice in c.notices(today)]

    def check(self, today: date) -> None:
        """Refuse a configuration that no longer works (raises NotConfigured)."""
        for connector in self.connectors:
            connector.check(today)

    def login_providers(self) -> list[LoginProvider]:
        """Every sign-in dialog that connects accounts, in the connectors' order."""
        return [p for c in self.connectors for p in c.login_providers()]

    def login_provider(self, key: str) -> LoginProvider:
        found = next((p for p in self.login_providers() if p.key == key), None)
        if found is None:
            raise NotFound(f"cara menyambungkan {key!r} tidak dikenal")
        return found

    def renewable_platforms(self) -> list[str]:
        """Platforms whose user tokens expire within hours and are renewed by a job."""
        return sorted(p for p, c in self._by_platform.items() if c.renews_tokens)

    def platform_label(self, platform: str) -> str:
        """The platform's name as pages and the checker write it: its connector's
        (`Connector.labels`), the source's for a file export, a complaint heard in person or
        Open311 (`domain.accounts.SOURCE_LABELS`), else the code itself."""
        connector = self.for_platform(platform)
        if connector is not None and platform in connector.labels:
            return connector.labels[platform]
        return SOURCE_LABELS.get(platform, platform)

    def publishable_platforms(self) -> list[str]:
        """The platforms the content desk posts to (accounts on the others only listen)."""
        return sorted(p for c in self.connectors for p in c.publishes)

    def publishes(self, platform: str) -> bool:
        return platform in self.publishable_platforms()

    def writing_limits(self, platform: str) -> PlatformLimits:
        """How long a post should and may be there; an Instagram-sized caption for a platform
        no connector describes (the quality checker refuses those before asking)."""
        connector = self.for_platform(platform)
        found = connector.writing.get(platform) if connector else None
        return found or DEFAULT_LIMITS

    def describes_writing(self, platform: str) -> bool:
        """Whether a connector says how posts are written there (the checker's platforms)."""
        connector = self.for_platform(platform)
        return connector is not None and platform in connector.writing

    def main_channel(self) -> str | None:
        """The platform a story idea becomes a draft for: the first connector that names one."""
        return next((c.main_channel for c in self.connectors if c.main_channel), None)
