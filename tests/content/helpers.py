from __future__ import annotations

from functools import cache

from paseban.connectors.registry import Registry
from paseban.connectors.writing import PlatformLimits
from paseban.plugins import build_plugin_manager
from paseban.settings import Settings


@cache
def registry() -> Registry:
    return Registry.from_hook(build_plugin_manager(load_entrypoints=False), Settings())


def writing(platform: str) -> PlatformLimits:
    """The platform's text rules as the services read them: from the built-in connectors."""
    return registry().writing_limits(platform)
