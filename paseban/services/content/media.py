"""The media library: pictures and video for content, uploaded from a phone or a desktop,
checked and cleaned on the way in (imaging.py), kept in the media store (media_store.py), with
who owns them, whose area they belong to, their alt text, caption, source and credit, and their
tags (program, campaign, kelurahan).

Scope, as everywhere: Diskominfo and the city's viewers see every item; an admin sees the items
of their own area and the city's own (the kits' posters); an OPD officer the OPD's and the
city's. An item outside one's scope is "not found", never "forbidden", so that ids do not leak.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.media import MediaFacts, MediaKind, Origin
from paseban.domain.accounts import OPERATORS, Role
from paseban.domain.auth import Actor
from paseban.domain.wilayah import is_within
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.content import access, imaging
from paseban.services.content.media_store import open_store
from paseban.services.people import audit
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.content_media import (
    MediaDetailRow,
    MediaDetailsRow,
    MediaListRow,
    MediaRow,
    MediaUseRow,
)

if TYPE_CHECKING:
    from paseban.context import Context

m = t.media_items.c
ALT_TEXT_MAX = 1000  # Instagram's alt_text limit, the one platform that gives one
WRITERS = (*OPERATORS, Role.KECAMATAN_ADMIN, Role.KELURAHAN_ADMIN, Role.OPD_OFFICER)
CHUNK = 1024 * 1024
SEARCHED = ("original_name", "alt_text", "caption", "source", "credit")


@dataclass(frozen=True)
class Details:
    """What the author says about an item (all optional at upload, editable later)."""

    alt_text: str = ""
    caption: str = ""
    source: str = ""
    credit: str = ""
    program_id: int | None = None
    campaign_id: int | None = None
    kelurahan: str | None = None
    in_story_bank: bool = False
    shows_people: bool = False
    consent_note: str = ""
    captions_burned_in: bool = False


@dataclass(frozen=True)
class Upload:
    """One file as it arrived: its name (shown only), the bytes (a spooled file) and its size."""

    name: str
    file: IO[bytes]
    size: int


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return " ".join(base.split())[:200] or "berkas"


def _implied_city(conn: sa.Connection, details: Details) -> str | None:
    """The city an item of the province role is of, when it chose none: its kelurahan's, its
    programme's or its campaign's."""
    if details.kelurahan:
        return ".".join(details.kelurahan.split(".")[:2])
    for column, value in ((t.programs, details.program_id), (t.campaigns, details.campaign_id)):
        if value is not None:
            found = conn.execute(sa.select(column.c.city).where(column.c.id == value)).scalar()
            return str(found) if found else None
    return None


def _validate(conn: sa.Connection, details: Details, city: str) -> None:
    """The details may name only the item's city's programme, campaign and kelurahan."""
    if len(details.alt_text) > ALT_TEXT_MAX:
        raise InvalidInput(f"teks alternatif paling panjang {ALT_TEXT_MAX} huruf")
    if len(details.caption) > 5000 or len(details.consent_note) > 2000:
        raise InvalidInput("keterangan paling panjang 5000 huruf, catatan persetujuan 2000")
    if len(details.source) > 200 or len(details.credit) > 200:
        raise InvalidInput("sumber dan kredit paling panjang 200 huruf")
    access.check_city_refs(
        conn, city, program_id=details.program_id, campaign_id=details.campaign_id
    )
    if details.in_story_bank and details.shows_people and not details.consent_note.strip():
        raise InvalidInput(
            "foto di bank cerita yang memperlihatkan warga wajib punya catatan persetujuan"
        )
    if details.kelurahan is not None:
        level = conn.execute(
            sa.select(t.wilayah.c.level).where(t.wilayah.c.code == details.kelurahan)
        ).scalar()
        if level != 4 or not is_within(details.kelurahan, city):
            raise InvalidInput(f"kelurahan {details.kelurahan!r} tidak dikenal")


def _detail_values(details: Details) -> MediaDetailsRow:
    return {
        "alt_text": details.alt_text.strip(),
        "caption": details.caption.strip(),
        "source": details.source.strip(),
        "credit": details.credit.strip(),
        "program_id": details.program_id,
        "campaign_id": details.campaign_id,
        "kelurahan": details.kelurahan or None,
        "in_story_bank": details.in_story_bank,
        "shows_people": details.shows_people,
        "consent_note": details.consent_note.strip(),
        "captions_burned_in": details.captions_burned_in,
    }


def require_writer(who: ap.Who) -> None:
    if who.role not in WRITERS:
        raise Forbidden("peran Anda tidak mengizinkan mengunggah media")


def _hash(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_size(settings: Any, kind: MediaKind, size: int, name: str) -> None:
    limit = (
        settings.media_image_max_bytes
        if kind is MediaKind.IMAGE
        else settings.media_video_max_bytes
    )
    if size > limit:
        what = "foto" if kind is MediaKind.IMAGE else "video"
        raise InvalidInput(
            f"{name}: {imaging_mb(size)} terlalu besar; batas {what} {imaging_mb(limit)}"
        )


def imaging_mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB".replace(".", ",")


def add_media(
    ctx: Context,
    who: ap.Who,
    upload: Upload,
    details: Details = Details(),
    *,
    keep_location: bool = False,
    origin: Origin = Origin.UPLOAD,
    origin_ref: str = "",
    derived_from: int | None = None,
    sample: bool = False,
) -> int:
    """Check, clean and store one file; returns the library item's id. The same file sent
    again by the same person (a retried upload) gives the item it already made."""
    require_writer(who)
    name = _clean_name(upload.name)
    if upload.size <= 0:
        raise InvalidInput(f"{name}: berkas kosong")
    upload.file.seek(0)
    sniffed = imaging.sniff(upload.file.read(512), name=name)
    check_size(ctx.settings, sniffed.kind, upload.size, name)
    digest = _hash(upload.file)
    with ctx.engine.connect() as conn:
        city = access.writing_city(conn, who, _implied_city(conn, details))
        _validate(conn, details, city)
        again = conn.execute(
            sa.select(m.id).where(
                m.upload_sha256 == digest,
                m.owner == who.name,
                m.city == city,
                m.archived.is_(False),
            )
        ).scalar()
    if again is not None:
        return int(again)
    now = ctx.now()
    folder = f"library/{city}/{now:%Y}/{now:%m}"  # a city's file is never another city's item
    stored = (
        _store_image(ctx, upload, name, folder, keep_location)
        if sniffed.kind is MediaKind.IMAGE
        else _store_video(ctx, upload, name, folder, sniffed.mime, keep_location)
    )
    values = {
        **stored,
        **_detail_values(details),
        "kind": sniffed.kind.value,
        "upload_sha256": digest,
        "original_name": name,
        "owner": who.name,
        "city": city,
        "area_wilayah": who.scope.wilayah,
        "area_opd": who.scope.opd,
        "origin": origin.value,
        "origin_ref": origin_ref[:200],
        "derived_from": derived_from,
        "keep_location": keep_location and stored["location_lat"] is not None,
        "archived": False,
        "created_at": now,
        "updated_at": now,
        "is_sample": sample,
    }
    with ctx.engine.begin() as conn:
        existing = conn.execute(
            sa.select(m.id).where(m.storage_key == values["storage_key"])
        ).scalar()
        if existing is not None:  # the same cleaned file from someone else: share the item
            return int(existing)
        media_id = int(
            conn.execute(sa.insert(t.media_items).values(**values).returning(m.id)).scalar_one()
        )
        audit.record(
            conn,
            at=now,
            actor=who if isinstance(who, Actor) else who.name,
            action="media.upload",
            target_kind="media",
            target_id=media_id,
            detail={
                "kind": sniffed.kind.value,
                "removed": stored["removed_metadata"],
                "keep_location": values["keep_location"],
            },
        )
    return media_id


def _key(folder: str, digest: str, suffix: str) -> str:
    return f"{folder}/{digest}{suffix}"


def _store_image(
    ctx: Context, upload: Upload, name: str, folder: str, keep_location: bool
) -> dict[str, Any]:
    upload.file.seek(0)
    clean = imaging.clean_image(upload.file, name=name, keep_location=keep_location)
    digest = hashlib.sha256(clean.data).hexdigest()
    store = open_store(ctx.settings)
    key, thumb = _key(folder, digest, ".jpg"), _key(folder, digest, ".thumb.jpg")
    store.put_bytes(key, clean.data)
    store.put_bytes(thumb, clean.thumb)
    return {
        "storage_key": key,
        "thumb_key": thumb,
        "sha256": digest,
        "mime": "image/jpeg",
        "width": clean.width,
        "height": clean.height,
        "bytes": len(clean.data),
        "text_ratio": clean.text_ratio,
        "location_lat": clean.location[0] if clean.location else None,
        "location_lon": clean.location[1] if clean.location else None,
        "removed_metadata": list(clean.removed),
    }


def _store_video(
    ctx: Context, upload: Upload, name: str, folder: str, mime: str, keep_location: bool
) -> dict[str, Any]:
    store = open_store(ctx.settings)
    suffix = imaging.VIDEO_TYPES[mime]
    scratch = store.scratch()
    source = scratch / f"{hashlib.sha256(name.encode()).hexdigest()[:8]}-{id(upload)}{suffix}"
    cleaned = source.with_name(source.stem + "-clean" + suffix)
    try:
        upload.file.seek(0)
        with source.open("wb") as out:
            shutil.copyfileobj(upload.file, out, CHUNK)
        facts = imaging.probe_video(source, name=name)
        kept = facts.location if keep_location else None
        imaging.clean_video(source, cleaned, location=kept, name=name)
        digest = _file_hash(cleaned)
        key = _key(folder, digest, suffix)
        poster = imaging.video_frame(cleaned, at_ms=min(1000, facts.duration_ms // 2))
        size = cleaned.stat().st_size
        store.put_file(key, cleaned)
        store.put_bytes(_key(folder, digest, ".poster.jpg"), poster)
    finally:
        source.unlink(missing_ok=True)
        cleaned.unlink(missing_ok=True)
    removed = []
    if facts.location:
        removed.append("lokasi GPS")
    if facts.device:
        removed.append("merek dan model perangkat")
    if kept:
        removed = [r for r in removed if r != "lokasi GPS"]
    spot = imaging.iso6709(kept)
    return {
        "storage_key": key,
        "thumb_key": _key(folder, digest, ".poster.jpg"),
        "sha256": digest,
        "mime": mime,
        "width": facts.width,
        "height": facts.height,
        "bytes": size,
        "duration_ms": facts.duration_ms,
        "fps": facts.fps,
        "video_codec": facts.video_codec[:20],
        "audio_codec": (facts.audio_codec or "")[:20] or None,
        "subtitle_track": facts.subtitle_track,
        "location_lat": spot[0] if spot else None,
        "location_lon": spot[1] if spot else None,
        "removed_metadata": removed,
    }


def _file_hash(path: Path) -> str:
    with path.open("rb") as f:
        return _hash(f)


# --- reading -------------------------------------------------------------------------------------


def visible_where(who: ap.Who) -> Any:
    """The items this person may see, as a SQL condition: only its city's (the province role:
    every city, or the chosen), and within it the city's own, its area's or its OPD's."""
    city = access.of_city(m.city, who)
    city_owned = sa.and_(m.area_wilayah.is_(None), m.area_opd.is_(None))
    if who.scope.is_city:
        return city
    if who.scope.opd is not None:
        return sa.and_(city, sa.or_(city_owned, m.area_opd == who.scope.opd))
    area = who.scope.wilayah or ""
    return sa.and_(
        city, sa.or_(city_owned, m.area_wilayah == area, m.area_wilayah.startswith(area + "."))
    )


def can_edit(who: ap.Who, row: Mapping[str, Any]) -> bool:
    if who.role not in WRITERS:
        return False
    if who.role in OPERATORS or row["owner"] == who.name:
        return True
    if who.scope.opd is not None:
        return bool(row["area_opd"] == who.scope.opd)
    area = row["area_wilayah"]
    return area is not None and who.scope.covers_wilayah(str(area))


def _select() -> Any:
    w, p, c = t.wilayah.c, t.programs.c, t.campaigns.c
    return sa.select(
        t.media_items,
        w.name.label("kelurahan_name"),
        p.name.label("program_name"),
        c.title.label("campaign_title"),
    ).select_from(
        t.media_items.outerjoin(t.wilayah, w.code == m.kelurahan)
        .outerjoin(t.programs, p.id == m.program_id)
        .outerjoin(t.campaigns, c.id == m.campaign_id)
    )


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str | None = None
    program_id: int | None = None
    campaign_id: int | None = None
    kelurahan: str | None = None
    origin: str | None = None
    story: bool = False
    mine: bool = False
    archived: bool = False


def list_media(
    ctx: Context, who: ap.Who, filters: Filters = Filters(), *, limit: int = 48, offset: int = 0
) -> tuple[list[MediaListRow], int]:
    """The items this person sees, newest first, filtered and searched."""
    where = [visible_where(who), m.archived.is_(filters.archived)]
    words = filters.q.lower().split()[:6]
    for word in words:
        needle = f"%{word.replace('%', '').replace('_', '')}%"
        where.append(sa.or_(*(sa.func.lower(m[col]).like(needle) for col in SEARCHED)))
    if filters.kind:
        try:
            MediaKind(filters.kind)
        except ValueError:
            raise InvalidInput(f"jenis media {filters.kind!r} tidak dikenal") from None
        where.append(m.kind == filters.kind)
    for column, value in (
        (m.program_id, filters.program_id),
        (m.campaign_id, filters.campaign_id),
        (m.kelurahan, filters.kelurahan),
        (m.origin, filters.origin),
    ):
        if value is not None and value != "":
            where.append(column == value)
    if filters.story:
        where.append(m.in_story_bank.is_(True))
    if filters.mine:
        where.append(m.owner == who.name)
    with ctx.engine.connect() as conn:
        total = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(t.media_items).where(*where)
            ).scalar_one()
        )
        rows = [
            typed.row(MediaRow, r)
            for r in conn.execute(
                _select()
                .where(*where)
                .order_by(m.created_at.desc(), m.id.desc())
                .limit(limit)
                .offset(offset)
            ).mappings()
        ]
    return [MediaListRow(**r, can_edit=can_edit(who, r)) for r in rows], total


def load(conn: sa.Connection, who: ap.Who, media_id: int) -> MediaRow:
    row = conn.execute(_select().where(m.id == media_id, visible_where(who))).mappings().first()
    if row is None:
        raise NotFound(f"media {media_id} tidak ditemukan")
    return typed.row(MediaRow, row)


def get_media(ctx: Context, who: ap.Who, media_id: int) -> MediaDetailRow:
    with ctx.engine.connect() as conn:
        row = load(conn, who, media_id)
        used = conn.execute(
            sa.select(t.content_posts.c.id, t.content_posts.c.title, t.content_posts.c.status)
            .join(t.content_post_media, t.content_post_media.c.post_id == t.content_posts.c.id)
            .where(t.content_post_media.c.media_id == media_id)
            .distinct()
        ).all()
    return MediaDetailRow(
        **row,
        can_edit=can_edit(who, row),
        used_in=[typed.row(MediaUseRow, u._mapping) for u in used],
    )


def facts(row: Mapping[str, Any]) -> MediaFacts:
    return MediaFacts(
        id=int(row["id"]),
        kind=MediaKind(row["kind"]),
        width=int(row["width"]),
        height=int(row["height"]),
        bytes=int(row["bytes"]),
        mime=str(row["mime"]),
        alt_text=str(row["alt_text"] or ""),
        duration_ms=row["duration_ms"],
        fps=row["fps"],
        video_codec=row["video_codec"],
        audio_codec=row["audio_codec"],
        has_captions=bool(row["subtitle_track"] or row["captions_burned_in"]),
        text_ratio=row["text_ratio"],
        shows_people=bool(row["shows_people"]),
        consent_note=str(row["consent_note"] or ""),
        origin=Origin(row["origin"]),
        privacy_checked=row["privacy_checked_at"] is not None,
    )


# --- changing ------------------------------------------------------------------------------------


def update_media(
    ctx: Context,
    who: ap.Who,
    media_id: int,
    details: Details,
    *,
    privacy_checked: bool | None = None,
    archived: bool | None = None,
) -> MediaDetailRow:
    """Change what is said about an item; `privacy_checked` records who checked faces, house
    numbers and consent, and when."""
    now = ctx.now()
    with ctx.engine.begin() as conn:
        row = load(conn, who, media_id)
        if not can_edit(who, row):
            raise Forbidden("Anda hanya dapat mengubah media milik Anda atau wilayah Anda")
        _validate(conn, details, row["city"])
        values = {**_detail_values(details), "updated_at": now}
        if privacy_checked is not None:
            values["privacy_checked_by"] = who.name if privacy_checked else None
            values["privacy_checked_at"] = now if privacy_checked else None
        if archived is not None:
            values["archived"] = archived
        conn.execute(sa.update(t.media_items).where(m.id == media_id).values(**values))
        if privacy_checked and row["privacy_checked_at"] is None:
            audit.record(
                conn,
                at=now,
                actor=who if isinstance(who, Actor) else who.name,
                action="media.privacy_checked",
                target_kind="media",
                target_id=media_id,
            )
    return get_media(ctx, who, media_id)
