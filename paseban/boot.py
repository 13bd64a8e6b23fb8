"""Building a Context: the one place that knows every part it is assembled from (the engine, the
plugin manager with the built-in plugins, the analyzer's builder). The CLI, the tests, the
benchmarks and scripts start here; nothing imports this module back."""

from __future__ import annotations

import logging

from paseban.clock import Clock, SystemClock
from paseban.context import Context
from paseban.plugins import build_plugin_manager
from paseban.services.reference.store import build_analyzer
from paseban.settings import Settings
from paseban.storage import db

log = logging.getLogger("paseban.boot")


def create_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    load_entrypoints: bool = True,
    jobs_backend: str | None = None,
) -> Context:
    """A context for `settings`, in one step. Tests pass a fixed clock and
    `load_entrypoints=False` (only the built-in plugins)."""
    ctx = Context(
        settings=settings,
        engine=db.create_engine(settings.database_url),
        clock=clock or SystemClock(),
        pm=build_plugin_manager(load_entrypoints=load_entrypoints),
        build_analyzer=build_analyzer,
        jobs_backend=jobs_backend,
    )
    # connectors: an API version past its end refuses to start; one ending soon is said
    today = ctx.now().astimezone(ctx.tz).date()
    try:
        ctx.connectors.check(today)
    except Exception:
        ctx.close()
        raise
    for notice in ctx.connectors.notices(today):
        log.warning("connector notice", extra={"notice": notice})
    return ctx
