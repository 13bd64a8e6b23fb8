"""A Facebook Page video sent by Meta's Resumable Upload API, one piece per outbox step
(docs/content.md, "Video Halaman Facebook lewat unggahan bertahap").

`file_url` makes Meta fetch the whole file in one request, with a time limit we cannot see and
nothing to resume when it fails; Meta's Video API publishing guide names the Resumable Upload
API as the way to publish a Page video today. So a video larger than `FILE_URL_MAX_BYTES` goes:

1. `POST graph.facebook.com/{app-id}/uploads?file_name&file_length&file_type` opens a session
   (`{"id": "upload:<session>"}`);
2. `POST /upload:<session>` with the header `file_offset` and the bytes from there; the answer
   is the file handle `{"h": ...}` once every byte has arrived (our pieces are `CHUNK_BYTES`
   long; before a piece is sent, `GET /upload:<session>` reads the `file_offset` Meta holds, so a
   piece cut off mid-way, or an answer lost, resumes from what Meta really has);
3. `POST graph-video.facebook.com/{page-id}/videos` with `fbuploader_video_file_chunk` = the
   handle, `title` and `description`.

The state the outbox keeps is the phase, the session and the offset last reported.
"""

from __future__ import annotations

from typing import Any

import httpx

from paseban.connectors.base import Credentials, SendError
from paseban.connectors.media_post import (
    MediaFile,
    MediaPost,
    Step,
    StepError,
    json_call,
    safe_read,
)
from paseban.connectors.meta_graph import GRAPH, graph_error

# The publishing guide (Upload a video file, from the Resumable Upload API guide
# https://developers.facebook.com/docs/graph-api/guides/upload). Meta states no size limit for
# `file_url` (the Page /videos reference gives none); 20 MB is our judgement: a clip that a
# kelurahan films on a phone for a minute or less still goes in one fetch, anything longer goes
# in resumable pieces.
UPLOAD_SOURCE = "https://developers.facebook.com/documentation/video-api/guides/publishing"
FILE_URL_MAX_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 8 * 1024 * 1024  # ours: one piece per outbox step keeps each request short
UPLOAD_TYPES = ("video/mp4",)  # the guide's file_type values for video


class ResumableVideo:
    """The three calls of the Resumable Upload API for one Page video, one per step."""

    def __init__(self, version: str, app_id: str) -> None:
        self.version = version
        self.app_id = app_id
        self.chunk = CHUNK_BYTES

    def request(
        self,
        client: httpx.Client,
        method: str,
        path: str,
        credentials: Credentials,
        *,
        read: bool = False,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The guide's upload calls authenticate with `Authorization: OAuth <token>`."""
        return json_call(
            client,
            method,
            f"{GRAPH}/{self.version}/{path}",
            platform="facebook",
            headers={"Authorization": f"OAuth {credentials.token}", **(headers or {})},
            refused=lambda response: graph_error(response, "facebook"),
            read=read,
            **kwargs,
        )

    def step(
        self, client: httpx.Client, post: MediaPost, state: dict[str, Any], credentials: Credentials
    ) -> Step | str:
        """The next upload step, or the file handle once Meta holds every byte."""
        video = post.items[0]
        if state.get("handle"):
            return str(state["handle"])
        session = state.get("session")
        if not session:
            return self.start(client, video, credentials)
        data = self.request(client, "GET", str(session), credentials, read=True)
        offset = int(str(data.get("file_offset", 0)) or 0)
        if offset > video.size:
            raise StepError(
                "facebook: sesi unggah video tidak cocok dengan berkasnya; dimulai ulang",
                state={"phase": "upload"},
                retryable=True,
            )
        piece = video.read(offset, min(self.chunk, video.size - offset))
        try:
            data = self.request(
                client,
                "POST",
                str(session),
                credentials,
                headers={"file_offset": str(offset)},
                content=piece,
            )
        except SendError as exc:  # the next step reads the offset Meta holds before sending
            raise safe_read(exc) from None
        handle = data.get("h")
        if isinstance(handle, str) and handle:
            note = "video terunggah penuh ke Facebook"
            return Step(
                {**state, "phase": "upload", "handle": handle, "offset": video.size}, note=note
            )
        reached = int(str(data.get("file_offset", offset + len(piece))) or 0)
        note = f"video {percent(reached, video.size)} % terunggah ke Facebook"
        return Step({**state, "phase": "upload", "offset": reached}, note=note)

    def start(self, client: httpx.Client, video: MediaFile, credentials: Credentials) -> Step:
        if not self.app_id:
            raise SendError(
                f"facebook: video di atas {FILE_URL_MAX_BYTES // (1024 * 1024)} MB diunggah "
                "bertahap lewat aplikasi Meta; isi PASEBAN_META_APP_ID di pengaturan server",
                retryable=False,
            )
        if video.mime not in UPLOAD_TYPES:
            raise SendError(
                f"facebook: unggahan bertahap hanya menerima MP4 (berkas ini {video.mime})",
                retryable=False,
            )
        params = {
            "file_name": f"paseban-{video.media_id}.mp4",
            "file_length": str(video.size),
            "file_type": video.mime,
        }
        data = self.request(client, "POST", f"{self.app_id}/uploads", credentials, params=params)
        session = data.get("id")
        if not isinstance(session, str) or not session.startswith("upload:"):
            raise SendError("facebook: jawaban sesi unggah tanpa id", retryable=False)
        note = "sesi unggah video dibuka di Facebook"
        return Step({"phase": "upload", "session": session, "offset": 0}, note=note)


def percent(part: int, whole: int) -> int:
    return 100 if whole <= 0 else min(100, part * 100 // whole)
