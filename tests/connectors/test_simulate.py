from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from paseban.connectors import simulate
from paseban.connectors.base import WebhookSource
from paseban.connectors.meta import MetaWebhook
from paseban.connectors.whatsapp import WhatsAppWebhook
from paseban.connectors.x import XWebhook

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_every_delivery_is_signed_and_in_the_platform_shape() -> None:
    generator = simulate.Generator("meta-secret", "x-secret", seed=7)
    sources: dict[str, WebhookSource] = {
        "meta": MetaWebhook("meta-secret"),
        "whatsapp": WhatsAppWebhook("meta-secret"),
        "x": XWebhook("x-secret"),
    }
    kinds: Counter[str] = Counter()
    places: set[str] = set()
    messages = 0
    for _ in range(600):
        delivery = generator.next(AT)
        source = sources[delivery.endpoint]
        assert source.verify(delivery.headers, delivery.body)
        batch = source.parse(delivery.body, received_at=AT)
        kinds[delivery.kind] += 1
        if delivery.kind == "echo":
            assert len(batch.own) == 1 and not batch.messages
            continue
        (message,) = batch.messages
        messages += 1
        if delivery.kind == "instagram_comment":
            places.add(message.account)
        assert message.text or message.lat is not None
    assert set(kinds) == {
        "instagram_comment",
        "instagram_dm",
        "facebook_comment",
        "whatsapp",
        "echo",
        "x_mention",
    }
    assert len(places) >= 60  # spread over the city's 68 kelurahan
    assert messages >= 550


def test_the_same_seed_gives_the_same_stream() -> None:
    def first(seed: int) -> list[bytes]:
        stream = simulate.Generator("s", seed=seed).stream()
        return [next(stream).body for _ in range(20)]

    assert first(3) == first(3) and first(3) != first(4)


def test_texts_are_informal_indonesian_about_the_place() -> None:
    generator = simulate.Generator("s", seed=1)
    texts = [
        json.dumps(json.loads(generator.next(AT).body), ensure_ascii=False) for _ in range(200)
    ]
    joined = " ".join(texts).lower()
    for word in ("min", "udh", "tolong", "jl.", "rw"):
        assert word in joined


def test_only_local_servers() -> None:
    assert simulate.check_local("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    for url in ("https://example.org", "http://10.0.0.5:8000", "ftp://127.0.0.1"):
        with pytest.raises(ValueError, match="lokal"):
            simulate.check_local(url)
