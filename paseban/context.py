"""Context: settings, database engine, clock, plugin manager, job queue and connectors, built
once (by `paseban.boot.create_context`) and passed to every service, job and hook.

The context holds its parts and assembles nothing it would have to import from above it: the
plugin manager and the analyzer's builder are handed in, so this module imports no plugin,
hook or service (no import cycle runs through it). The job queue is made here, in the same
step, because it needs the context it runs jobs with.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pluggy
import sqlalchemy as sa

from paseban.clock import Clock
from paseban.connectors.registry import Registry
from paseban.jobs import JobQueue, make_queue
from paseban.settings import Settings

if TYPE_CHECKING:
    from paseban.nlp.analyzer import Analyzer


@dataclass
class Context:
    settings: Settings
    engine: sa.Engine
    clock: Clock
    pm: pluggy.PluginManager
    # the analyzer of a city (None: the first) and whether it is the first city's
    build_analyzer: Callable[[Context, str | None], tuple[Analyzer, bool]] = field(repr=False)
    jobs_backend: InitVar[str | None] = None  # eager or inprocess; default from the settings
    jobs: JobQueue = field(init=False)
    _analyzers: dict[str | None, Analyzer] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self, jobs_backend: str | None) -> None:
        self.jobs = make_queue(self, jobs_backend or self.settings.jobs_backend)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    @cached_property
    def connectors(self) -> Registry:
        """The platform connectors registered through `register_connectors`, built once."""
        return Registry.from_hook(self.pm, self.settings)

    def analyzer(self, city: str | None = None) -> Analyzer:
        """The analyzer of a city's reference data in this database (None: the first city),
        built once and cached."""
        with self._lock:
            found = self._analyzers.get(city)
            if found is None:
                found, first = self.build_analyzer(self, city)
                self._analyzers[city] = found
                if first:  # the first city's answers for its code and for None alike
                    self._analyzers.setdefault(None, found)
                    self._analyzers.setdefault(found.gazetteer.city, found)
            return found

    def reset_analyzer(self) -> None:
        with self._lock:
            self._analyzers.clear()

    def close(self) -> None:
        self.jobs.shutdown()
        self.engine.dispose()
