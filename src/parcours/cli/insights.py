"""``parcours insights``: what the workspace's maps find in their own data, ranked by cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from parcours.cli.options import PROGRESS, open_workspace, settings_options

if TYPE_CHECKING:
    from parcours.insight import Insights


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--journey", "-j", "journeys", multiple=True, help="Journey file stem (repeatable).")
@click.option("--since", help="Only events, answers and orders from this date (UTC, YYYY-MM-DD).")
@click.option("--until", help="Only those before this date (UTC, exclusive).")
@click.option(
    "--every",
    type=click.Choice(["day", "week"]),
    default="day",
    show_default=True,
    help="The calendar period the measures are judged on.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True)
@PROGRESS
@settings_options
def insights(
    workspace: Path,
    journeys: tuple[str, ...],
    since: str | None,
    until: str | None,
    every: str,
    fmt: str,
    lang: str,
    progress: bool | None,
    overrides: dict[str, Any],
) -> None:
    """Find what changed in the journeys of WORKSPACE (default: here): incidents over calendar
    time (a conversion drop, an abandonment surge, customers missing at a touchpoint), each
    with its period, the channel that explains it and the customers it cost, most costly
    first."""
    from parcours.data.progress import working
    from parcours.engine.filter import parse_filter
    from parcours.insight import find_insights

    space = open_workspace(workspace, overrides)
    where = parse_filter(since, until)
    with working("finding insights", progress):
        found = find_insights(space, journeys or None, every=every, where=where)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        return
    click.echo(_text(found, lang))


def _text(found: Insights, lang: str) -> str:
    """A numbered list: cost, place, period and segment, then the summary."""
    from parcours.cli.units import count, language

    if not found.findings:
        return "Aucun constat." if lang == "fr" else "No finding."
    lost = "clients perdus" if lang == "fr" else "customers lost"
    lines = []
    for rank, finding in enumerate(found.findings, 1):
        place = finding.where.stage + (
            f" / {finding.where.touchpoint}" if finding.where.touchpoint else ""
        )
        period = f"{finding.start} → {finding.end}" if finding.start else ""
        segment = ", ".join(f"{k}={v}" for k, v in (finding.segment or {}).items())
        head = " · ".join(
            part
            for part in (
                f"{rank}. {finding.kind}",
                f"{count(finding.cost, language(lang))} {lost}",
                f"{finding.evidence.get('journey', '')}: {place}",
                period,
                segment,
            )
            if part
        )
        lines += [head, f"   {finding.summary.get(lang, '')}"]
    return "\n".join(lines)


COMMANDS = [insights]
