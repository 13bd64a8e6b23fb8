"""Each connector has its page, and the pages name only settings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paseban.settings import setting_names

DOCS = Path(__file__).parent.parent.parent / "docs" / "connectors"
PAGES = {
    "meta": "meta.py",
    "whatsapp": "whatsapp.py",
    "x": "x.py",
    "youtube": "youtube.py",
    "tiktok": "tiktok.py",
    "files": "files.py",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_connector_has_a_page_saying_what_to_register(page: str) -> None:
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    assert (Path(__file__).parent.parent.parent / "paseban" / "connectors" / PAGES[page]).exists()
    if page != "files":
        assert "## What the city registers" in text and "## Settings" in text
        assert "platform_account_id" in text


def test_pages_name_only_real_settings() -> None:
    known = set(setting_names())
    for path in DOCS.glob("*.md"):
        named = set(re.findall(r"PASEBAN_[A-Z_]+", path.read_text(encoding="utf-8")))
        assert named <= known, f"{path.name}: {sorted(named - known)}"


def test_the_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    assert all(f"({page}.md)" in index for page in PAGES)


CONTRACT = Path(__file__).parent.parent / "fixtures" / "connectors" / "contract"
FOLDERS = "meta-instagram|meta-messenger-page|whatsapp|x|youtube|tiktok"


@pytest.mark.parametrize("page", sorted(set(PAGES) - {"files"}))
def test_pages_name_contract_fixtures_that_exist(page: str) -> None:
    """Each kind of message a page says it handles names the contract fixtures that prove it
    (written from the platform's documentation), and those fixtures exist."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    named = re.findall(rf"`((?:{FOLDERS})/[a-z0-9_]+)`", text)
    assert named, f"{page}.md names no contract fixture"
    missing = [n for n in named if not (CONTRACT / f"{n}.json").exists()]
    assert not missing, f"{page}.md: {missing}"


def test_every_contract_fixture_is_named_in_the_docs() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    unnamed = [
        f"{p.parent.name}/{p.stem}" for p in sorted(CONTRACT.glob("*/*.json")) if p.stem not in text
    ]
    assert not unnamed, unnamed
