"""The measurement's rules stay pure: only the *queries.py modules and the renderer touch IO."""

from __future__ import annotations

from paseban.domain import fmt
from paseban.measurement import alerts, indices, kpis, leaderboards, periods, recognition
from tests.test_layers import IO_PACKAGES, imported_modules

PURE = (alerts, fmt, indices, kpis, leaderboards, periods, recognition)


def test_pure_measurement_modules_do_no_io() -> None:
    from pathlib import Path

    for module in PURE:
        path = Path(module.__file__ or "")
        bad = {n for n in imported_modules(path) if n.startswith(IO_PACKAGES)}
        assert not bad, f"{path.name} imports {sorted(bad)}"
