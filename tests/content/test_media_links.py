"""The signed links Meta and TikTok fetch a post's files from: they open one item, until they
expire, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from paseban.content import media_links as links

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SECRET = "kunci-rahasia"


def test_a_link_opens_its_item_until_it_expires() -> None:
    name = links.link_name(SECRET, 42, "jpg", now=NOW)
    assert links.verify(SECRET, name, now=NOW + timedelta(hours=25)) == 42
    with pytest.raises(links.LinkExpired):
        links.verify(SECRET, name, now=NOW + links.LINK_TTL + timedelta(seconds=1))


@pytest.mark.parametrize(
    "change",
    [
        lambda n: n.replace("42-", "43-", 1),  # another item
        lambda n: n.replace(n.split("-")[1], str(int(n.split("-")[1]) + 3600)),  # longer life
        lambda n: n[:-4] + ".mp4",  # another file of the item
        lambda n: n[:-5] + ("0" if n[-5] != "0" else "1") + n[-4:],  # the signature itself
        lambda n: "../" + n,
    ],
)
def test_a_changed_link_opens_nothing(change: object) -> None:
    name = links.link_name(SECRET, 42, "jpg", now=NOW)
    assert callable(change)
    with pytest.raises(links.LinkInvalid):
        links.verify(SECRET, change(name), now=NOW)


def test_another_installations_key_opens_nothing() -> None:
    name = links.link_name(SECRET, 42, "jpg", now=NOW)
    with pytest.raises(links.LinkInvalid):
        links.verify("another-key", name, now=NOW)
    with pytest.raises(links.LinkInvalid):
        links.verify("", name, now=NOW)


def test_the_url_is_ascii_under_the_base_url() -> None:
    url = links.media_url("https://paseban.bogorkota.go.id/", SECRET, 7, "mp4", now=NOW)
    assert url.startswith("https://paseban.bogorkota.go.id/publik/media/7-")
    assert url.endswith(".mp4") and url.isascii()
