"""``parcours measure``: the workspace's journeys measured on its data, drawn again."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from parcours.cli.options import settings_options
from parcours.data.workspace import Workspace
from parcours.engine.filter import parse_filter
from parcours.insight import (
    Timeline,
    Trend,
    measure_workspace,
    series_workspace,
    trend_workspace,
)
from parcours.refresh import MeasuredMap, draw_measured


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--journey", "-j", "journeys", multiple=True, help="Journey file stem (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the views.")
@click.option(
    "--every",
    type=click.Choice(["day", "week", "month"]),
    help="Calendar time: print every KPI per calendar day, week or month (what happened that "
    "week, whoever the customers were; an incident on known dates shows here).",
)
@click.option(
    "--by",
    type=click.Choice(["week", "month"]),
    help="Cohorts: print every KPI for the customers whose first event falls in each week or "
    "month, followed over their whole journey (how do March's newcomers convert?).",
)
@click.option(
    "--voice",
    type=click.Choice(["fast", "accurate", "lexicon", "none"]),
    default="fast",
    show_default=True,
    help="Read the measured emotion and themes from feedback texts with this tier "
    "(none: from ratings only).",
)
@click.option("--since", help="Only events, answers and orders from this date (UTC, YYYY-MM-DD).")
@click.option("--until", help="Only those before this date (UTC, exclusive).")
@click.option(
    "--where",
    "conditions",
    multiple=True,
    metavar="KEY=VALUE",
    help="Only events matching this condition: platform=mobile, amount>100, channel=web, "
    "event=pay* (OP one of = != > >= < <= ~; repeatable, all must hold).",
)
@click.option(
    "--segment",
    multiple=True,
    metavar="ATTRIBUTE=VALUE",
    help="Only customers whose attribute has this value, e.g. persona=lea, or who had an event "
    "with this property: event.platform=mobile (repeatable).",
)
@settings_options
def measure(
    workspace: Path,
    journeys: tuple[str, ...],
    fmt: str,
    lang: str | None,
    every: str | None,
    by: str | None,
    voice: str,
    since: str | None,
    until: str | None,
    conditions: tuple[str, ...],
    segment: tuple[str, ...],
    overrides: dict[str, Any],
) -> None:
    """Measure the journeys of WORKSPACE (default: here) on its ingested data; write each
    measured map to WORKSPACE/views/NAME/measured-VIEW.html and print the KPIs.

    With --every, print each KPI per calendar period instead; with --by, per cohort of
    customers by first event."""
    space = Workspace.open(workspace, **overrides)
    where = parse_filter(since, until, conditions, segment)
    if every is not None:
        timelines = series_workspace(space, journeys or None, every=every, where=where)  # type: ignore[arg-type]
        _echo_over_time(timelines, fmt, f"per calendar {every}", ("series", "start"))
        return
    if by is not None:
        trends = trend_workspace(space, journeys or None, every=by, where=where)  # type: ignore[arg-type]
        _echo_over_time(trends, fmt, f"KPI per {by} cohort", ("kpi", "period"))
        return
    tier = None if voice == "none" else voice
    if fmt == "json":
        results = measure_workspace(space, journeys or None, where=where, voice=tier)  # type: ignore[arg-type]
        click.echo(json.dumps({k: v.to_dict() for k, v in results.items()}, ensure_ascii=False))
        return
    drawn = draw_measured(space, journeys or None, where=where, voice=tier, lang=lang)  # type: ignore[arg-type]
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


def _echo_over_time(
    results: Mapping[str, Timeline | Trend], fmt: str, title: str, axes: tuple[str, str]
) -> None:
    """Each journey's measures over time: JSON, or a table of values (rows × periods)."""
    for name, result in results.items():
        if fmt == "json":
            click.echo(json.dumps({name: result.to_dict()}, ensure_ascii=False))
            continue
        frame = result.to_frame()
        click.echo(f"{name}: {title}")
        if not frame.empty:
            table = frame.pivot_table(index=axes[0], columns=axes[1], values="value")
            click.echo(table.round(3).to_string())


COMMANDS = [measure]
