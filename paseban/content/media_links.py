"""Public, signed, expiring links to one media item's cleaned file (issue 18, phase 2).

Meta and TikTok fetch a post's pictures and video themselves ("we cURL media used in publishing
attempts, so the media must be hosted on a publicly accessible server at the time of the
attempt"), so the outbox hands them a link under PASEBAN_BASE_URL that anyone may open, but only
for that one item and only until it expires: `/publik/media/<id>-<expiry>-<signature>.<ext>`.
The signature is an HMAC-SHA256 of the id and the expiry under a key derived from
PASEBAN_SECRET_KEY; a changed id or expiry, or a link past its time, opens nothing. The link is
US-ASCII only (Meta refuses others), never redirects (TikTok refuses redirects) and carries no
name a person chose.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

# Instagram containers live 24 hours and Meta fetches while creating them; TikTok pulls within
# an hour. A day and a little covers a slow container poll without leaving links open for long.
LINK_TTL = timedelta(hours=26)
NAME = re.compile(r"^(\d{1,12})-(\d{10,12})-([0-9a-f]{40})\.(jpg|mp4|mov|webm)$")
PATH = "/publik/media/"


class LinkInvalid(ValueError):
    """Not a link we signed (or one whose id or expiry was changed)."""


class LinkExpired(ValueError):
    """A link we signed, past its expiry."""


def _key(secret: str) -> bytes:
    # a key of its own, so that a link's signature says nothing about the session or CSRF keys
    return hmac.new(secret.encode(), b"paseban media link", hashlib.sha256).digest()


def _signature(secret: str, media_id: int, expires: int, ext: str) -> str:
    message = f"{media_id}:{expires}:{ext}".encode()
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()[:40]


def link_name(secret: str, media_id: int, ext: str, *, now: datetime) -> str:
    """The last part of the link: valid until `now + LINK_TTL`."""
    if not secret:
        raise ValueError("a media link needs a secret key")
    expires = int((now + LINK_TTL).timestamp())
    return f"{media_id}-{expires}-{_signature(secret, media_id, expires, ext)}.{ext}"


def media_url(base_url: str, secret: str, media_id: int, ext: str, *, now: datetime) -> str:
    return f"{base_url.rstrip('/')}{PATH}{link_name(secret, media_id, ext, now=now)}"


def verify(secret: str, name: str, *, now: datetime) -> int:
    """The media id a link opens; LinkInvalid or LinkExpired otherwise."""
    found = NAME.match(name)
    if not secret or found is None:
        raise LinkInvalid(name)
    media_id, expires, given, ext = (
        int(found.group(1)),
        int(found.group(2)),
        found.group(3),
        found.group(4),
    )
    if not hmac.compare_digest(given, _signature(secret, media_id, expires, ext)):
        raise LinkInvalid(name)
    if now.timestamp() > expires:
        raise LinkExpired(name)
    return media_id
