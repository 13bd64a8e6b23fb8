"""Tests that keep the docs true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paseban import hookspecs
from paseban.settings import Settings, SettingsError, setting_names

DOCS = Path(__file__).parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in setting_names() if f"`{name}`" not in text]
    assert not missing, f"docs/settings.md lacks {missing}"


def test_every_hook_is_documented() -> None:
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "paseban_spec")]
    assert hooks
    assert all(f"`{name}(" in text for name in hooks)


def test_readme_starts_with_the_two_commands() -> None:
    head = (
        (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8").splitlines()[:40]
    )
    commands = [line for line in head if re.match(r"^make (run|test)\b", line)]
    assert [c.split()[1] for c in commands] == ["run", "test"]


def test_settings_from_env() -> None:
    s = Settings.from_env({"DATABASE_URL": "postgres://u:p@h/db", "PASEBAN_PORT": "9000"})
    assert s.database_url == "postgresql+psycopg://u:p@h/db" and s.port == 9000
    assert (
        Settings.from_env(
            {"PASEBAN_DATABASE_URL": "sqlite:///x.db", "DATABASE_URL": "postgres://h/d"}
        ).database_url
        == "sqlite:///x.db"
    )
    with pytest.raises(SettingsError, match="PASEBAN_PORT"):
        Settings.from_env({"PASEBAN_PORT": "delapan"})
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        Settings.from_env({"PASEBAN_LOG_FORMAT": "xml"})


def test_cli_reference_is_current() -> None:
    import importlib.util

    path = Path(__file__).parent.parent / "scripts" / "cli_docs.py"
    spec = importlib.util.spec_from_file_location("cli_docs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == module.render(), "run: .venv/bin/python scripts/cli_docs.py"


def test_lifecycle_diagram_is_current() -> None:
    from paseban.domain.cases import lifecycle_mermaid

    text = (DOCS / "cases.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{lifecycle_mermaid()}\n```" in text, "regenerate the diagram"


def test_every_reply_event_and_sla_stage_is_documented() -> None:
    from paseban.domain.replies import ReplyEvent
    from paseban.domain.sla import Stage

    text = (DOCS / "cases.md").read_text(encoding="utf-8")
    assert all(f"`{e.value}`" in text for e in ReplyEvent)
    assert all(f"`{s.value}`" in text for s in Stage)
