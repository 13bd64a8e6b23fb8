"""The plugin manager. Built-in features register through the same hooks a third party uses."""

from __future__ import annotations

import importlib

import pluggy

from paseban import hookspecs

DEFAULT_PLUGINS = (
    "paseban.services.analysis",
    "paseban.services.publishing",  # content: scheduled posts, quiet accounts, reminders
    "paseban.services.sla",  # the SLA sweep job
    # connectors: polling, finishing waiting deliveries, sending the outbox
    "paseban.services.polling",
    "paseban.services.outbox",
    "paseban.services.measurement",  # measurement: response facts, early warning, metrics
    "paseban.services.reports",  # measurement: the weekly and monthly reports, written on schedule
    "paseban.services.account_metrics",  # connectors: daily followers and post counts
    "paseban.services.notify",  # e-mail for early warning, reports, campaign reminders
)


def build_plugin_manager(*, load_entrypoints: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("paseban")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints("paseban")
    return pm
