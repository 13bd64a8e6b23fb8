"""The media library: what an upload really is, what is stripped, what is refused, and who
sees what (issue 18)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from PIL.ExifTags import IFD, Base

from paseban.content.approvals import Person
from paseban.content.media import MediaKind
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.content import media
from paseban.services.content.media_store import open_store
from paseban.services.people import audit
from paseban.storage import tables as t
from tests import mediafiles
from tests.services.content.test_posts import CAMAT_BS, LURAH_BT, LURAH_TG, OPERATOR

VIEWER = Person("pimpinan", Role.VIEWER, Scope())
DLH = Person("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH"))


def upload(data: bytes, name: str = "foto.jpg") -> media.Upload:
    return media.Upload(name, io.BytesIO(data), len(data))


def stored_image(ctx: Context, media_id: int) -> Image.Image:
    row = media.get_media(ctx, OPERATOR, media_id)
    return Image.open(io.BytesIO(open_store(ctx.settings).read(row["storage_key"])))


def test_a_phone_photo_loses_its_location_and_device(ctx: Context) -> None:
    data = mediafiles.photo(gps=True, device=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(IFD.GPSInfo)  # the phone wrote GPS
    media_id = media.add_media(ctx, LURAH_BT, upload(data), media.Details(alt_text="Kerja bakti"))
    row = media.get_media(ctx, LURAH_BT, media_id)
    assert row["kind"] == "image" and row["mime"] == "image/jpeg"
    assert (row["width"], row["height"]) == (1440, 1080)
    assert row["removed_metadata"][:2] == ["lokasi GPS", "merek dan model perangkat"]
    assert row["keep_location"] is False and row["location_lat"] is None
    exif = stored_image(ctx, media_id).getexif()
    assert not exif.get_ifd(IFD.GPSInfo) and Base.Make not in exif and Base.Model not in exif
    assert row["area_wilayah"] == "32.71.01.1001" and row["owner"] == "lurah.batutulis"
    assert row["thumb_key"].endswith(".thumb.jpg")


def test_the_author_may_keep_the_location_on_purpose_and_it_is_recorded(ctx: Context) -> None:
    data = mediafiles.photo(gps=True, device=True)
    media_id = media.add_media(ctx, LURAH_BT, upload(data), keep_location=True)
    row = media.get_media(ctx, LURAH_BT, media_id)
    assert row["keep_location"] is True
    assert row["location_lat"] == pytest.approx(-6.5944, abs=1e-3)
    assert row["location_lon"] == pytest.approx(106.8, abs=1e-3)
    exif = stored_image(ctx, media_id).getexif()
    assert exif.get_ifd(IFD.GPSInfo)  # the location stays in the file ...
    assert Base.Make not in exif and Base.Model not in exif  # ... the device never does
    events = audit.list_events(ctx, action="media.upload", target_id=str(media_id))
    assert events and events[0]["detail"]["keep_location"] is True


def test_a_file_that_is_not_what_its_name_claims_is_refused(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match=r"undangan\.jpg: isinya tidak dikenali, bukan foto"):
        media.add_media(ctx, LURAH_BT, upload(b"<html><script>alert(1)</script>", "undangan.jpg"))
    pdf = io.BytesIO()
    Image.new("RGB", (20, 20)).save(pdf, "PDF")
    with pytest.raises(InvalidInput, match="isinya dokumen PDF"):
        media.add_media(ctx, LURAH_BT, upload(pdf.getvalue(), "poster.png"))
    broken = mediafiles.photo()[:4000]  # a JPEG cut short on the way
    with pytest.raises(InvalidInput, match="rusak atau terpotong"):
        media.add_media(ctx, LURAH_BT, upload(broken, "terpotong.jpg"))
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.media_items)).scalar() == 0


def test_a_png_named_jpg_is_taken_for_what_it_is(ctx: Context) -> None:
    media_id = media.add_media(ctx, LURAH_BT, upload(mediafiles.photo(fmt="PNG"), "x.jpg"))
    assert media.get_media(ctx, LURAH_BT, media_id)["mime"] == "image/jpeg"  # re-encoded


def test_too_large_files_are_refused_with_the_limit(ctx: Context) -> None:
    small = dataclasses.replace(ctx.settings, media_image_max_bytes=65536)
    tight = dataclasses.replace(ctx, settings=small)
    with pytest.raises(InvalidInput, match=r"terlalu besar; batas foto 0,1 MB"):
        media.add_media(tight, LURAH_BT, upload(mediafiles.photo()))


def test_the_same_file_sent_twice_is_one_item(ctx: Context) -> None:
    data = mediafiles.photo(seed=3)
    first = media.add_media(ctx, LURAH_BT, upload(data))
    assert media.add_media(ctx, LURAH_BT, upload(data)) == first


def test_text_heavy_posters_are_measured(ctx: Context) -> None:
    poster = media.add_media(ctx, OPERATOR, upload(mediafiles.poster(), "poster.jpg"))
    photo = media.add_media(ctx, OPERATOR, upload(mediafiles.photo(seed=4)))
    assert (media.get_media(ctx, OPERATOR, poster)["text_ratio"] or 0) > 0.3
    ratio = media.get_media(ctx, OPERATOR, photo)["text_ratio"]
    assert ratio is not None and ratio < 0.05


def test_scope_follows_area_and_role(ctx: Context) -> None:
    mine = media.add_media(ctx, LURAH_BT, upload(mediafiles.photo(seed=5)))
    city = media.add_media(ctx, OPERATOR, upload(mediafiles.photo(seed=6)))
    opd = media.add_media(ctx, DLH, upload(mediafiles.photo(seed=7)))

    def ids(who: Person) -> set[int]:
        return {r["id"] for r in media.list_media(ctx, who)[0]}

    assert ids(LURAH_BT) == {mine, city}
    assert ids(LURAH_TG) == {city}
    assert ids(CAMAT_BS) == {mine, city}  # the kecamatan sees its kelurahan's
    assert ids(DLH) == {opd, city}
    assert ids(OPERATOR) == ids(VIEWER) == {mine, city, opd}
    with pytest.raises(NotFound):
        media.get_media(ctx, LURAH_TG, mine)
    with pytest.raises(Forbidden):
        media.update_media(ctx, LURAH_BT, city, media.Details(alt_text="bukan milik saya"))
    edited = media.update_media(ctx, CAMAT_BS, mine, media.Details(alt_text="Warga menanam"))
    assert edited["alt_text"] == "Warga menanam"
    with pytest.raises(Forbidden):
        media.add_media(ctx, VIEWER, upload(mediafiles.photo(seed=8)))


def test_search_and_filters(ctx: Context) -> None:
    a = media.add_media(
        ctx, LURAH_BT, upload(mediafiles.photo(seed=9)), media.Details(caption="Posyandu Melati")
    )
    media.add_media(
        ctx,
        LURAH_BT,
        upload(mediafiles.photo(seed=10)),
        media.Details(credit="Dok. Kelurahan", kelurahan="32.71.01.1001"),
    )
    found, total = media.list_media(ctx, LURAH_BT, media.Filters(q="posyandu"))
    assert total == 1 and found[0]["id"] == a
    by_place, _ = media.list_media(ctx, LURAH_BT, media.Filters(kelurahan="32.71.01.1001"))
    assert [r["credit"] for r in by_place] == ["Dok. Kelurahan"]
    assert media.list_media(ctx, LURAH_BT, media.Filters(kind="video"))[1] == 0
    with pytest.raises(InvalidInput):
        media.list_media(ctx, LURAH_BT, media.Filters(kind="audio"))


def test_story_photos_of_people_need_a_consent_note(ctx: Context) -> None:
    details = media.Details(in_story_bank=True, shows_people=True, kelurahan="32.71.01.1001")
    with pytest.raises(InvalidInput, match="catatan persetujuan"):
        media.add_media(ctx, LURAH_BT, upload(mediafiles.photo(seed=11)), details)
    ok = media.Details(
        in_story_bank=True,
        shows_people=True,
        kelurahan="32.71.01.1001",
        consent_note="Bu Siti (kader) setuju, lisan, 20 Nov 2026",
    )
    media_id = media.add_media(ctx, LURAH_BT, upload(mediafiles.photo(seed=11)), ok)
    stories, _ = media.list_media(ctx, LURAH_BT, media.Filters(story=True))
    assert [r["id"] for r in stories] == [media_id]


def test_a_video_is_probed_and_loses_its_location(ctx: Context, tmp_path: Path) -> None:
    mediafiles.require_ffmpeg()
    clip = mediafiles.video(tmp_path, location="-06.5950+106.7972/")
    data = clip.read_bytes()
    media_id = media.add_media(ctx, LURAH_BT, upload(data, "kerja-bakti.mp4"))
    row = media.get_media(ctx, LURAH_BT, media_id)
    assert row["kind"] == MediaKind.VIDEO.value and row["mime"] == "video/mp4"
    assert (row["width"], row["height"], row["duration_ms"]) == (720, 1280, 4000)
    assert row["video_codec"] == "h264" and row["audio_codec"] == "aac" and row["fps"] == 30
    assert row["removed_metadata"] == ["lokasi GPS"]
    with open_store(ctx.settings).local_path(row["storage_key"]) as path:
        assert b"106.7972" not in path.read_bytes()
        assert path.read_bytes()[4:8] == b"ftyp"
    assert open_store(ctx.settings).read(row["thumb_key"])[:3] == b"\xff\xd8\xff"


def test_a_file_named_mp4_that_is_no_video_is_refused(ctx: Context) -> None:
    mediafiles.require_ffmpeg()
    fake = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000  # an MP4 header and nothing playable
    with pytest.raises(InvalidInput, match=r"video rusak|tidak ada gambar video"):
        media.add_media(ctx, LURAH_BT, upload(fake, "video.mp4"))


def test_a_photo_cut_short_is_refused_even_after_the_pdf_reports_loaded(ctx: Context) -> None:
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported;
    a server that has written a PDF report accepted JPEGs cut short until decoding was strict."""
    import weasyprint  # noqa: F401  (what the report job imports)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    broken = mediafiles.photo()[:4000]
    with pytest.raises(InvalidInput, match="rusak atau terpotong"):
        media.add_media(ctx, LURAH_BT, upload(broken, "terpotong.jpg"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the reports keep what they asked for
