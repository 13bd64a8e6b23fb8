"""A fake of YouTube's resumable `videos.insert` (tests/fixtures/connectors/contract/
youtube-upload/; CONTRACTS.md §4) that enforces the documented protocol:

- the session starts with `uploadType=resumable`, `X-Upload-Content-Length` and the metadata
  (title at most 100 characters without `<`/`>`); 200 with `Location`;
- chunks are multiples of 256 KiB except the last, in order: `Content-Range` must start where
  the received bytes end; 308 with `Range: bytes=0-<last>` until the last byte, then 201 with
  the video resource;
- `Content-Range: bytes */<total>` asks for the status (308 with Range, or the final answer);
- an unaudited project's upload is private whatever was asked (Google locks it);
- `expire()` ends every session: the next PUT is 404.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PATH = "/upload/youtube/v3/videos"
QUANTUM = 256 * 1024


@dataclass
class Session:
    id: str
    total: int
    metadata: dict[str, Any]
    received: int = 0
    video_id: str = ""


@dataclass
class FakeYouTube:
    token: str = "EAAGpageTokenMadeUp"
    audited: bool = False
    sessions: dict[str, Session] = field(default_factory=dict)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    starts: int = 0
    puts: int = 0
    fail_next_put: bool = False  # the next chunk is stored, then the connection drops
    ids: Any = field(default_factory=lambda: itertools.count(1))

    def app(self) -> Starlette:
        return Starlette(routes=[Route(PATH, self.handle, methods=["POST", "PUT"])])

    def expire(self) -> None:
        self.sessions.clear()

    def error(self, status: int, reason: str, message: str) -> JSONResponse:
        errors = [{"message": message, "domain": "youtube.video", "reason": reason}]
        return JSONResponse(
            {"error": {"code": status, "message": message, "errors": errors}}, status_code=status
        )

    async def handle(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self.error(401, "authError", "Invalid Credentials")
        if request.method == "POST":
            return await self.start(request)
        return await self.put(request)

    async def start(self, request: Request) -> Response:
        self.starts += 1
        if request.query_params.get("uploadType") != "resumable":
            return self.error(400, "invalidParameter", "uploadType must be resumable")
        total = request.headers.get("x-upload-content-length", "")
        if not total.isdigit():
            return self.error(400, "invalidParameter", "X-Upload-Content-Length missing")
        metadata = json.loads(await request.body())
        title = str(metadata.get("snippet", {}).get("title", ""))
        if not title or len(title) > 100 or "<" in title or ">" in title:
            return self.error(
                400, "invalidTitle", "The request metadata specifies an invalid title."
            )
        session = Session(f"fake{next(self.ids)}", int(total), metadata)
        self.sessions[session.id] = session
        location = (
            "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable"
            f"&upload_id={session.id}&part=snippet,status"
        )
        return Response(status_code=200, headers={"Location": location, "Content-Length": "0"})

    def incomplete(self, session: Session) -> Response:
        headers = {"Content-Length": "0"}
        if session.received:
            headers["Range"] = f"bytes=0-{session.received - 1}"
        return Response(status_code=308, headers=headers)

    def finished(self, session: Session) -> JSONResponse:
        if not session.video_id:
            session.video_id = f"vid{next(self.ids):08d}"
            status = dict(session.metadata.get("status", {}))
            if not self.audited:
                status["privacyStatus"] = "private"
            self.videos[session.video_id] = {
                "kind": "youtube#video",
                "id": session.video_id,
                "snippet": session.metadata.get("snippet", {}),
                "status": {**status, "uploadStatus": "uploaded"},
            }
        return JSONResponse(self.videos[session.video_id], status_code=201)

    async def put(self, request: Request) -> Response:
        self.puts += 1
        session = self.sessions.get(request.query_params.get("upload_id", ""))
        if session is None:
            return Response(status_code=404)
        data = await request.body()
        given = request.headers.get("content-range", "").removeprefix("bytes ")
        if given.startswith("*/"):
            return (
                self.finished(session)
                if session.received == session.total
                else self.incomplete(session)
            )
        try:
            span, total = given.split("/")
            first, last = (int(x) for x in span.split("-"))
        except ValueError:
            return self.error(400, "badContentRange", "Content-Range")
        final = last + 1 == session.total
        if (
            int(total) != session.total
            or first != session.received
            or last - first + 1 != len(data)
        ):
            return self.error(400, "badContentRange", "Content-Range does not match")
        if not final and len(data) % QUANTUM:
            return self.error(400, "badChunk", "chunks must be multiples of 256 KiB")
        session.received += len(data)
        if self.fail_next_put:
            self.fail_next_put = False
            return Response(status_code=503)
        return self.finished(session) if final else self.incomplete(session)
