"""``parcours refresh``: ingest what is new, then measure and draw every journey again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from parcours.cli.measure import echo_measured
from parcours.cli.options import open_workspace, settings_options


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the views.")
@click.option(
    "--voice",
    type=click.Choice(["fast", "accurate", "lexicon", "none"]),
    default="fast",
    show_default=True,
    help="Read the measured emotion and themes from feedback texts with this tier "
    "(none: from ratings only).",
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@settings_options
def refresh(
    workspace: Path,
    fmt: str,
    lang: str | None,
    voice: str,
    progress: bool | None,
    overrides: dict[str, Any],
) -> None:
    """Bring WORKSPACE (default: here) up to date: import what is new in its sources (as
    `parcours ingest`), segment its customers again when it was segmented (as `parcours
    segment` was last asked there), then measure every journey and write its measured map (as
    `parcours measure`) to WORKSPACE/views/NAME/measured-VIEW.html."""
    from parcours.refresh import SEGMENTS_DONE, refresh_workspace

    space = open_workspace(workspace, overrides)
    tier = None if voice == "none" else voice
    report = refresh_workspace(space, voice=tier, lang=lang, progress=progress)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    click.echo(str(report.ingest))
    if report.segments is not None:
        click.echo(SEGMENTS_DONE[report.segments])
    for name, drawn in report.journeys.items():
        echo_measured(name, drawn, lang)
    if not report.journeys:
        folder = space.settings.journeys_path
        click.echo(
            f"no journey to measure in {folder}: put a journey map there (parcours init "
            f"{folder / 'journey.yaml'}), with the events of each stage under match:"
        )


COMMANDS = [refresh]
