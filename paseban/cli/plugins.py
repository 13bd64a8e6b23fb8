"""`paseban plugins`: what is loaded and which hooks it answers."""

from __future__ import annotations

import click

from paseban.plugins import build_plugin_manager


@click.command()
def plugins() -> None:
    """Plugin yang terpasang dan hook yang mereka isi."""

    pm = build_plugin_manager()
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        click.echo(f"{name}: {', '.join(hooks)}")
