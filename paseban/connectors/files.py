"""File import: platform exports and manual collections, as JSON Lines or CSV.

JSON Lines, one object per line: {"platform", "external_id" (or "id"), "account", "author",
"text", "time"} and optionally "kind", "author_id", "parent_id", "lat", "lon". `time` is ISO 8601
(without an offset it is read as Asia/Jakarta local time) or unix seconds.

CSV: a header row with the same names, or the names export tools use (`comment_id`, `message`,
`created_time`, `username`, ...: see ALIASES). A file exported from one account may leave out
`platform` and `account`; the importer then takes them from its options.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from paseban.csvfiles import TOO_MANY, dict_rows, read_bytes, read_text
from paseban.domain.accounts import Platform
from paseban.domain.messages import Message, MessageKind
from paseban.errors import BadFile, InvalidInput, LineError

REQUIRED = ("platform", "account", "text", "time")
MAX_TEXT = 100_000
LOCAL = ZoneInfo("Asia/Jakarta")


def parse_time(value: object) -> datetime:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
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


def parse_record(record: object, defaults: dict[str, str] | None = None) -> Message:
    if not isinstance(record, dict):
        raise InvalidInput("baris harus objek JSON")
    if defaults:
        given = {k: v for k, v in record.items() if k not in defaults or v not in (None, "")}
        record = {**defaults, **given}
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
    path: Path | str, *, source: str | None = None, defaults: dict[str, str] | None = None
) -> Iterator[tuple[int, str, Message | LineError]]:
    """Yield (line number, raw line, Message or the line's error). `-` reads stdin."""

    name = source or str(path)
    data = sys.stdin.buffer.read() if str(path) == "-" else read_bytes(path, name)
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
            yield number, line, parse_record(record, defaults)
        except InvalidInput as exc:
            yield number, line, LineError(name, number, str(exc))


# --- CSV exports ---------------------------------------------------------------------------------

ALIASES: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "source", "network"),
    "external_id": ("external_id", "id", "comment_id", "message_id", "tweet_id", "item_id"),
    "account": ("account", "account_handle", "handle", "page_id", "channel_id", "business_id"),
    "author": ("author", "username", "from_name", "author_name", "display_name", "name", "user"),
    "author_id": ("author_id", "from_id", "user_id", "author_channel_id", "sender_id"),
    "text": ("text", "message", "comment", "comment_text", "content", "body", "tweet_text"),
    "time": (
        "time",
        "created_time",
        "created_at",
        "timestamp",
        "published_at",
        "create_time",
        "date",
    ),
    "parent_id": (
        "parent_id",
        "parent_comment_id",
        "in_reply_to",
        "post_id",
        "video_id",
        "media_id",
    ),
    "kind": ("kind",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
}


def _normal(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").replace(".", " ").split())


def header_map(headers: list[str]) -> dict[str, str]:
    """Our field name -> the file's column, by the first alias present."""
    present = {_normal(h): h for h in headers if h is not None}
    found: dict[str, str] = {}
    for field, names in ALIASES.items():
        for name in names:
            if name in present and present[name] not in found.values():
                found[field] = present[name]
                break
    return found


def read_csv(
    path: Path | str, *, source: str | None = None, defaults: dict[str, str] | None = None
) -> Iterator[tuple[int, str, Message | LineError]]:
    """Like read_jsonl, for CSV exports. Raises BadFile when the file cannot be read at all."""
    name = source or str(path)
    text = read_text(path, name)
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    header, rows = dict_rows(text, dialect=dialect)
    columns = header_map(header)
    if "text" not in columns:
        raise BadFile([LineError(name, 1, "tidak ada kolom teks (text, message, comment, ...)")])
    for number, row in rows:
        if row is None:
            yield number, "", LineError(name, number, TOO_MANY)
            continue
        record = {field: (row.get(column) or "").strip() for field, column in columns.items()}
        record["text"] = row.get(columns["text"]) or ""  # keep the text as written
        raw = json.dumps(record, ensure_ascii=False)
        try:
            yield number, raw, parse_record(record, defaults)
        except InvalidInput as exc:
            yield number, raw, LineError(name, number, str(exc))


def read_export(
    path: Path | str,
    *,
    source: str | None = None,
    platform: str | None = None,
    account: str | None = None,
) -> Iterator[tuple[int, str, Message | LineError]]:
    """A JSONL or CSV file (by its suffix; `-` is JSONL on stdin), with defaults for
    `platform` and `account` when the file does not carry them."""
    defaults = {k: v for k, v in (("platform", platform), ("account", account)) if v}
    if str(path).lower().endswith((".csv", ".tsv")):
        return read_csv(path, source=source, defaults=defaults)
    return read_jsonl(path, source=source, defaults=defaults)
