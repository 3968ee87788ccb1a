"""``parcours measure``: the workspace's journeys measured on its data, drawn again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from parcours.cli.options import settings_options
from parcours.data.workspace import Workspace
from parcours.insight import measure_workspace, trend_workspace
from parcours.refresh import MeasuredMap, draw_measured


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--journey", "-j", "journeys", multiple=True, help="Journey file stem (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the views.")
@click.option(
    "--by",
    type=click.Choice(["week", "month"]),
    help="Print each KPI per cohort of customers (by first event) instead of drawing the map.",
)
@click.option(
    "--voice",
    type=click.Choice(["fast", "accurate", "lexicon", "none"]),
    default="fast",
    show_default=True,
    help="Read the measured emotion and themes from feedback texts with this tier "
    "(none: from ratings only).",
)
@click.option(
    "--segment",
    multiple=True,
    metavar="ATTRIBUTE=VALUE",
    help="Only customers whose attribute has this value, e.g. persona=lea (repeatable).",
)
@settings_options
def measure(
    workspace: Path,
    journeys: tuple[str, ...],
    fmt: str,
    lang: str | None,
    by: str | None,
    voice: str,
    segment: tuple[str, ...],
    overrides: dict[str, Any],
) -> None:
    """Measure the journeys of WORKSPACE (default: here) on its ingested data; write each
    measured map to WORKSPACE/views/NAME/measured-VIEW.html and print the KPIs."""
    space = Workspace.open(workspace, **overrides)
    chosen = _segment(segment)
    if by is not None:
        trends = trend_workspace(space, journeys or None, every=by, segment=chosen)  # type: ignore[arg-type]
        for name, trend in trends.items():
            if fmt == "json":
                click.echo(json.dumps({name: trend.to_dict()}, ensure_ascii=False))
                continue
            frame = trend.to_frame()
            click.echo(f"{name}: KPI per {by} cohort")
            if not frame.empty:
                table = frame.pivot_table(index="kpi", columns="period", values="value")
                click.echo(table.round(2).to_string())
        return
    tier = None if voice == "none" else voice
    if fmt == "json":
        results = measure_workspace(space, journeys or None, segment=chosen, voice=tier)  # type: ignore[arg-type]
        click.echo(json.dumps({k: v.to_dict() for k, v in results.items()}, ensure_ascii=False))
        return
    drawn = draw_measured(space, journeys or None, segment=chosen, voice=tier, lang=lang)  # type: ignore[arg-type]
    for name, measured_map in drawn.items():
        echo_measured(name, measured_map)


def echo_measured(name: str, drawn: MeasuredMap) -> None:
    """Where the measured map of ``name`` is, what its events missed, and its KPIs."""
    result = drawn.measured
    coverage = result.coverage
    click.echo(f"{name}: {drawn.view} ({coverage.share:.0%} of events bound)")
    if coverage.unmatched:
        top = ", ".join(f"{event} ({n:,})" for event, n in list(coverage.unmatched.items())[:5])
        click.echo(f"  events no stage or touchpoint matches: {top}")
    if coverage.silent_touchpoints:
        click.echo(f"  touchpoints that see no event: {', '.join(coverage.silent_touchpoints)}")
    for kpi in result.kpis:
        if kpi.shown is not None:
            status = {True: "met", False: "MISSED", None: "no target"}[kpi.met]
            target = f" (target {kpi.kpi.target:g})" if kpi.kpi.target is not None else ""
            click.echo(f"  {kpi.where} {kpi.kpi.id}: {kpi.shown:.4g}{target} {status}")


def _segment(pairs: tuple[str, ...]) -> dict[str, str]:
    segment = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: write ATTRIBUTE=VALUE", param_hint="--segment")
        segment[key.strip()] = value.strip()
    return segment


COMMANDS = [measure]
