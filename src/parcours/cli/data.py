"""Workspace data commands: ``parcours init-workspace`` makes one, ``parcours ingest`` imports its
declared sources, ``parcours quarantine`` shows the rows an import could not use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from parcours.cli.options import open_workspace, settings_options
from parcours.cli.present import table


@click.command("init-workspace")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME=PATH",
    help="Declare a source: events=data/events.csv (NAME events, customers, feedback or "
    "orders; PATH a file, glob or folder, from the workspace; repeatable).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing parcours.toml.")
def init_workspace(directory: Path, sources: tuple[str, ...], force: bool) -> None:
    """Make DIRECTORY (default: here) a workspace: parcours.toml and journeys/."""
    from parcours.data.workspace import create_workspace
    from parcours.errors import SettingsError

    declared: dict[str, dict[str, str]] = {}
    for item in sources:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise SettingsError(f"--source {item!r}: write NAME=PATH, e.g. events=data/events.csv")
        declared[name.strip()] = {"path": path.strip()}
    space = create_workspace(directory, sources=declared, overwrite=force)
    click.echo(f"wrote {space.root / 'parcours.toml'} and {space.settings.journeys_path}/")
    click.echo(
        "next: declare [sources.events] in parcours.toml, put a journey map in journeys/ "
        f"(parcours init {space.settings.journeys_path / 'journey.yaml'}), then parcours "
        f"ingest {directory}"
    )


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
    go to the quarantine table (see them with `parcours quarantine`), and the report reconciles
    read = loaded + quarantined.
    """
    report = open_workspace(workspace, overrides).ingest(sources or None, progress=progress)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(str(report))
        if report.quarantined:
            click.echo(f"See them: parcours quarantine {workspace}")


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False))
@click.option("--source", "-s", help="Only the rows of this declared source.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Show at most N rows (0: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@settings_options
def quarantine(
    workspace: str, source: str | None, limit: int, fmt: str, overrides: dict[str, Any]
) -> None:
    """The rows the imports of WORKSPACE (default: here) could not use: source, file, line,
    column, raw value and reason."""
    from parcours.csv_text import csv_text
    from parcours.data.quarantine import COLUMNS

    space = open_workspace(workspace, overrides)
    found = space.quarantine(source, limit=limit or None)
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    rows = [[getattr(row, name) for name in COLUMNS] for row in found.rows]
    if fmt == "csv":
        click.echo(csv_text(COLUMNS, rows), nl=False)
        return
    if not found.total:
        click.echo(f"No quarantined row{f' in source {source}' if source else ''}.")
        return
    root = space.root
    for row in rows:  # a file of the workspace by its path there, as parcours.toml names it
        path = Path(row[2])
        row[2] = str(path.relative_to(root)) if path.is_relative_to(root) else row[2]
    header = ("source", "kind", "file", "line", "column", "raw value", "reason")
    click.echo(table(header, [r[:7] for r in rows], right=(3,)))
    counts = ", ".join(f"{name} {n:,}" for name, n in found.by_source.items())
    more = f"; showing {len(found.rows):,} (--limit 0 for all)" if found.truncated else ""
    click.echo(f"{found.total:,} quarantined row(s) ({counts}){more}")


COMMANDS = [init_workspace, ingest, quarantine]
