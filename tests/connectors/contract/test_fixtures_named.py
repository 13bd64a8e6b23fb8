"""Every contract fixture names its source page, and is fed to a connector by some test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.connectors.contract.helpers import CONTRACT

FIXTURES = sorted(CONTRACT.glob("*/*.json"))
TESTS = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
SERVICE_TESTS = Path(__file__).parent.parent.parent / "services" / "ingest"
ALL_TESTS = TESTS + "\n".join(
    p.read_text(encoding="utf-8") for p in SERVICE_TESTS.glob("test_*.py")
)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_fixture_names_its_source_and_is_used(fixture: Path) -> None:
    sources = (fixture.parent / "SOURCES.md").read_text(encoding="utf-8")
    assert any(name in sources for name in _names(fixture.stem)), fixture.name
    assert f'"{fixture.stem}"' in ALL_TESTS, f"{fixture.name} is fed to no test"


def _names(stem: str) -> list[str]:
    """How SOURCES.md may name a fixture: whole (`statuses__sent`), by its tail after a first
    one of its family (`__read`), as a family (`error__*`, `messaging__attachment_{...}`)."""
    kind, _, tail = stem.partition("__")
    names = [f"`{stem}`", f"`{stem},", f"`__{tail}`", f"`{kind}__*`"]
    parts = tail.split("_")
    names += [f"`{kind}__{'_'.join(parts[:i])}_{{" for i in range(1, len(parts))]
    return names


def test_there_are_fixtures_for_every_platform() -> None:
    assert {p.parent.name for p in FIXTURES} == {
        "meta-instagram",
        "meta-messenger-page",
        "whatsapp",
        "x",
        "youtube",
        "tiktok",
        # publishing with media (issue 18, phase 2)
        "instagram-publish",
        "facebook-publish",
        "tiktok-publish",
        "youtube-upload",
    }
    assert len(FIXTURES) >= 100
