"""File import: platform exports and manual collections as JSON Lines, one message per line.

Each line: {"platform", "external_id" (or "id"), "account", "author", "text", "time"} and
optionally "kind", "author_id", "parent_id", "lat", "lon". `time` is ISO 8601; without an
offset it is read as Asia/Jakarta local time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from paseban.domain.accounts import Platform
from paseban.domain.messages import Message, MessageKind
from paseban.errors import BadFile, InvalidInput, LineError

REQUIRED = ("platform", "account", "text", "time")
MAX_TEXT = 100_000
LOCAL = ZoneInfo("Asia/Jakarta")


def parse_time(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 < value < 32503680000:
            raise InvalidInput(f"waktu tidak sah: {value!r}")
        return datetime.fromtimestamp(value, LOCAL)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("waktu kosong")
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"waktu {value!r} bukan ISO 8601 (contoh: 2026-11-27T08:30:00+07:00)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


def _optional_float(record: dict[str, object], key: str) -> float | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{key} harus angka") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{key} harus angka")
    return number


def parse_record(record: object) -> Message:
    if not isinstance(record, dict):
        raise InvalidInput("baris harus objek JSON")
    missing = [k for k in REQUIRED if record.get(k) in (None, "")]
    if "text" in missing and isinstance(record.get("text"), str):
        missing.remove("text")  # an empty text is a valid (if useless) message
    external = record.get("external_id", record.get("id"))
    if external in (None, ""):
        missing.append("external_id")
    if missing:
        raise InvalidInput(f"kolom wajib tidak ada: {', '.join(missing)}")
    try:
        platform = Platform(str(record["platform"]).lower())
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise InvalidInput(
            f"platform {record['platform']!r} tidak dikenal (pilihan: {choices})"
        ) from None
    text = record["text"]
    if not isinstance(text, str):
        raise InvalidInput("text harus string")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text lebih dari {MAX_TEXT} karakter")
    kind_raw = str(record.get("kind") or "comment")
    try:
        kind = MessageKind(kind_raw)
    except ValueError:
        raise InvalidInput(f"kind {kind_raw!r} tidak dikenal") from None
    lat, lon = _optional_float(record, "lat"), _optional_float(record, "lon")
    if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
        raise InvalidInput("koordinat di luar rentang")
    return Message(
        platform=platform.value,
        external_id=str(external)[:200],
        account=str(record["account"]),
        author=str(record.get("author") or "")[:200],
        text=text.replace("\x00", ""),
        posted_at=parse_time(record["time"]),
        kind=kind,
        author_id=str(record["author_id"]) if record.get("author_id") else None,
        parent_external_id=str(record["parent_id"]) if record.get("parent_id") else None,
        lat=lat,
        lon=lon,
    )


def read_jsonl(
    path: Path | str, *, source: str | None = None
) -> Iterator[tuple[int, str, Message | LineError]]:
    """Yield (line number, raw line, Message or the line's error). `-` reads stdin."""
    import sys

    name = source or str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BadFile([LineError(name, 0, f"tidak dapat dibaca: {exc.strerror}")]) from None
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield (
                number,
                raw.decode("utf-8", "replace"),
                LineError(name, number, "bukan teks UTF-8"),
            )
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                number,
                line,
                LineError(name, number, f"JSON tidak sah: {exc.msg} (kolom {exc.colno})"),
            )
            continue
        try:
            yield number, line, parse_record(record)
        except InvalidInput as exc:
            yield number, line, LineError(name, number, str(exc))
