"""Photos on disk under PASEBAN_MEDIA_DIR: checked by content (JPEG, PNG, WebP), limited in size,
stored under a generated name (the content's SHA-256), never under a name a user chose."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from paseban.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from paseban.settings import Settings

KINDS = ("visits", "pairs")
NAME = re.compile(r"^(visits|pairs)/\d{4}/\d{2}/[0-9a-f]{64}\.(jpg|png|webp)$")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def sniff(data: bytes) -> str | None:
    """The image type from the first bytes, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def root(settings: Settings) -> Path:
    return Path(settings.media_dir).resolve()


def save_photo(settings: Settings, data: bytes, *, kind: str, at: datetime) -> str:
    """Check and store one photo; return its name relative to the media folder."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not data:
        raise InvalidInput("foto kosong")
    if len(data) > settings.media_max_bytes:
        limit = settings.media_max_bytes / (1024 * 1024)
        raise InvalidInput(f"foto terlalu besar (maksimal {limit:.1f} MB)".replace(".", ","))
    ext = sniff(data)
    if ext is None:
        raise InvalidInput("berkas bukan foto JPEG, PNG atau WebP")
    name = f"{kind}/{at:%Y}/{at:%m}/{hashlib.sha256(data).hexdigest()}.{ext}"
    target = root(settings) / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return name


def open_photo(settings: Settings, name: str) -> tuple[Path, str]:
    """The file for a stored name and its content type; NotFound for anything else."""
    if not NAME.match(name):
        raise NotFound("foto tidak ditemukan")
    path = root(settings) / name
    if not path.is_file():
        raise NotFound("foto tidak ditemukan")
    return path, CONTENT_TYPES[name.rsplit(".", 1)[1]]
