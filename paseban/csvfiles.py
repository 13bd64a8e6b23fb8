"""Reading CSV files line by line with errors that name the file and line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from paseban.errors import BadFile, LineError


def read_rows(
    path: Path | str, required: tuple[str, ...], *, source: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with stripped values; raise BadFile for an unreadable file or a
    missing column."""
    name = source or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadFile([LineError(name, 0, f"tidak dapat dibaca: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BadFile([LineError(name, line, "bukan teks UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise BadFile([LineError(name, 1, f"kolom wajib tidak ada: {', '.join(missing)}")])
    for row in reader:
        line = reader.line_num
        if None in row:
            yield line, {"__error__": "jumlah kolom lebih banyak dari judul"}
            continue
        yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}
