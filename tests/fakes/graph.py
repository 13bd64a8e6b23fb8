"""A fake Graph API for Instagram's Content Publishing API and Facebook Page publishing, that
enforces the documented flow (tests/fixtures/connectors/contract/instagram-publish/ and
facebook-publish/; CONTRACTS.md §1–2):

- every call carries the account's Bearer token;
- Meta fetches each `image_url` / `video_url` / `url` / `file_url` itself, here a real GET of
  Paseban's signed link: a file that does not come back as a JPEG (or a video) is 9004/2207052;
- a container is IN_PROGRESS until Meta has "processed" it (images at the first status poll,
  videos after `video_polls` polls); `media_publish` before FINISHED is 9007/2207027, and a
  container published twice is refused;
- a carousel has 2–10 children, each made with `is_carousel_item` and FINISHED (2207028);
- a caption over 2,200 characters is 36004/2207010; carousel children carry no caption;
- `content_publishing_limit` counts what was published in 24 hours against `quota_total`, and
  publishing past it is 9/2207042;
- Facebook: photos published or unpublished, `attached_media` only of unpublished photos of the
  same Page, videos from `file_url` or an uploaded file's handle (`fbuploader_video_file_chunk`)
  on the graph-video host; `permalink_url` for what exists;
- the Resumable Upload API (Video API publishing guide, "Upload a video file":
  https://developers.facebook.com/documentation/video-api/guides/publishing, fixtures
  facebook-publish/video_upload__resumable_*): `POST /{app-id}/uploads` with `file_name`,
  `file_length` and an MP4 `file_type` opens a session for the app; `POST /upload:<id>` carries
  `Authorization: OAuth <token>` and a `file_offset` header that must equal what the session
  holds (else 400), its bytes are appended, and the handle `h` comes back once every byte has
  arrived (before that the answer is `{id, file_offset}`: inferred, the guide shows only the
  whole file in one request); `GET /upload:<id>` reports `file_offset`; a handle is used once.
  `cut = (n, k)` makes a session's nth piece arrive cut off after k bytes (the connection
  lost: 503).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import ORIGINAL_HOST

VERSION = "v25.0"
CAPTION_MAX = 2200


def error(status: int, code: int, subcode: int | None, message: str) -> JSONResponse:
    body: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        body["error_subcode"] = subcode
    body |= {"is_transient": False, "fbtrace_id": "FakeTrace"}
    return JSONResponse({"error": body}, status_code=status)


@dataclass
class Container:
    id: str
    account: str
    kind: str  # IMAGE, VIDEO, REELS, CAROUSEL
    carousel_item: bool
    caption: str
    children: list[str] = field(default_factory=list)
    status: str = "IN_PROGRESS"
    polls: int = 0


@dataclass
class Upload:
    """A Resumable Upload API session: the declared file and the bytes received so far."""

    name: str
    length: int
    file_type: str
    received: bytearray = field(default_factory=bytearray)
    handle: str = ""
    used: bool = False
    pieces: int = 0


@dataclass
class FakeGraph:
    token: str = "EAAGpageTokenMadeUp"
    quota_total: int = 50
    video_polls: int = 2
    published: dict[str, int] = field(default_factory=dict)  # account -> posts in 24 h
    containers: dict[str, Container] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)  # what is live
    photos: dict[str, dict[str, Any]] = field(default_factory=dict)  # Facebook photo ids
    calls: list[tuple[str, str]] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    ids: Any = field(default_factory=lambda: itertools.count(17900000000000001))
    app_id: str = "1234500000000001"
    uploads: dict[str, Upload] = field(default_factory=dict)  # session id -> what arrived
    cut: tuple[int, int] | None = None  # (the nth piece of a session, bytes that arrive)

    def new_id(self) -> str:
        return str(next(self.ids))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/{version}/{node}", self.node, methods=["GET"]),
                Route("/{version}/{node}", self.transfer, methods=["POST"]),
                Route("/{version}/{node}/{edge}", self.edge, methods=["GET", "POST"]),
            ]
        )

    # --- plumbing ------------------------------------------------------------------------------

    async def body(self, request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            data = await request.json()
            return dict(data) if isinstance(data, dict) else {}
        form = await request.form()
        return {k: str(v) for k, v in form.items()}

    def fetch(self, url: str, kind: str) -> bool:
        """Meta cURLs the file: it must answer 200 with a picture (or a video)."""
        if not isinstance(url, str) or not url.isascii():
            return False
        try:
            response = httpx.get(url, timeout=10)
        except httpx.HTTPError:
            return False
        wanted = "image/jpeg" if kind == "image" else "video/"
        ok = response.status_code == 200 and response.headers.get("content-type", "").startswith(
            wanted
        )
        if ok:
            self.fetched.append(url)
        return ok

    def authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    # --- GET /{node} ---------------------------------------------------------------------------

    async def node(self, request: Request) -> JSONResponse:
        node = request.path_params["node"]
        self.calls.append(("GET", node))
        if node in self.uploads:  # the upload guide's calls authenticate with "OAuth <token>"
            if request.headers.get("authorization") != f"OAuth {self.token}":
                return error(400, 190, None, "Invalid OAuth access token")
            received = len(self.uploads[node].received)
            return JSONResponse({"id": node, "file_offset": str(received)})
        if not self.authorised(request):
            return error(400, 190, None, "Invalid OAuth access token")
        if node in self.containers:
            container = self.containers[node]
            container.polls += 1
            needed = self.video_polls if container.kind in ("VIDEO", "REELS") else 1
            if container.kind == "CAROUSEL":
                needed = 1
            if container.status == "IN_PROGRESS" and container.polls >= needed:
                container.status = "FINISHED"
            return JSONResponse({"status_code": container.status, "id": node})
        if node in self.media:
            return JSONResponse(self.media[node])
        return error(400, 100, 33, "Object does not exist")

    # --- /{node}/{edge} ------------------------------------------------------------------------

    async def edge(self, request: Request) -> JSONResponse:
        node, edge = request.path_params["node"], request.path_params["edge"]
        self.calls.append((request.method, f"{node}/{edge}"))
        if request.method == "POST" and edge == "uploads":
            if request.headers.get("authorization") != f"OAuth {self.token}":
                return error(400, 190, None, "Invalid OAuth access token")
            return self.open_upload(node, dict(request.query_params))
        if not self.authorised(request):
            return error(400, 190, None, "Invalid OAuth access token")
        if request.method == "GET" and edge == "content_publishing_limit":
            used = self.published.get(node, 0)
            config = {"quota_total": self.quota_total, "quota_duration": 86400}
            return JSONResponse({"data": [{"quota_usage": used, "config": config}]})
        if request.method == "GET" and edge == "media":
            mine = [m for m in self.media.values() if m.get("owner") == node]
            rows = [{"id": m["id"], "caption": m.get("caption", "")} for m in reversed(mine)]
            return JSONResponse({"data": rows})
        body = await self.body(request)
        host = request.headers.get(ORIGINAL_HOST, "")
        handlers = {
            "media": self.create_container,
            "media_publish": self.media_publish,
            "photos": self.page_photo,
            "feed": self.page_feed,
            "videos": self.page_video,
        }
        if request.method != "POST" or edge not in handlers:
            return error(400, 100, None, f"Unknown edge {edge}")
        if edge == "videos" and host != "graph-video.facebook.com":
            return error(400, 100, None, "Videos are uploaded to graph-video.facebook.com")
        return handlers[edge](node, body)

    # --- Instagram -----------------------------------------------------------------------------

    def create_container(self, account: str, body: dict[str, Any]) -> JSONResponse:
        caption = str(body.get("caption", ""))
        if len(caption) > CAPTION_MAX:
            return error(400, 36004, 2207010, "The caption is too long.")
        kind = str(body.get("media_type") or "IMAGE")
        item = body.get("is_carousel_item") in (True, "true")
        if kind == "CAROUSEL":
            children = [c for c in str(body.get("children", "")).split(",") if c]
            if not 2 <= len(children) <= 10:
                return error(400, 100, 2207028, "Carousel validation failed")
            for child in children:
                found = self.containers.get(child)
                if found is None or not found.carousel_item or found.account != account:
                    return error(400, 100, 2207028, "Carousel validation failed")
                if found.status != "FINISHED":
                    return error(400, 9007, 2207027, "Media ID is not available")
            container = Container(self.new_id(), account, kind, False, caption, children)
            self.containers[container.id] = container
            return JSONResponse({"id": container.id})
        if item and caption:
            return error(400, 100, None, "Carousel items take no caption")
        if kind == "IMAGE":
            if not self.fetch(str(body.get("image_url")), "image"):
                return error(400, 9004, 2207052, "Media download has failed.")
        elif kind in ("VIDEO", "REELS"):
            if kind == "VIDEO" and not item:
                return error(400, 100, 2207023, "Single feed videos are published as REELS")
            if not self.fetch(str(body.get("video_url")), "video"):
                return error(400, 9004, 2207052, "Media download has failed.")
            cover = body.get("cover_url")
            if cover is not None and not self.fetch(str(cover), "image"):
                return error(400, 9004, 2207052, "Media download has failed.")
        else:
            return error(400, 100, 2207023, "The media type is unknown.")
        container = Container(self.new_id(), account, kind, item, caption)
        self.containers[container.id] = container
        return JSONResponse({"id": container.id})

    def media_publish(self, account: str, body: dict[str, Any]) -> JSONResponse:
        container = self.containers.get(str(body.get("creation_id")))
        if container is None or container.account != account or container.carousel_item:
            return error(400, 100, None, "Invalid creation_id")
        if container.status == "PUBLISHED":
            return error(400, 100, None, "This container was already published")
        if container.status != "FINISHED":
            return error(400, 9007, 2207027, "Media ID is not available")
        if self.published.get(account, 0) >= self.quota_total:
            return error(400, 9, 2207042, "Application request limit reached")
        container.status = "PUBLISHED"
        self.published[account] = self.published.get(account, 0) + 1
        media_id = self.new_id()
        reel = container.kind == "REELS"
        self.media[media_id] = {
            "id": media_id,
            "owner": account,
            "caption": container.caption,
            "permalink": f"https://www.instagram.com/{'reel' if reel else 'p'}/F{media_id[-8:]}/",
            "shortcode": f"F{media_id[-8:]}",
            "media_type": {"CAROUSEL": "CAROUSEL_ALBUM", "REELS": "VIDEO"}.get(
                container.kind, container.kind
            ),
            "media_product_type": "REELS" if reel else "FEED",
            "timestamp": "2026-11-28T01:16:02+0000",
        }
        return JSONResponse({"id": media_id})

    # --- Facebook Page -------------------------------------------------------------------------

    def _post(self, page: str, message: str) -> str:
        post_id = f"{page}_{self.new_id()}"
        self.media[post_id] = {
            "id": post_id,
            "owner": page,
            "caption": message,
            "permalink_url": f"https://www.facebook.com/{page}/posts/{post_id.split('_')[1]}",
            "created_time": "2026-11-28T01:16:05+0000",
        }
        return post_id

    def page_photo(self, page: str, body: dict[str, Any]) -> JSONResponse:
        if not self.fetch(str(body.get("url")), "image"):
            return error(400, 324, None, "(#324) Requires upload file")
        photo_id = self.new_id()
        published = body.get("published", "true") != "false"
        self.photos[photo_id] = {"page": page, "published": published, "attached": False}
        if not published:
            return JSONResponse({"id": photo_id})
        return JSONResponse({"id": photo_id, "post_id": self._post(page, str(body.get("caption")))})

    def page_feed(self, page: str, body: dict[str, Any]) -> JSONResponse:
        attached = [json.loads(v)["media_fbid"] for k, v in sorted(body.items()) if "attached" in k]
        for photo_id in attached:
            photo = self.photos.get(photo_id)
            if photo is None or photo["page"] != page or photo["published"] or photo["attached"]:
                return error(400, 100, None, "(#100) attached_media must be unpublished photos")
            photo["attached"] = True
        return JSONResponse({"id": self._post(page, str(body.get("message", "")))})

    def page_video(self, page: str, body: dict[str, Any]) -> JSONResponse:
        handle = body.get("fbuploader_video_file_chunk")
        if handle is not None:
            found = [u for u in self.uploads.values() if u.handle and u.handle == handle]
            if not found or found[0].used:
                return error(400, 6001, None, "There was a problem uploading your video.")
            found[0].used = True
        elif not self.fetch(str(body.get("file_url")), "video"):
            return error(400, 389, None, "Unable to fetch video file from URL.")
        video_id = self.new_id()
        self.media[video_id] = {
            "id": video_id,
            "owner": page,
            "caption": body.get("description", ""),
            "permalink_url": f"/{page}/videos/{video_id}/",
        }
        return JSONResponse({"id": video_id})

    # --- Resumable Upload API ------------------------------------------------------------------

    def open_upload(self, app: str, query: dict[str, str]) -> JSONResponse:
        if app != self.app_id:
            return error(400, 100, 33, "Object does not exist")
        length = query.get("file_length", "")
        if not query.get("file_name") or not length.isdigit() or int(length) <= 0:
            return error(400, 100, None, "(#100) file_name and file_length are required")
        if query.get("file_type") not in ("video/mp4", "image/jpeg", "image/png"):
            return error(400, 100, None, "(#100) file_type is not supported")
        session = f"upload:{self.new_id()}"
        self.uploads[session] = Upload(query["file_name"], int(length), query["file_type"])
        return JSONResponse({"id": session})

    async def transfer(self, request: Request) -> JSONResponse:
        node = request.path_params["node"]
        self.calls.append(("POST", node))
        if request.headers.get("authorization") != f"OAuth {self.token}":
            return error(400, 190, None, "Invalid OAuth access token")
        upload = self.uploads.get(node)
        if upload is None:
            return error(400, 100, 33, "Object does not exist")
        offset = request.headers.get("file_offset", "")
        if not offset.isdigit() or int(offset) != len(upload.received):
            return error(400, 100, None, "(#100) file_offset does not match the upload session")
        data = await request.body()
        if len(upload.received) + len(data) > upload.length:
            return error(400, 100, None, "(#100) more bytes than file_length")
        upload.pieces += 1
        if self.cut is not None and self.cut[0] == upload.pieces:
            upload.received += data[: self.cut[1]]
            self.cut = None
            return error(503, 1, None, "An unknown error occurred")
        upload.received += data
        if len(upload.received) < upload.length:
            return JSONResponse({"id": node, "file_offset": str(len(upload.received))})
        upload.handle = upload.handle or f"2:{self.new_id()}"
        return JSONResponse({"h": upload.handle})
