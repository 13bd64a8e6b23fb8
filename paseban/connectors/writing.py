"""How long a post should and may be on each platform, as the quality checker and the campaign
adapter read it: pure data, declared by each connector (`Connector.writing`) and asked of the
registry (`Registry.writing_limits`), so content/ stays pure and never names a platform."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformLimits:
    max_chars: int  # the platform refuses longer text
    ideal: tuple[int, int]  # where posts read best (editorial guidance, see docs/content.md)
    max_hashtags: int | None  # the platform refuses or ignores more
    ideal_hashtags: int
    url_length: int | None = None  # X counts every link as 23 characters


# for a platform no connector describes: an Instagram-sized caption (the checker's old fallback)
DEFAULT_LIMITS = PlatformLimits(2200, (150, 1200), 30, 10)
