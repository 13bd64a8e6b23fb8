"""Posts with pictures and video, outbound (issue 18): what a connector is given to publish one,
and how a publication advances one step at a time.

A platform does not take a carousel or a video in one request: Instagram wants a container per
item, then a carousel container, then a wait until Meta has fetched and processed them, then
`media_publish`; YouTube and TikTok take the file in pieces and process it for minutes. So a
`MediaPublisher` does one step per call and returns the state to keep (container ids, upload
sessions, offsets, the phase it is in). The outbox stores that state after every step, before
the next one runs: a retry, a crash or the next poll resumes from it, and a container or an
upload session is never created twice for the same post. Each step makes at most one call that
creates something on the platform, and a step that follows a creating call first reads what
the platform already has (Instagram's container status, YouTube's received range).

Connectors get the media as `MediaFile`s: a signed public URL (Meta and TikTok fetch the file
themselves) and a reader for the bytes (YouTube and TikTok's file upload). They never open a
file or a database themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from paseban.connectors.base import AccountRef, Credentials, SendError, as_dict, transport_error

IMAGE = "image"
VIDEO = "video"


@dataclass(frozen=True)
class MediaFile:
    """One picture or video of the post, as the platform will fetch or receive it."""

    media_id: int
    kind: str  # IMAGE or VIDEO
    mime: str
    size: int  # bytes
    width: int
    height: int
    duration_ms: int | None
    alt_text: str
    url: str = field(repr=False)  # public, signed, expiring (PASEBAN_BASE_URL/publik/media/...)
    read: Callable[[int, int], bytes] = field(repr=False, compare=False)  # (offset, length)


@dataclass(frozen=True)
class MediaPost:
    """A post with media for one account: the caption, the items in order, the cover."""

    platform: str
    account: AccountRef
    caption: str
    title: str
    items: tuple[MediaFile, ...]
    cover: MediaFile | None = None
    cover_offset_ms: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # the person's choices (PostSettings)

    @property
    def videos(self) -> tuple[MediaFile, ...]:
        return tuple(m for m in self.items if m.kind == VIDEO)

    @property
    def is_video(self) -> bool:
        return len(self.items) == 1 and self.items[0].kind == VIDEO


@dataclass(frozen=True)
class Published:
    """What the platform made: its id (metrics find the post by it) and its public URL."""

    external_id: str
    permalink: str | None
    note: str = ""  # e.g. TikTok: sent to the creator's inbox as a draft (Bahasa Indonesia)
    # not public yet: a draft in the creator's inbox on the platform, to finish in its app
    in_inbox: bool = False


@dataclass(frozen=True)
class Step:
    """The outcome of one step: the state to keep, and either the published post, or how long
    to wait before the next step (0: go on at once), with what is happening in words."""

    state: dict[str, Any]
    wait: float = 0.0
    note: str = ""
    done: Published | None = None


class StepError(SendError):
    """A failed step that also changes the state to keep (a container Meta let expire is
    forgotten, so the retry makes a new one; a failed TikTok publish starts over)."""

    def __init__(self, message: str, *, state: dict[str, Any], retryable: bool) -> None:
        super().__init__(message, retryable=retryable)
        self.state = state


class MediaPublisher(Protocol):
    """A platform that publishes posts with pictures or video, one step per call."""

    platform: str

    def step(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: Mapping[str, Any],
        credentials: Credentials,
    ) -> Step:
        """Do the next step of publishing `post` from `state`; raise SendError."""
        ...


class PostSettings(Protocol):
    """What a platform requires the person to see and choose for every post before it is sent
    (TikTok's required UX: the creator's info, privacy with no default, interactions, the
    commercial-content disclosure). Kept with the post, checked on submission and approval,
    and carried as chosen by the platform's publisher (`MediaPost.options`)."""

    platform: str
    template: str  # the editor's fieldset (paseban/web/templates)
    page: Mapping[str, Any]  # what the fieldset shows besides the creator and the choices

    def creator(self, client: httpx.Client, credentials: Credentials) -> Any:
        """The account as the platform describes it now; raises httpx.HTTPError/ValueError."""
        ...

    def choices(self, stored: Mapping[str, Any] | None) -> Any:
        """The stored choices as the editor shows them."""
        ...

    def from_form(self, form: Mapping[str, Any]) -> dict[str, Any]:
        """The choices from the editor's fields, to store."""
        ...

    def problems(
        self,
        stored: Mapping[str, Any] | None,
        creator: Any,
        *,
        is_video: bool,
        longest_ms: int | None = None,
    ) -> list[str]:
        """What stops the post from going, in Bahasa Indonesia ([] when it may go); `creator`
        None when the platform's description of the account is not at hand."""
        ...


def json_call(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    platform: str,
    headers: Mapping[str, str],
    refused: Callable[[httpx.Response], SendError],
    read: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """One call of a publisher that answers a JSON object: a transport failure is the
    platform's (on a read, `read=True`, safe to try again), an HTTP error is what `refused`
    makes of the answer, and a body that is not JSON is worth another try."""
    try:
        response = client.request(method, url, headers=dict(headers), **kwargs)
    except httpx.HTTPError as exc:
        error = transport_error(exc, platform=platform)
        raise (safe_read(error) if read else error) from None
    if response.status_code >= 400:
        raise refused(response)
    try:
        return as_dict(response.json())
    except ValueError:
        raise SendError(f"{platform}: jawaban bukan JSON", retryable=True) from None


def safe_read(error: SendError) -> SendError:
    """A read (a status poll) that timed out changed nothing on the platform: worth another
    try, never 'uncertain'."""
    if error.ambiguous:
        return SendError(str(error), retryable=True, retry_after=error.retry_after)
    return error


def polls(state: Mapping[str, Any]) -> int:
    return int(state.get("polls", 0))


def waited(state: Mapping[str, Any], limit: int, what: str) -> dict[str, Any]:
    """One more status poll counted in the state; SendError when the platform has taken longer
    than `limit` polls (the post is failed with a clear message, nothing is re-created)."""
    count = polls(state) + 1
    if count > limit:
        raise SendError(
            f"{what} belum selesai diproses setelah {limit} kali diperiksa; periksa di platform "
            "lalu kirim ulang",
            retryable=False,
        )
    return {**state, "polls": count}
