"""The plugin manager. Built-in features register through the same hooks a third party uses."""

from __future__ import annotations

import importlib

import pluggy

from paseban import hookspecs

DEFAULT_PLUGINS = (
    # connectors: one per platform (docs/connectors/)
    "paseban.connectors.meta",
    "paseban.connectors.whatsapp",
    "paseban.connectors.x",
    "paseban.connectors.youtube",
    "paseban.connectors.tiktok",
    "paseban.services.ingest.analysis",
    "paseban.services.content.publishing",  # content: scheduled posts, quiet accounts, reminders
    "paseban.services.content.publishing_media",  # content: what a post with media carries
    "paseban.services.cases.sweep",  # the SLA sweep job
    # connectors: polling, finishing waiting deliveries, sending the outbox
    "paseban.services.ingest.polling",
    "paseban.services.ingest.outbox",
    "paseban.services.ingest.retention",  # issue 16: raw deliveries pruned
    "paseban.services.measurement.recording",  # measurement: response facts, early warning, metrics
    "paseban.services.measurement.reports",  # measurement: weekly and monthly reports, on schedule
    "paseban.services.ingest.account_metrics",  # connectors: daily followers and post counts
    "paseban.services.people.notify",  # e-mail for early warning, reports, campaign reminders
    "paseban.services.people.onboarding_health",  # issue 19: tokens of connected accounts checked
    "paseban.services.people.notify_whatsapp",  # issue 19: officers told on WhatsApp
    "paseban.services.people.notify_digest",  # issue 19: the morning digest on WhatsApp
    "paseban.jobs.upkeep",  # issue 17: runs left `running` by a dead process are closed
)


def build_plugin_manager(*, load_entrypoints: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("paseban")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints("paseban")
    return pm
