"""What the connector registry answers about publishing: which platforms we post to, how long a
post may be there, and the main channel story ideas are drafted for (issue 12: these lists used
to be tuples in services/ and content/)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from paseban.connectors.connector import Connector
from paseban.connectors.registry import Registry
from paseban.connectors.writing import DEFAULT_LIMITS, PlatformLimits
from paseban.domain.accounts import SOURCE_LABELS, Platform
from paseban.plugins import build_plugin_manager
from paseban.settings import Settings


def builtin() -> Registry:
    return Registry.from_hook(build_plugin_manager(load_entrypoints=False), Settings())


def test_we_post_to_every_platform_but_whatsapp() -> None:
    registry = builtin()
    assert registry.publishable_platforms() == ["facebook", "instagram", "tiktok", "x", "youtube"]
    assert registry.publishes("x") and not registry.publishes("whatsapp")
    assert not registry.publishes("mastodon")


def test_writing_limits_come_from_the_connectors() -> None:
    registry = builtin()
    assert registry.writing_limits("x") == PlatformLimits(280, (70, 260), None, 2, url_length=23)
    assert registry.writing_limits("facebook").max_chars == 63206
    assert registry.writing_limits("whatsapp").max_chars == 4096
    assert registry.describes_writing("whatsapp")
    assert not registry.describes_writing("mastodon")
    assert registry.writing_limits("mastodon") == DEFAULT_LIMITS


def test_story_ideas_go_to_instagram() -> None:
    assert builtin().main_channel() == "instagram"


class Mastodon(Connector):
    name = "mastodon"
    platforms = ("mastodon",)
    publishes = ("mastodon",)
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "mastodon": PlatformLimits(500, (50, 400), None, 4)
    }


def test_a_new_connector_brings_its_own_lists() -> None:
    """Adding a platform is one module: its connector declares what the lists used to say."""
    registry = Registry([*builtin().connectors, Mastodon(Settings())])
    assert "mastodon" in registry.publishable_platforms()
    assert registry.writing_limits("mastodon").max_chars == 500
    assert registry.main_channel() == "instagram"
    assert Registry([Mastodon(Settings())]).main_channel() is None


def test_every_platform_is_named_once() -> None:
    """A platform's name is its connector's; the sources without a connector (a file export,
    a complaint heard in person, Open311) are named in domain/. Every code has exactly one."""
    registry = builtin()
    by_connector = {p: c.labels[p] for c in registry.connectors for p in c.labels}
    for connector in registry.connectors:
        assert set(connector.labels) == set(connector.platforms), connector.name
    assert not set(by_connector) & set(SOURCE_LABELS)
    assert set(by_connector) | set(SOURCE_LABELS) == {str(p) for p in Platform}
    assert {p: registry.platform_label(p) for p in Platform} == {
        "instagram": "Instagram",
        "facebook": "Facebook",
        "whatsapp": "WhatsApp",
        "x": "X",
        "youtube": "YouTube",
        "tiktok": "TikTok",
        "file": "berkas ekspor",
        "manual": "lapor langsung",
        "open311": "aplikasi lain (Open311)",
    }


def test_a_new_connector_names_its_platform() -> None:
    class Named(Mastodon):
        labels: ClassVar[Mapping[str, str]] = {"mastodon": "Mastodon"}

    assert Registry([Named(Settings())]).platform_label("mastodon") == "Mastodon"
    assert Registry([Mastodon(Settings())]).platform_label("mastodon") == "mastodon"
    assert Registry([]).platform_label("bluesky") == "bluesky"
