"""``parcours serve``: the workspace's living maps in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from parcours._optional import require
from parcours.cli.options import open_workspace, settings_options


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@settings_options
def serve(workspace: Path, host: str, port: int, overrides: dict[str, Any]) -> None:
    """Serve WORKSPACE's maps, KPI dashboards, versions and JSON API at http://HOST:PORT.

    On 127.0.0.1 (the default) a workspace without accounts opens without logging in; on any
    other address the workspace needs accounts (`parcours user add EMAIL --admin`)."""
    require("fastapi", extra="web", feature="parcours serve")
    from parcours.web.server import serve as run

    settings = open_workspace(workspace, overrides).settings
    click.echo(f"parcours: serving {settings.workspace} at http://{host}:{port}/ (Ctrl+C stops)")
    run(settings, host=host, port=port)


COMMANDS = [serve]
