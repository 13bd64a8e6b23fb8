"""The fake Graph API has teeth: what Meta documents as refused is refused, so a flow that
passes against it follows the documented container flow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.graph import FakeGraph
from tests.fakes.server import serve_asgi

IG = "17841400000000001"
AUTH = {"Authorization": "Bearer EAAGpageTokenMadeUp"}


@pytest.fixture
def graph() -> Iterator[tuple[FakeGraph, httpx.Client]]:
    fake = FakeGraph()
    fake.fetch = lambda url, kind: True  # type: ignore[method-assign]
    with serve_asgi(fake.app()) as base, httpx.Client(base_url=f"{base}/v25.0") as client:
        yield fake, client


def create(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(f"/{IG}/media", json=body, headers=AUTH)


def code(response: httpx.Response) -> tuple[int, int | None]:
    error = response.json()["error"]
    return error["code"], error.get("error_subcode")


def test_publishing_before_finished_fails_then_works(
    graph: tuple[FakeGraph, httpx.Client],
) -> None:
    _, client = graph
    container = create(client, image_url="https://x/a.jpg", caption="Halo").json()["id"]
    early = client.post(f"/{IG}/media_publish", json={"creation_id": container}, headers=AUTH)
    assert early.status_code == 400 and code(early) == (9007, 2207027)
    status = client.get(f"/{container}", params={"fields": "status_code"}, headers=AUTH)
    assert status.json()["status_code"] == "FINISHED"
    done = client.post(f"/{IG}/media_publish", json={"creation_id": container}, headers=AUTH)
    assert done.status_code == 200
    again = client.post(f"/{IG}/media_publish", json={"creation_id": container}, headers=AUTH)
    assert again.status_code == 400  # a container is published once


def test_carousel_counts_and_caption_length(graph: tuple[FakeGraph, httpx.Client]) -> None:
    _, client = graph
    child = create(client, image_url="https://x/a.jpg", is_carousel_item=True).json()["id"]
    one = create(client, media_type="CAROUSEL", caption="x", children=child)
    assert code(one) == (100, 2207028)
    long = create(client, image_url="https://x/a.jpg", caption="x" * 2201)
    assert code(long) == (36004, 2207010)
    with_caption = create(client, image_url="https://x/a.jpg", is_carousel_item=True, caption="x")
    assert with_caption.status_code == 400


def test_the_daily_limit(graph: tuple[FakeGraph, httpx.Client]) -> None:
    fake, client = graph
    fake.quota_total = 1
    for n in range(2):
        container = create(client, image_url="https://x/a.jpg", caption=str(n)).json()["id"]
        client.get(f"/{container}", params={"fields": "status_code"}, headers=AUTH)
        answer = client.post(f"/{IG}/media_publish", json={"creation_id": container}, headers=AUTH)
        if n == 1:
            assert code(answer) == (9, 2207042)
    limit = client.get(f"/{IG}/content_publishing_limit", headers=AUTH).json()["data"][0]
    assert limit["quota_usage"] == 1 and limit["config"]["quota_total"] == 1


def test_a_file_meta_cannot_fetch_is_refused() -> None:
    fake = FakeGraph()
    with serve_asgi(fake.app()) as base, httpx.Client(base_url=f"{base}/v25.0") as client:
        refused = create(client, image_url="http://127.0.0.1:9/nothing.jpg", caption="x")
    assert code(refused) == (9004, 2207052)
