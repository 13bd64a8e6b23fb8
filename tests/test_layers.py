"""The domain stays pure: no IO, no frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import paseban

ROOT = Path(paseban.__file__).parent
PURE = [ROOT / "domain", ROOT / "routing", ROOT / "content"]
IO_PACKAGES = (
    "sqlalchemy",
    "starlette",
    "fastapi",
    "httpx",
    "click",
    "uvicorn",
    "alembic",
    "paseban.storage",
    "paseban.web",
    "paseban.services",
    "paseban.cli",
    "paseban.context",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_and_routing_do_no_io() -> None:
    for folder in PURE:
        for path in folder.rglob("*.py"):
            bad = {name for name in imported_modules(path) if name.startswith(IO_PACKAGES)}
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_domain_imports_nothing_outside_domain() -> None:
    for path in (ROOT / "domain").rglob("*.py"):
        ours = {n for n in imported_modules(path) if n.startswith("paseban")}
        assert all(n.startswith("paseban.domain") for n in ours), path.name


def test_nlp_does_no_io() -> None:
    for path in (ROOT / "nlp").rglob("*.py"):
        bad = {name for name in imported_modules(path) if name.startswith(IO_PACKAGES)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
