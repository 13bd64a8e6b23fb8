"""Context: settings, database engine, clock, plugin manager and job queue, built once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pluggy
import sqlalchemy as sa

from paseban.clock import Clock, SystemClock
from paseban.connectors.registry import Registry
from paseban.settings import Settings
from paseban.storage import db

if TYPE_CHECKING:
    from paseban.jobs import JobQueue
    from paseban.nlp.analyzer import Analyzer


@dataclass
class Context:
    settings: Settings
    engine: sa.Engine
    clock: Clock
    pm: pluggy.PluginManager
    jobs: JobQueue
    _analyzer: Analyzer | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        load_entrypoints: bool = True,
        jobs_backend: str | None = None,
    ) -> Context:
        from paseban.jobs import make_queue
        from paseban.plugins import build_plugin_manager

        engine = db.create_engine(settings.database_url)
        ctx = cls(
            settings=settings,
            engine=engine,
            clock=clock or SystemClock(),
            pm=build_plugin_manager(load_entrypoints=load_entrypoints),
            jobs=None,  # type: ignore[arg-type]  # set just below: the queue needs the context
        )
        ctx.jobs = make_queue(ctx, jobs_backend or settings.jobs_backend)
        return ctx

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    @cached_property
    def connectors(self) -> Registry:
        """The platform connectors registered through `register_connectors`, built once."""
        return Registry.from_hook(self.pm, self.settings)

    def analyzer(self) -> Analyzer:
        """The analyzer for the reference data in this database, built once and cached."""
        with self._lock:
            if self._analyzer is None:
                from paseban.services.reference.store import build_analyzer

                self._analyzer = build_analyzer(self)
            return self._analyzer

    def reset_analyzer(self) -> None:
        with self._lock:
            self._analyzer = None

    def close(self) -> None:
        self.jobs.shutdown()
        self.engine.dispose()
