from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from paseban.connectors.files import header_map, read_export
from paseban.domain.messages import Message
from paseban.errors import BadFile, LineError
from tests.connectors.helpers import FIXTURES

FILES = FIXTURES / "files"


def test_header_aliases_of_export_tools() -> None:
    assert header_map(["Comment ID", "Name", "Message", "Created Time", "Post ID"]) == {
        "external_id": "Comment ID",
        "author": "Name",
        "text": "Message",
        "time": "Created Time",
        "parent_id": "Post ID",
    }


def test_a_facebook_export_with_account_defaults() -> None:
    rows = list(
        read_export(
            FILES / "facebook_comments__export.csv",
            platform="facebook",
            account="kelurahan.tegalgundil.fb",
        )
    )
    messages = [item for _, _, item in rows if isinstance(item, Message)]
    assert len(messages) == 3
    first, second, empty = messages
    assert (first.platform, first.account, first.author) == (
        "facebook",
        "kelurahan.tegalgundil.fb",
        "Yanti Rahmawati",
    )
    assert first.parent_external_id == "104000000000002_122000000000000050"
    assert first.posted_at == datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    assert second.posted_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # unix seconds
    assert empty.text == "" and empty.posted_at.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]


def test_semicolons_and_bad_rows_name_their_line() -> None:
    rows = list(
        read_export(
            FILES / "youtube_comments__semicolon.csv", platform="youtube", account="pemkotbogor.yt"
        )
    )
    (line1, _, good), (line2, _, bad) = rows
    assert isinstance(good, Message) and good.text == "jalan di mulyaharja rusak parah"
    assert isinstance(bad, LineError) and (line1, line2) == (2, 3) and "ISO 8601" in bad.problem


def test_without_defaults_the_missing_columns_are_named() -> None:
    rows = list(read_export(FILES / "facebook_comments__export.csv"))
    assert all(isinstance(item, LineError) and "platform" in item.problem for _, _, item in rows)


def test_a_file_without_a_text_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,name\n1,a\n", encoding="utf-8")
    with pytest.raises(BadFile, match="kolom teks"):
        list(read_export(path))
    path.write_bytes(b"text\n\xff\xfe\n")
    with pytest.raises(BadFile, match="UTF-8"):
        list(read_export(path))
