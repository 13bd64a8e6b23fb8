"""Uploading a video to YouTube with the resumable protocol of `videos.insert`, one step at a
time (connectors/media_post.py; docs/content.md, "Menerbitkan").

1. Start a session: `POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`
   with the video's metadata and `X-Upload-Content-Length` / `X-Upload-Content-Type`; Google
   answers 200 with the session URI in `Location`. The URI is kept: the upload is never started
   twice for the same post while the session lives.
2. Send the file in chunks of 8 MiB (a multiple of 256 KiB, as Google requires): `PUT <session>`
   with `Content-Range: bytes <first>-<last>/<total>`; 308 Resume Incomplete with `Range` says
   how much Google holds, 200/201 with the video resource ends it.
3. After an interruption (no answer, a 5xx), ask first: `PUT <session>` with
   `Content-Range: bytes */<total>` and resume from what `Range` says. A 404 means the session
   expired: a new one starts from byte 0.

Privacy: "All videos uploaded via the videos.insert endpoint from unverified API projects
created after 28 July 2020 will be restricted to private viewing mode" until the project passes
the YouTube API Services audit, so the upload is `private` unless PASEBAN_YOUTUBE_AUDITED says
the audit was passed, and the post page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from paseban.connectors.base import (
    Credentials,
    SendError,
    as_dict,
    as_list,
    http_error,
    ident,
    transport_error,
)
from paseban.connectors.media_post import MediaPost, Published, Step, StepError, safe_read

UPLOAD = "https://www.googleapis.com/upload/youtube/v3/videos"
CHUNK = 32 * 256 * 1024  # 8 MiB, a multiple of 256 KiB
TITLE_MAX = 100
DESCRIPTION_MAX_BYTES = 5000
PARTS = "snippet,status,contentDetails"  # what the answer carries back
CATEGORY = "25"  # News & Politics: a city government's own channel
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
PRIVATE_NOTE = (
    "Diunggah sebagai video privat: proyek Google Cloud Paseban belum lolos audit YouTube API "
    "(PASEBAN_YOUTUBE_AUDITED); ubah menjadi publik di YouTube Studio."
)


def title_of(post: MediaPost) -> str:
    """At most 100 characters, without `<` or `>` (YouTube refuses them)."""
    raw = post.title or post.caption.split("\n", 1)[0]
    return raw.replace("<", "").replace(">", "").strip()[:TITLE_MAX] or "Video"


def description_of(caption: str) -> str:
    """At most 5,000 bytes (YouTube counts bytes), cut on a character boundary."""
    data = caption.replace("<", "").replace(">", "").encode()[:DESCRIPTION_MAX_BYTES]
    return data.decode(errors="ignore")


def _reasons(response: httpx.Response) -> set[Any]:
    try:
        errors = as_list(as_dict(as_dict(response.json()).get("error")).get("errors"))
    except ValueError:
        return set()
    return {as_dict(e).get("reason") for e in errors}


def _refused(response: httpx.Response) -> SendError:
    reasons = _reasons(response)
    if "uploadLimitExceeded" in reasons:
        return SendError(
            "youtube: batas unggah harian kanal ini tercapai (uploadLimitExceeded); jadwalkan "
            "ulang besok",
            retryable=False,
        )
    if "youtubeSignupRequired" in reasons:
        return SendError("youtube: akun Google ini belum punya kanal YouTube", retryable=False)
    error = http_error(response, platform="youtube")
    if reasons & RATE_REASONS:
        return SendError(str(error), retryable=True, rate_limited=True)
    return error


class YouTubeMediaPublisher:
    platform = "youtube"

    def __init__(self, *, audited: bool) -> None:
        self.audited = audited

    def step(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: Mapping[str, Any],
        credentials: Credentials,
    ) -> Step:
        if not post.is_video:
            raise SendError("youtube: unggahan YouTube harus satu video", retryable=False)
        state = dict(state)
        if state.get("phase", "start") == "start":
            return self.start(client, post, credentials)
        return self.upload(client, post, state, credentials)

    def start(self, client: httpx.Client, post: MediaPost, credentials: Credentials) -> Step:
        video = post.items[0]
        privacy = "public" if self.audited else "private"
        body = {
            "snippet": {
                "title": title_of(post),
                "description": description_of(post.caption),
                "categoryId": CATEGORY,
                "defaultLanguage": "id",
            },
            "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": False},
        }
        headers = {
            "Authorization": f"Bearer {credentials.token}",
            "X-Upload-Content-Length": str(video.size),
            "X-Upload-Content-Type": video.mime,
        }
        try:
            response = client.post(
                UPLOAD,
                params={"uploadType": "resumable", "part": PARTS},
                json=body,
                headers=headers,
            )
        except httpx.HTTPError as exc:  # no session id came back: nothing to resume
            raise safe_read(transport_error(exc, platform="youtube")) from None
        if response.status_code >= 400:
            raise _refused(response)
        session = response.headers.get("location", "")
        if not session.startswith("https://"):
            raise SendError("youtube: jawaban tanpa alamat sesi unggah", retryable=False)
        state = {"phase": "upload", "session": session, "offset": 0, "privacy": privacy}
        return Step(state, note="sesi unggah YouTube dibuat")

    def upload(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        video = post.items[0]
        total = video.size
        headers = {"Authorization": f"Bearer {credentials.token}"}
        content = b""
        if state.get("check"):  # after an interruption: ask what Google holds
            headers["Content-Range"] = f"bytes */{total}"
        else:
            offset = int(state["offset"])
            content = video.read(offset, CHUNK)
            end = offset + len(content) - 1
            headers |= {
                "Content-Type": video.mime,
                "Content-Range": f"bytes {offset}-{end}/{total}",
            }
        try:
            response = client.put(str(state["session"]), content=content, headers=headers)
        except httpx.HTTPError as exc:
            error = transport_error(exc, platform="youtube")
            raise StepError(str(error), state={**state, "check": True}, retryable=True) from None
        if response.status_code in (200, 201):
            found = ident(as_dict(response.json()).get("id"))
            if found is None:
                raise SendError("youtube: jawaban unggah tanpa id video", retryable=False)
            note = "" if state.get("privacy") == "public" else PRIVATE_NOTE
            link = f"https://www.youtube.com/watch?v={found}"
            return Step(state, done=Published(found, link, note))
        if response.status_code == 308:
            held = response.headers.get("range", "")  # bytes=0-<last>; absent: nothing yet
            received = int(held.rsplit("-", 1)[1]) + 1 if "-" in held else 0
            kept = {k: v for k, v in state.items() if k != "check"} | {"offset": received}
            note = f"video terkirim {received * 100 // max(total, 1)}% ke YouTube"
            return Step(kept, note=note)
        if response.status_code == 404:  # the session expired: a new one, from byte 0
            raise StepError(
                "youtube: sesi unggah kedaluwarsa; unggahan dimulai ulang",
                state={"phase": "start"},
                retryable=True,
            )
        if response.status_code in (500, 502, 503, 504):
            raise StepError(
                f"youtube: galat server (HTTP {response.status_code})",
                state={**state, "check": True},
                retryable=True,
            )
        raise _refused(response)
