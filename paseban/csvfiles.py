"""Reading CSV files line by line with errors that name the file and line: the one CSV reader of
the imports (accounts, users, metrics, programs, and the platform exports in connectors/files)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from paseban.errors import BadFile, LineError

TOO_MANY = "jumlah kolom lebih banyak dari judul"


def read_bytes(path: Path | str, name: str) -> bytes:
    """The file's bytes; BadFile naming the file when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BadFile([LineError(name, 0, f"tidak dapat dibaca: {exc.strerror}")]) from None


def read_text(path: Path | str, name: str) -> str:
    """The file as UTF-8 text (a byte-order mark is dropped); BadFile naming the line that is
    not UTF-8."""
    raw = read_bytes(path, name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BadFile([LineError(name, line, "bukan teks UTF-8")]) from None


def dict_rows(
    text: str, *, dialect: type[csv.Dialect] = csv.excel
) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | None]]]:
    """The header, and (line number, row) for each row; None for a row with more columns than
    the header has. Values are as written."""
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = list(reader.fieldnames or [])

    def rows() -> Iterator[tuple[int, dict[str, str] | None]]:
        for row in reader:
            if None in row:
                yield reader.line_num, None
                continue
            yield reader.line_num, {k: v or "" for k, v in row.items() if k is not None}

    return header, rows()


def read_rows(
    path: Path | str, required: tuple[str, ...], *, source: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with stripped values; raise BadFile for an unreadable file or a
    missing column."""
    name = source or str(path)
    header, rows = dict_rows(read_text(path, name))
    missing = [c for c in required if c not in header]
    if missing:
        raise BadFile([LineError(name, 1, f"kolom wajib tidak ada: {', '.join(missing)}")])
    for line, row in rows:
        if row is None:
            yield line, {"__error__": TOO_MANY}
            continue
        yield line, {k: v.strip() for k, v in row.items()}


def package_file(*parts: str) -> Traversable:
    """A file shipped in paseban/data (reference data, sample data)."""
    node = resources.files("paseban.data")
    for part in parts:
        node = node.joinpath(part)
    return node


def package_rows(*parts: str) -> list[dict[str, str]]:
    """A CSV file shipped in paseban/data, read whole: it is ours and checked by the tests."""
    with package_file(*parts).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(...)", "+1+1", "@SUM",
    or after a tab or carriage return) is written with a leading apostrophe, as OWASP advises
    for CSV and XLSX exports: it shows as text and runs nothing. Numbers and dates pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
