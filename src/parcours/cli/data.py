"""``parcours ingest``: import a workspace's declared sources and print the report."""

from __future__ import annotations

import json
from typing import Any

import click

from parcours.cli.options import settings_options
from parcours.data.workspace import Workspace


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False))
@click.option(
    "--source", "-s", "sources", multiple=True, help="Import only this source (repeatable)."
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@settings_options
def ingest(
    workspace: str,
    sources: tuple[str, ...],
    progress: bool | None,
    fmt: str,
    overrides: dict[str, Any],
) -> None:
    """Import the sources declared in WORKSPACE/parcours.toml (default: here).

    Each source is one transaction; files already imported are skipped. Rows that cannot be used
    go to the quarantine table, and the report reconciles read = loaded + quarantined.
    """
    report = Workspace.open(workspace, **overrides).ingest(sources or None, progress=progress)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(str(report))


COMMANDS = [ingest]
