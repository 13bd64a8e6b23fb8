"""The house keeps its shape: pure rooms stay pure, imports point one way (docs/architecture.md),
no module grows past 600 lines, and only connectors/ branches on a platform's name."""

from __future__ import annotations

import ast
from collections.abc import Iterator
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
MAX_LINES = 600
# the services' contexts, and which other contexts each may import (what lies below it)
SERVICE_CONTEXTS: dict[str, set[str]] = {
    "people": set(),
    "reference": {"people"},
    "cases": {"people", "reference"},
    "content": {"people", "reference"},
    "inbox": {"cases", "people", "reference"},
    "ingest": {"cases", "people", "reference"},
    "measurement": {"cases", "people", "reference"},
}
PLATFORMS = {"instagram", "facebook", "whatsapp", "x", "youtube", "tiktok", "meta"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules(*parts: str) -> Iterator[Path]:
    """The modules under paseban/<parts>, migrations aside."""
    for path in sorted(ROOT.joinpath(*parts).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def ours(path: Path, *prefixes: str) -> set[str]:
    return {name for name in imported_modules(path) if name.startswith(prefixes)}


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


def test_services_are_packages_by_context() -> None:
    """services/ holds one package per context, not a flat list of modules."""
    flat = [p.name for p in (ROOT / "services").glob("*.py") if p.name != "__init__.py"]
    assert not flat, f"modules directly in services/: {flat}"
    found = {p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()}
    assert found == set(SERVICE_CONTEXTS)


def test_service_contexts_import_only_the_contexts_below_them() -> None:
    """People and reference data are the ground floor; cases stand on them; inbox, ingest and
    measurement read cases; nothing below imports what stands above it (cases never import
    measurement, content never imports cases)."""
    for context, allowed in SERVICE_CONTEXTS.items():
        for path in modules("services", context):
            others = {
                name.split(".")[2]
                for name in ours(path, "paseban.services.")
                if name.split(".")[2] != context
            }
            assert others <= allowed, f"services/{context}/{path.name} imports {others - allowed}"


def test_services_never_import_web_or_cli() -> None:
    for path in modules("services"):
        bad = ours(path, "paseban.web", "paseban.cli")
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_connectors_know_platforms_not_the_house() -> None:
    """A connector parses and talks to its platform; it stores nothing, serves nothing and
    calls no service (the services call it, through the registry)."""
    for path in modules("connectors"):
        bad = ours(
            path,
            "paseban.services",
            "paseban.web",
            "paseban.cli",
            "paseban.storage",
            "paseban.context",
            "paseban.boot",
        )
        assert not bad, f"connectors/{path.name} imports {sorted(bad)}"


def test_web_and_cli_call_services_not_tables() -> None:
    """Pages, the API and the commands read and write through services; the storage they may
    name is the row types, the engine check and the migrations."""
    for path in [*modules("web"), *modules("cli")]:
        bad = ours(path, "paseban.storage.tables")
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_pure_measurement_and_content_never_import_services() -> None:
    for folder in ("measurement", "content", "routing", "nlp"):
        for path in modules(folder):
            bad = ours(path, "paseban.services", "paseban.web", "paseban.cli")
            assert not bad, f"{folder}/{path.name} imports {sorted(bad)}"


def test_no_module_outgrows_its_room() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"over {MAX_LINES} lines: {too_long}"


def platform_names(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and sub.value in PLATFORMS:
            found.add(str(sub.value))
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "Platform"
            and sub.attr.lower() in PLATFORMS
        ):
            found.add(sub.attr.lower())
    return found


def conditions(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
            yield node.test
        elif isinstance(node, ast.comprehension):
            yield from node.ifs
        elif isinstance(node, ast.Match):
            yield node.subject
            yield from (case.pattern for case in node.cases)


def test_platform_names_appear_in_conditions_only_inside_connectors() -> None:
    """Everything about a platform lives in its connector; elsewhere the code asks the registry
    (ctx.connectors) instead of writing `if platform == "x"`."""
    for path in modules():
        if path.is_relative_to(ROOT / "connectors"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for test in conditions(tree):
            names = platform_names(test)
            line = getattr(test, "lineno", 0)
            assert not names, f"{path.relative_to(ROOT)}:{line} branches on {names}"


def test_imports_inside_functions_say_why() -> None:
    """An import inside a function hides a dependency; the few that must stay say why in a
    comment just above them (nlp/ keeps its own lazy imports of heavy libraries)."""
    for path in modules():
        if path.is_relative_to(ROOT / "nlp"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    above = lines[sub.lineno - 2].strip()
                    assert above.startswith("#"), f"{path.relative_to(ROOT)}:{sub.lineno}"


def test_no_import_cycle_between_modules() -> None:
    """Module-level imports, TYPE_CHECKING ones included, form no cycle."""
    names = {
        ".".join(p.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in modules()
    }
    graph = {
        name: {m for m in imported_modules(p) if m in names} - {name} for name, p in names.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycle = [*path[path.index(other) :], name, other]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if other not in state:
                visit(other, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_platform_lists_live_only_inside_connectors() -> None:
    """A list of platforms ("the ones we post to") is a question to the connector registry
    (`Registry.publishable_platforms`, `writing_limits`, ...), not a tuple written elsewhere:
    a new platform would be missing from it."""
    found: list[str] = []
    for path in modules():
        if path.is_relative_to(ROOT / "connectors"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                names = {str(e.value) for e in node.elts if isinstance(e, ast.Constant)} & PLATFORMS
                if len(names) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {sorted(names)}")
    assert not found, found
