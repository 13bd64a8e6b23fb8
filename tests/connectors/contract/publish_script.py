"""Playing the publishing fixtures against the stepwise publishers: each request the connector
makes is compared with the next documented request (method, host and path, query fields, body),
and answered with the documented response."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from paseban.connectors.base import AccountRef, Credentials
from paseban.connectors.media_post import IMAGE, VIDEO, MediaFile, MediaPost, MediaPublisher, Step
from tests.connectors.contract.helpers import CONTRACT

TOKEN = Credentials("EAAGpageTokenMadeUp")
ID = re.compile(r"^\d[\d_]{5,}$")
PUBLISH_ID = re.compile(r"^[vp]_[a-z_]+~v2[-.\d]+$")  # TikTok's publish ids


def fixture(folder: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((CONTRACT / folder / f"{name}.json").read_text())
    return found


def _shape(value: Any) -> Any:
    """Ids differ from one fixture to the next (each names its own): compare them as ids."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "access_token"}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str) and value and all(ID.match(p) for p in value.split(",")):
        return "<ids>"
    if isinstance(value, str) and PUBLISH_ID.match(value):
        return "<publish_id>"
    if isinstance(value, str) and value.startswith('{"media_fbid"'):
        return "<attached>"
    return value


def _path(url: httpx.URL | str) -> str:
    parsed = httpx.URL(str(url))
    parts = ["<id>" if ID.match(p) else p for p in parsed.path.split("/")]
    return f"{parsed.host}{'/'.join(parts)}"


class Script:
    """The documented exchanges, in the order the flow makes them."""

    def __init__(self, folder: str, *names: str) -> None:
        self.folder = folder
        self.pending = [(name, fixture(folder, name)) for name in names]
        self.played: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert self.pending, f"unexpected {request.method} {request.url}"
        name, exchange = self.pending.pop(0)
        self.played.append(name)
        wanted = exchange["request"]
        assert request.method == wanted["method"], name
        assert _path(request.url) == _path(wanted["url"]), (name, str(request.url))
        for key, value in (wanted.get("query") or {}).items():
            ours = request.url.params.get(key)
            if key == "fields":  # we may ask for more fields than the example
                assert set(value.split(",")) <= set(str(ours).split(",")), name
            elif key in ("file_name", "access_token"):  # our file's name; the token as header
                assert ours or key == "access_token", (name, key)
            elif key != "upload_id":
                assert ours == value, (name, key, ours)
        self.check_headers(name, request, wanted.get("headers") or {})
        self.check_body(name, request, wanted.get("body"))
        response = exchange["response"]
        body = response["body"]
        headers = {k: v for k, v in response.get("headers", {}).items() if k != "Content-Length"}
        if body == "":
            return httpx.Response(response["status"], headers=headers)
        return httpx.Response(response["status"], json=body, headers=headers)

    def check_headers(self, name: str, request: httpx.Request, wanted: Mapping[str, str]) -> None:
        if "Authorization" in wanted:  # TikTok's upload URL carries its own token
            scheme = wanted["Authorization"].split(" ")[0]  # Bearer, or Meta's upload "OAuth"
            assert request.headers.get("authorization", "").startswith(f"{scheme} "), name
        if "file_offset" in wanted:  # Meta's Resumable Upload API: where this piece starts
            assert request.headers.get("file_offset") == wanted["file_offset"], name
        for key in ("X-Upload-Content-Length", "X-Upload-Content-Type"):
            if key in wanted:
                assert request.headers.get(key) == wanted[key], (name, key)
        if "Content-Range" in wanted:  # the same start and total (our chunks may be smaller)
            ours, theirs = request.headers.get("content-range", ""), wanted["Content-Range"]
            assert ours.split("-")[0] == theirs.split("-")[0], (name, ours, theirs)
            assert ours.rsplit("/", 1)[1] == theirs.rsplit("/", 1)[1], (name, ours, theirs)

    def check_body(self, name: str, request: httpx.Request, wanted: Any) -> None:
        if not isinstance(wanted, dict) or name.startswith("error__"):
            return  # raw bytes, no body, or an error example (its request is any such call)
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            ours = json.loads(request.content)
        else:
            ours = dict(httpx.QueryParams(request.content.decode()))
        if name.startswith("videos_insert__start"):  # ours is a subset of the example
            for part, fields in ours.items():
                assert set(fields) <= set(wanted[part]), (name, part)
            return
        assert _shape(ours) == _shape(wanted), name

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def done(self) -> None:
        assert not self.pending, f"not played: {[n for n, _ in self.pending]}"


def media(
    kind: str,
    url: str,
    *,
    alt: str = "",
    size: int = 1000,
    duration_ms: int | None = None,
    mime: str = "image/jpeg",
) -> MediaFile:
    return MediaFile(
        media_id=1,
        kind=kind,
        mime=mime if kind == IMAGE else "video/mp4",
        size=size,
        width=1080,
        height=1350 if kind == IMAGE else 1920,
        duration_ms=duration_ms if kind == VIDEO else None,
        alt_text=alt,
        url=url,
        read=lambda offset, length: b"\0" * min(length, size - offset),
    )


def post(
    platform: str,
    account: str,
    caption: str,
    items: tuple[MediaFile, ...],
    *,
    title: str = "",
    **extra: Any,
) -> MediaPost:
    ref = AccountRef(platform, account, "kelurahanbabakan")
    return MediaPost(platform, ref, caption, title, items, **extra)


def run(
    publisher: MediaPublisher,
    script: Script,
    item: MediaPost,
    *,
    state: Mapping[str, Any] | None = None,
    until: Callable[[Step], bool] = lambda step: step.done is not None,
    steps: int = 30,
) -> Step:
    """Steps until `until` says stop (by default: published), waits included."""
    current: dict[str, Any] = dict(state or {})
    with script.client() as client:
        for _ in range(steps):
            step = publisher.step(client, item, current, TOKEN)
            current = step.state
            if until(step):
                return step
    raise AssertionError("the flow did not end")
