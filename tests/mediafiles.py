"""Pictures and videos made in the tests (nothing downloaded): a phone photo with GPS and
device EXIF, a text-heavy poster, a small picture, and short videos made with ffmpeg."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from PIL.ExifTags import GPS, IFD, Base

from tests.conftest import IN_CI

BOGOR_GPS = {
    GPS.GPSLatitudeRef: "S",
    GPS.GPSLatitude: (6.0, 35.0, 40.0),
    GPS.GPSLongitudeRef: "E",
    GPS.GPSLongitude: (106.0, 48.0, 0.0),
}


def photo(
    width: int = 1440,
    height: int = 1080,
    *,
    seed: int = 1,
    gps: bool = False,
    device: bool = False,
    fmt: str = "JPEG",
) -> bytes:
    """A photo-like picture (soft gradient, noise, a shape), optionally with EXIF."""
    rng = np.random.default_rng(seed)
    rows = np.linspace(60, 180, height)[:, None, None] * np.array([0.6, 0.9, 0.5])
    noise = rng.normal(0, 16, (height, width, 3))
    picture = Image.fromarray(np.clip(rows + noise, 0, 255).astype("uint8"))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((width // 4, height // 4, width // 2, height // 2), fill=(200, 120, 60))
    exif = Image.Exif()
    if device:
        exif[Base.Make] = "Samsung"
        exif[Base.Model] = "SM-A515F"
    if gps:
        exif[IFD.GPSInfo] = BOGOR_GPS
    out = io.BytesIO()
    picture.save(out, fmt, exif=exif.tobytes()) if fmt == "JPEG" else picture.save(out, fmt)
    return out.getvalue()


def poster(width: int = 1080, height: int = 1350, lines: int = 22) -> bytes:
    """A poster full of small text: what the text-heavy check should catch."""
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=44)
    for i in range(lines):
        draw.text(
            (40, 30 + i * 58), "Posyandu Remaja Sabtu pukul 08.00 di Aula", fill="black", font=font
        )
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def have_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def require_ffmpeg() -> None:
    """Video tests need Debian's ffmpeg (scripts/test installs it): skipped without it, except
    in CI, where they fail."""
    if have_ffmpeg():
        return
    reason = "ffmpeg/ffprobe missing (scripts/install-ffmpeg installs Debian's ffmpeg)"
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def video(
    folder: Path,
    *,
    size: str = "720x1280",
    seconds: float = 4,
    location: str | None = None,
    name: str = "klip.mp4",
) -> Path:
    """A short H.264/AAC clip from ffmpeg's test sources."""
    target = folder / name
    args = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={size}:rate=30:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:duration={seconds}",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
    ]
    if location:
        args += ["-metadata", f"location={location}"]
    subprocess.run([*args, str(target)], check=True, capture_output=True, timeout=120)
    return target
