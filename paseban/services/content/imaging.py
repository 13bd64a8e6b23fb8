"""Reading, checking and cleaning uploaded pictures and video, at the edge: Pillow for pictures,
ffprobe and ffmpeg (Debian's ffmpeg; scripts/install-ffmpeg puts it there) for video.

What an upload is comes from its bytes (`filetype`, then Pillow or ffprobe opening it), never
from its name or the content type the browser declared. Pictures are decoded and re-encoded as
sRGB JPEG: that drops everything the file carried besides the picture (EXIF with the location
and the phone's make and model, XMP, comments); the location is written back only when the
author keeps it on purpose. Video is copied stream by stream (no re-encoding) without its
metadata, with the index at the front of the file as Instagram asks.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import filetype
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD, Base

from paseban.content.media import MediaKind, center_crop
from paseban.errors import InvalidInput

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/gif": "GIF"}
VIDEO_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
# what a refused file turned out to be, in words people know
KNOWN_OTHERS = {
    "image/heic": "foto HEIC (iPhone): pilih format “Paling Kompatibel” atau kirim sebagai JPEG",
    "image/heif": "foto HEIF: kirim sebagai JPEG",
    "image/avif": "foto AVIF: kirim sebagai JPEG",
    "image/tiff": "foto TIFF: kirim sebagai JPEG",
    "image/bmp": "gambar BMP: kirim sebagai JPEG atau PNG",
    "application/pdf": "dokumen PDF",
    "application/zip": "arsip ZIP",
    "application/x-rar-compressed": "arsip RAR",
    "application/x-msdownload": "program Windows",
    "video/x-matroska": "video MKV: ekspor ulang sebagai MP4",
    "video/x-msvideo": "video AVI: ekspor ulang sebagai MP4",
    "video/3gpp": "video 3GP: ekspor ulang sebagai MP4",
    "audio/mpeg": "berkas suara MP3",
}
ACCEPTED = "foto (JPEG, PNG, WebP) atau video (MP4, MOV, WebM)"
MAX_SIDE = 4096  # pictures are kept at most this long on their longer side
MAX_PIXELS = 60_000_000  # a bigger picture is refused before it is decoded (decompression bomb)
JPEG_QUALITY = (88, 80, 72)  # tried in turn until the file fits the largest platform limit
JPEG_TARGET_BYTES = 8 * 1024 * 1024  # Instagram's limit, the strictest of the platforms
THUMB_SIDE = 480
POSTER_SIDE = 1080  # a video's frame, for the library and the previews
FFPROBE_TIMEOUT_S = 60
FFMPEG_TIMEOUT_S = 600
DEVICE_TAGS = (Base.Make, Base.Model, Base.Software, Base.HostComputer, Base.BodySerialNumber)
VIDEO_LOCATION_TAGS = ("location", "com.apple.quicktime.location.ISO6709", "location-eng")
VIDEO_DEVICE_TAGS = (
    "com.apple.quicktime.make",
    "com.apple.quicktime.model",
    "com.apple.quicktime.software",
    "com.android.manufacturer",
    "com.android.model",
    "make",
    "model",
)


@dataclass(frozen=True)
class Sniffed:
    kind: MediaKind
    mime: str


def sniff(head: bytes, *, name: str) -> Sniffed:
    """What the first bytes say the file is; InvalidInput (Bahasa Indonesia) for anything that
    is not a picture or video Paseban takes, naming what it turned out to be."""
    found = filetype.guess(head)
    mime = str(found.mime) if found is not None else ""
    if mime in IMAGE_TYPES:
        return Sniffed(MediaKind.IMAGE, mime)
    if mime in VIDEO_TYPES:
        return Sniffed(MediaKind.VIDEO, mime)
    if mime == "video/x-m4v":
        return Sniffed(MediaKind.VIDEO, "video/mp4")
    what = KNOWN_OTHERS.get(mime) or (f"berkas {mime}" if mime else "tidak dikenali")
    raise InvalidInput(f"{name}: isinya {what}, bukan {ACCEPTED}.")


# --- pictures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanImage:
    data: bytes  # sRGB JPEG
    thumb: bytes
    width: int
    height: int
    text_ratio: float
    location: tuple[float, float] | None  # what the file said, kept only if chosen
    removed: tuple[str, ...]  # what was stripped, in words


def _gps_degrees(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper() in ("S", "W") else value


def exif_location(gps: Mapping[int, Any]) -> tuple[float, float] | None:
    lat = _gps_degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef))
    lon = _gps_degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)


def _removed(image: Image.Image, exif: Image.Exif, gps: Mapping[int, Any]) -> list[str]:
    out = []
    if gps:
        out.append("lokasi GPS")
    if any(tag in exif for tag in DEVICE_TAGS):
        out.append("merek dan model perangkat")
    if exif.get(Base.DateTime) or exif.get_ifd(IFD.Exif):
        out.append("data EXIF lain (waktu, setelan kamera)")
    if "xmp" in image.info or "XML:com.adobe.xmp" in image.info:
        out.append("XMP")
    if "comment" in image.info:
        out.append("komentar berkas")
    return out


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError):
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, exif: Image.Exif | None) -> bytes:
    for quality in JPEG_QUALITY:
        out = io.BytesIO()
        image.save(
            out,
            "JPEG",
            quality=quality,
            optimize=True,
            progressive=True,
            exif=exif.tobytes() if exif else b"",
        )
        if out.tell() <= JPEG_TARGET_BYTES:
            break
    return out.getvalue()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow decodes a picture cut short without complaint once LOAD_TRUNCATED_IMAGES is on, and
    WeasyPrint (the PDF reports) turns it on for the whole process when it is imported: a photo
    that arrived cut short must still be refused here, whatever else the process has loaded."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def clean_image(source: IO[bytes], *, name: str, keep_location: bool) -> CleanImage:
    """Decode, check and re-encode one picture. Refuses a file that does not decode, an
    animation, and one too big to decode safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(
                    f"{name}: {image.width}×{image.height} piksel terlalu besar untuk diolah "
                    f"(maksimal {MAX_PIXELS // 1_000_000} megapiksel)"
                )
            if getattr(image, "n_frames", 1) > 1 and image.format in ("GIF", "WEBP", "PNG"):
                raise InvalidInput(f"{name}: gambar bergerak tidak didukung; unggah sebagai video")
            with _strict_decoding():
                image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"{name}: foto rusak atau terpotong, tidak dapat dibaca") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidInput(f"{name}: foto terlalu besar untuk diolah") from exc
    exif = image.getexif()
    gps = dict(exif.get_ifd(IFD.GPSInfo))
    location = exif_location(gps) if gps else None
    removed = _removed(image, exif, gps)
    upright = ImageOps.exif_transpose(image)
    picture = _flatten(_to_srgb(upright if upright is not None else image))
    if max(picture.size) > MAX_SIDE:
        picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    kept = None
    if keep_location and location is not None:
        kept = Image.Exif()
        kept[IFD.GPSInfo] = {k: v for k, v in gps.items() if k in GPS_KEEP}
        removed = [r for r in removed if r != "lokasi GPS"]
    data = _jpeg(picture, kept)
    return CleanImage(
        data=data,
        thumb=thumbnail(picture, THUMB_SIDE),
        width=picture.width,
        height=picture.height,
        text_ratio=text_coverage(picture),
        location=location if keep_location else None,
        removed=tuple(removed),
    )


GPS_KEEP = frozenset(
    {
        GPS.GPSLatitudeRef,
        GPS.GPSLatitude,
        GPS.GPSLongitudeRef,
        GPS.GPSLongitude,
        GPS.GPSAltitudeRef,
        GPS.GPSAltitude,
    }
)


def thumbnail(picture: Image.Image, side: int) -> bytes:
    small = picture.copy()
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def text_coverage(picture: Image.Image, *, block: int = 16) -> float:
    """The share of the picture that looks like lettering: blocks of 16×16 pixels (on a copy
    512 px wide) with strong contrast, two tones and many strokes. Photos have soft tones and
    few strokes per block; posters have flat backgrounds and dense letters. A heuristic, not
    OCR: docs/content.md says how it was calibrated."""
    # NumPy is loaded when a picture is measured, not with the CLI (`paseban --help`, issue 12)
    import numpy as np

    gray = picture.convert("L")
    gray.thumbnail((512, 512))
    a = np.asarray(gray, dtype=np.int16)
    rows, cols = a.shape[0] // block, a.shape[1] // block
    if not rows or not cols:
        return 0.0
    b = a[: rows * block, : cols * block].reshape(rows, block, cols, block).swapaxes(1, 2)
    low = b.min(axis=(2, 3))[..., None, None]
    high = b.max(axis=(2, 3))[..., None, None]
    span = (high - low).astype(np.float64)
    ink = b > (low + high) / 2
    strokes = (ink[..., :, 1:] != ink[..., :, :-1]).mean(axis=(2, 3)) + (
        ink[..., 1:, :] != ink[..., :-1, :]
    ).mean(axis=(2, 3))
    near = (b - low < span * 0.25) | (high - b < span * 0.25)
    two_tone = near.mean(axis=(2, 3))
    texty = (span[..., 0, 0] >= 90) & (two_tone >= 0.85) & (strokes >= 0.16)
    return round(float(texty.mean()), 3)


# --- video ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoFacts:
    width: int
    height: int
    duration_ms: int
    fps: float | None
    video_codec: str
    audio_codec: str | None
    subtitle_track: bool
    location: str | None  # ISO 6709, as the phone wrote it
    device: tuple[str, ...] = field(default=())


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidInput(
            f"video belum dapat diterima: {name} tidak terpasang di server "
            "(jalankan scripts/install-ffmpeg)"
        )
    return found


def _rate(raw: str | None) -> float | None:
    if not raw or "/" not in raw:
        return None
    num, den = raw.split("/", 1)
    try:
        value = float(num) / float(den)
    except (ValueError, ZeroDivisionError):
        return None
    return round(value, 3) if value > 0 and math.isfinite(value) else None


def _rotation(stream: Mapping[str, Any]) -> int:
    for item in stream.get("side_data_list", ()) or ():
        if "rotation" in item:
            return int(float(item["rotation"])) % 360
    raw = (stream.get("tags") or {}).get("rotate")
    return int(raw) % 360 if raw and str(raw).lstrip("-").isdigit() else 0


def probe_video(path: Path, *, name: str) -> VideoFacts:
    """ffprobe's reading of the file; InvalidInput when it is not a playable video."""
    try:
        run = subprocess.run(
            [
                tool("ffprobe"),
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                str(path),
            ],
            capture_output=True,
            timeout=FFPROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InvalidInput(f"{name}: video tidak selesai dibaca") from exc
    if run.returncode != 0:
        raise InvalidInput(f"{name}: video rusak atau tidak dapat dibaca")
    info = json.loads(run.stdout or b"{}")
    streams = info.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    if video is None:
        raise InvalidInput(f"{name}: tidak ada gambar video di dalamnya")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if _rotation(video) in (90, 270):
        width, height = height, width
    duration = float((info.get("format") or {}).get("duration") or video.get("duration") or 0)
    if width <= 0 or height <= 0 or duration <= 0:
        raise InvalidInput(f"{name}: ukuran atau durasi video tidak terbaca")
    tags = {
        str(k).lower(): str(v) for k, v in ((info.get("format") or {}).get("tags") or {}).items()
    }
    location = next((tags[t.lower()] for t in VIDEO_LOCATION_TAGS if t.lower() in tags), None)
    device = tuple(t for t in VIDEO_DEVICE_TAGS if t in tags)
    return VideoFacts(
        width=width,
        height=height,
        duration_ms=round(duration * 1000),
        fps=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")),
        video_codec=str(video.get("codec_name") or ""),
        audio_codec=str(audio["codec_name"]) if audio and audio.get("codec_name") else None,
        subtitle_track=any(s.get("codec_type") == "subtitle" for s in streams),
        location=location,
        device=device,
    )


ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


def iso6709(raw: str | None) -> tuple[float, float] | None:
    match = ISO6709.match(raw or "")
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def clean_video(source: Path, target: Path, *, location: str | None, name: str) -> None:
    """Copy the streams into `target` without the file's metadata (location, device), the index
    first (faststart); `location` is written back when the author keeps it."""
    args = [
        tool("ffmpeg"),
        "-v",
        "error",
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v",
        "-map",
        "0:a?",
        "-map",
        "0:s?",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
    ]
    if location:
        args += ["-metadata", f"location={location}"]
    if target.suffix in (".mp4", ".mov"):
        args += ["-movflags", "+faststart"]
    args.append(str(target))
    try:
        run = subprocess.run(args, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InvalidInput(f"{name}: video terlalu lama diolah") from exc
    if run.returncode != 0 or not target.exists():
        raise InvalidInput(f"{name}: video tidak dapat diolah (isi aliran tidak lazim)")


def video_frame(source: Path, *, at_ms: int, side: int = POSTER_SIDE) -> bytes:
    """One frame as JPEG, at most `side` pixels on its longer side (upright)."""
    scale = f"scale='if(gt(iw,ih),min({side},iw),-2)':'if(gt(iw,ih),-2,min({side},ih))'"
    run = subprocess.run(
        [
            tool("ffmpeg"),
            "-v",
            "error",
            "-ss",
            f"{at_ms / 1000:.3f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            scale,
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            "-q:v",
            "3",
            "pipe:1",
        ],
        capture_output=True,
        timeout=FFPROBE_TIMEOUT_S,
        check=False,
    )
    if run.returncode != 0 or not run.stdout:
        raise InvalidInput("gambar dari video tidak dapat diambil")
    return run.stdout


# --- previews ------------------------------------------------------------------------------------


def framed(picture: bytes, *, ratio: float, fit: str, width: int = 540) -> bytes:
    """The picture as the platform shows it, `width` pixels wide: the middle cut to the frame
    (cover), or whole on black bars (contain), or as it is (natural)."""
    opened = Image.open(io.BytesIO(picture))
    image: Image.Image = (ImageOps.exif_transpose(opened) or opened).convert("RGB")
    height = max(1, round(width / ratio))
    if fit == "cover":
        image = image.crop(center_crop(image.width, image.height, ratio))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    elif fit == "contain":
        canvas = Image.new("RGB", (width, height), (0, 0, 0))
        image.thumbnail((width, height), Image.Resampling.LANCZOS)
        canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        image = canvas
    else:
        image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
