"""Publishing pictures and video on Instagram and Facebook Pages through the Graph API, one step
at a time (connectors/media_post.py; docs/content.md, "Menerbitkan").

Instagram (Content Publishing API): read `content_publishing_limit` first and refuse when the
day's quota is used up; one container per item (`image_url`, or `video_url` for a reel), for a
carousel one container per child (`is_carousel_item`) and then the carousel container with its
`children`; poll each container's `status_code` until FINISHED (IN_PROGRESS: wait a minute;
ERROR: refuse with Meta's subcode; EXPIRED: forget it and make a new one), then
`media_publish`, then read the permalink. Before publishing, the container's status is read:
PUBLISHED means an earlier try that timed out did publish, and the post is found, not posted
again.

Facebook Page: one photo is `POST /{page}/photos` (published); several photos are uploaded
unpublished one by one and then attached to one `POST /{page}/feed`; a video up to
`FILE_URL_MAX_BYTES` is `POST graph-video.facebook.com/{page}/videos` with `file_url`, a larger
one goes by the Resumable Upload API first (connectors/upload_meta.py). The permalink comes from
`permalink_url`.

Meta fetches every file from Paseban's signed URL ("we cURL media used in publishing
attempts"), so nothing else is uploaded from here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from paseban.connectors import upload_meta
from paseban.connectors.base import (
    Credentials,
    SendError,
    as_dict,
    as_list,
    ident,
)
from paseban.connectors.media_post import (
    IMAGE,
    VIDEO,
    MediaPost,
    MediaPublisher,
    Published,
    Step,
    StepError,
    json_call,
    safe_read,
    waited,
)
from paseban.connectors.meta_graph import auth, graph_code, graph_error, host_for
from paseban.connectors.upload_meta import ResumableVideo

GRAPH_VIDEO = "https://graph-video.facebook.com"
POLL_SECONDS = 60.0  # "query a container's status once per minute"
POLL_LIMIT = {IMAGE: 5, VIDEO: 20}  # images: "for no more than 5 minutes"; video takes longer
PUBLISH_LIMIT = (9, 2207042)
# Instagram's container error subcodes, in words (Meta's Error Codes reference)
IG_SUBCODES = {
    "2207003": "Instagram terlalu lama mengunduh berkasnya",
    "2207004": "foto lebih dari 8 MB",
    "2207005": "format foto tidak didukung (hanya JPEG)",
    "2207009": "rasio foto di luar 4:5 sampai 1,91:1",
    "2207010": "keterangan terlalu panjang (paling banyak 2.200 karakter)",
    "2207020": "berkas kedaluwarsa di Instagram",
    "2207026": "format video tidak didukung (MOV/MP4, H.264/HEVC)",
    "2207052": "Instagram tidak bisa mengambil berkas dari tautan Paseban",
}


def _error_word(status: Any) -> str:
    """Meta's `status` on an ERROR container: the subcode alone, or "Error: ... code 2207026"."""
    found = re.search(r"\d{7}", str(status or ""))
    code = found.group(0) if found else ""
    return IG_SUBCODES.get(code, f"kode {code}" if code else "tanpa keterangan")


class GraphCalls:
    """The Graph API calls the publishers share: JSON in, JSON out, Meta's errors classified."""

    def __init__(self, platform: str, version: str) -> None:
        self.platform = platform
        self.version = version

    def call(
        self,
        client: httpx.Client,
        method: str,
        path: str,
        credentials: Credentials,
        *,
        host: str | None = None,
        read: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        url = f"{host or host_for(credentials)}/{self.version}/{path}"
        return json_call(
            client,
            method,
            url,
            platform=self.platform,
            headers=auth(credentials),
            refused=self.refused,
            read=read,
            **kwargs,
        )

    def refused(self, response: httpx.Response) -> SendError:
        if graph_code(response) == PUBLISH_LIMIT:
            return SendError(
                "instagram: batas unggahan harian akun ini sudah tercapai menurut Meta "
                "(#9/2207042); jadwalkan ulang setelah 24 jam",
                retryable=False,
            )
        return graph_error(response, self.platform)

    def created(self, data: Mapping[str, Any], what: str) -> str:
        found = ident(data.get("id"))
        if found is None:
            raise SendError(f"{self.platform}: jawaban {what} tanpa id", retryable=False)
        return found


class InstagramMediaPublisher(GraphCalls):
    def __init__(self, version: str) -> None:
        super().__init__("instagram", version)

    def step(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: Mapping[str, Any],
        credentials: Credentials,
    ) -> Step:
        state = dict(state)
        ig = post.account.platform_account_id
        phase = state.get("phase", "limit")
        if phase == "limit":
            self.check_limit(client, ig, credentials)
            return Step({**state, "phase": "items"}, note="batas harian diperiksa")
        if phase == "items":
            return self.create_items(client, post, state, credentials)
        if phase == "children":
            return self.wait_children(client, post, state, credentials)
        if phase == "container":
            return self.wait_and_publish(client, post, state, credentials)
        if phase == "permalink":
            media = str(state["media_id"])
            data = self.call(
                client,
                "GET",
                media,
                credentials,
                read=True,
                params={"fields": "id,permalink,shortcode,media_type,media_product_type,timestamp"},
            )
            link = data.get("permalink")
            return Step(state, done=Published(media, link if isinstance(link, str) else None))
        raise SendError(f"instagram: tahap {phase!r} tidak dikenal", retryable=False)

    def check_limit(self, client: httpx.Client, ig: str, credentials: Credentials) -> None:
        """`content_publishing_limit`: the posts published in the last 24 hours and the quota
        (Meta's pages say 50 and 100; the answer's `config.quota_total` decides)."""
        data = self.call(
            client,
            "GET",
            f"{ig}/content_publishing_limit",
            credentials,
            read=True,
            params={"fields": "quota_usage,config"},
        )
        first = as_dict(next(iter(as_list(data.get("data"))), {}))
        used = first.get("quota_usage")
        total = as_dict(first.get("config")).get("quota_total")
        if isinstance(used, int) and isinstance(total, int) and used >= total:
            raise SendError(
                f"instagram: batas {total} unggahan per 24 jam untuk akun ini sudah terpakai "
                f"({used} dari {total}, menurut content_publishing_limit); jadwalkan ulang "
                "setelah 24 jam",
                retryable=False,
            )

    def item_body(self, post: MediaPost, n: int, *, child: bool) -> dict[str, Any]:
        item = post.items[n]
        body: dict[str, Any]
        if item.kind == IMAGE:
            body = {"image_url": item.url}
            if child:
                body["is_carousel_item"] = True
            if item.alt_text:
                body["alt_text"] = item.alt_text
        elif child:
            body = {"media_type": "VIDEO", "video_url": item.url, "is_carousel_item": True}
        else:
            body = {"media_type": "REELS", "video_url": item.url, "share_to_feed": True}
        if not child:
            body["caption"] = post.caption
            if item.kind == VIDEO:
                if post.cover is not None:
                    body["cover_url"] = post.cover.url
                elif post.cover_offset_ms is not None:
                    body["thumb_offset"] = post.cover_offset_ms
        return body

    def create_items(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        """One container per call: the single item's, or the next carousel child's."""
        ig = post.account.platform_account_id
        if not post.items:
            raise SendError("instagram: unggahan Instagram wajib bergambar", retryable=False)
        if len(post.items) == 1:
            data = self.call(
                client,
                "POST",
                f"{ig}/media",
                credentials,
                json=self.item_body(post, 0, child=False),
            )
            container = self.created(data, "kontainer")
            return Step({**state, "phase": "container", "container": container, "polls": 0})
        children = list(state.get("children", []))
        n = len(children)
        data = self.call(
            client, "POST", f"{ig}/media", credentials, json=self.item_body(post, n, child=True)
        )
        children.append(self.created(data, "kontainer carousel"))
        phase = "children" if len(children) == len(post.items) else "items"
        note = f"isi carousel {len(children)} dari {len(post.items)} dikirim ke Instagram"
        return Step({**state, "phase": phase, "children": children, "polls": 0}, note=note)

    def status(
        self, client: httpx.Client, container: str, credentials: Credentials
    ) -> tuple[str, Any]:
        data = self.call(
            client,
            "GET",
            container,
            credentials,
            read=True,
            params={"fields": "status_code,status"},
        )
        return str(data.get("status_code") or ""), data.get("status")

    def limit_for(self, post: MediaPost) -> int:
        return POLL_LIMIT[VIDEO if post.videos else IMAGE]

    def wait_children(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        """Every child FINISHED, then the carousel container (one creating call)."""
        children = list(state["children"])
        for n, child in enumerate(children):
            code, detail = self.status(client, child, credentials)
            if code == "ERROR":
                raise StepError(
                    f"instagram: isi carousel ke-{n + 1} ditolak Instagram ({_error_word(detail)})",
                    state={**state, "phase": "items", "children": children[:n]},
                    retryable=False,
                )
            if code == "EXPIRED":  # containers live 24 hours: make that child again
                kept = children[:n]
                raise StepError(
                    "instagram: kontainer kedaluwarsa (lebih dari 24 jam); dibuat ulang",
                    state={**state, "phase": "items", "children": kept},
                    retryable=True,
                )
            if code != "FINISHED":
                waiting = waited(state, self.limit_for(post), "Isi carousel Instagram")
                note = f"menunggu Instagram memproses isi carousel ({code or 'belum ada status'})"
                return Step(waiting, wait=POLL_SECONDS, note=note)
        data = self.call(
            client,
            "POST",
            f"{post.account.platform_account_id}/media",
            credentials,
            json={
                "media_type": "CAROUSEL",
                "caption": post.caption,
                "children": ",".join(children),
            },
        )
        container = self.created(data, "kontainer carousel")
        return Step({**state, "phase": "container", "container": container, "polls": 0})

    def wait_and_publish(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        container = str(state["container"])
        code, detail = self.status(client, container, credentials)
        if code == "PUBLISHED":  # an earlier media_publish went through: find it
            media = self.find_published(client, post, credentials)
            return Step({**state, "phase": "permalink", "media_id": media})
        if code == "ERROR":
            raise StepError(
                f"instagram: kontainer ditolak Instagram ({_error_word(detail)})",
                state={"phase": "items"},
                retryable=False,
            )
        if code == "EXPIRED":
            raise StepError(
                "instagram: kontainer kedaluwarsa (lebih dari 24 jam); dibuat ulang",
                state={"phase": "items"},
                retryable=True,
            )
        if code != "FINISHED":
            waiting = waited(state, self.limit_for(post), "Kontainer Instagram")
            note = f"menunggu Instagram memproses media ({code or 'belum ada status'})"
            return Step(waiting, wait=POLL_SECONDS, note=note)
        try:
            data = self.call(
                client,
                "POST",
                f"{post.account.platform_account_id}/media_publish",
                credentials,
                json={"creation_id": container},
            )
        except SendError as exc:  # the next step reads the container's status first
            raise safe_read(exc) from None
        return Step({**state, "phase": "permalink", "media_id": self.created(data, "terbit")})

    def find_published(
        self, client: httpx.Client, post: MediaPost, credentials: Credentials
    ) -> str:
        """The media a PUBLISHED container became: Meta gives no link from one to the other,
        so the account's newest posts are read and ours is the one with our caption."""
        data = self.call(
            client,
            "GET",
            f"{post.account.platform_account_id}/media",
            credentials,
            read=True,
            params={"fields": "id,caption,timestamp", "limit": 10},
        )
        for media in as_list(data.get("data")):
            media = as_dict(media)
            if (media.get("caption") or "") == post.caption and ident(media.get("id")):
                return str(ident(media.get("id")))
        raise SendError(
            "instagram: kontainer sudah terbit tetapi unggahannya tidak ditemukan; periksa di "
            "Instagram dan tandai terbit dengan tautannya",
            retryable=False,
        )


class FacebookMediaPublisher(GraphCalls):
    def __init__(self, version: str, app_id: str = "") -> None:
        super().__init__("facebook", version)
        self.file_url_max = upload_meta.FILE_URL_MAX_BYTES
        self.resumable = ResumableVideo(version, app_id)

    def video(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        """A small video by `file_url` (Meta fetches it); a larger one by the Resumable Upload
        API, then published with its handle (connectors/upload_meta.py)."""
        video = post.items[0]
        body = {"title": post.title, "description": post.caption}
        if video.size <= self.file_url_max:
            body["file_url"] = video.url
        else:
            uploaded = self.resumable.step(client, post, state, credentials)
            if isinstance(uploaded, Step):
                return uploaded
            body["fbuploader_video_file_chunk"] = uploaded
        page = post.account.platform_account_id
        data = self.call(client, "POST", f"{page}/videos", credentials, host=GRAPH_VIDEO, data=body)
        return Step({"phase": "permalink", "post_id": self.created(data, "video")})

    def step(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: Mapping[str, Any],
        credentials: Credentials,
    ) -> Step:
        state = dict(state)
        page = post.account.platform_account_id
        phase = state.get("phase", "items")
        if phase == "permalink":
            post_id = str(state["post_id"])
            data = self.call(
                client,
                "GET",
                post_id,
                credentials,
                read=True,
                params={"fields": "id,permalink_url,created_time"},
            )
            link = data.get("permalink_url")
            if isinstance(link, str) and link.startswith("/"):
                link = f"https://www.facebook.com{link}"
            return Step(state, done=Published(post_id, link if isinstance(link, str) else None))
        if not post.items:
            raise SendError("facebook: unggahan tanpa foto/video", retryable=False)
        if post.videos and len(post.items) > 1:
            raise SendError(
                "facebook: satu unggahan Halaman berisi beberapa foto atau satu video, tidak "
                "keduanya",
                retryable=False,
            )
        if post.is_video:
            return self.video(client, post, state, credentials)
        if len(post.items) == 1:
            photo = post.items[0]
            body = {"url": photo.url, "caption": post.caption, "published": "true"}
            if photo.alt_text:
                body["alt_text_custom"] = photo.alt_text
            data = self.call(client, "POST", f"{page}/photos", credentials, data=body)
            post_id = ident(data.get("post_id")) or self.created(data, "foto")
            return Step({"phase": "permalink", "post_id": post_id})
        photos = list(state.get("photos", []))
        if len(photos) < len(post.items):  # each photo uploaded unpublished, one per step
            photo = post.items[len(photos)]
            body = {"url": photo.url, "published": "false"}
            if photo.alt_text:
                body["alt_text_custom"] = photo.alt_text
            data = self.call(client, "POST", f"{page}/photos", credentials, data=body)
            photos.append(self.created(data, "foto"))
            note = f"foto {len(photos)} dari {len(post.items)} diunggah ke Facebook"
            return Step({**state, "phase": "items", "photos": photos}, note=note)
        form = {"message": post.caption}
        for n, photo_id in enumerate(photos):
            form[f"attached_media[{n}]"] = json.dumps(
                {"media_fbid": photo_id}, separators=(",", ":")
            )
        data = self.call(client, "POST", f"{page}/feed", credentials, data=form)
        return Step({**state, "phase": "permalink", "post_id": self.created(data, "unggahan")})


PUBLISHERS: dict[str, Callable[[str, str], MediaPublisher]] = {
    "instagram": lambda version, _app: InstagramMediaPublisher(version),
    "facebook": FacebookMediaPublisher,
}


def meta_media_publisher(platform: str, version: str, app_id: str = "") -> MediaPublisher | None:
    """The stepwise publisher of Instagram or a Facebook Page (None for another platform);
    `app_id` opens Facebook's resumable video uploads."""
    found = PUBLISHERS.get(platform)
    return found(version, app_id) if found else None
