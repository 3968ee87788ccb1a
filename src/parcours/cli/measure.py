"""``parcours measure``: the workspace's journeys measured on its data, drawn again."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from parcours.cli.options import PROGRESS, LazyChoice, open_workspace, settings_options

if TYPE_CHECKING:
    from parcours.insight import Timeline, Trend
    from parcours.refresh import MeasuredMap


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--journey", "-j", "journeys", multiple=True, help="Journey file stem (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--lang", type=click.Choice(["fr", "en"]), help="Language of the views and the printed KPIs."
)
@click.option(
    "--view",
    type=LazyChoice("parcours.render.html:VIEWS"),
    help="The view of the measured map to write (default: the journey's layout).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the measured map of the one journey measured (-j NAME) to this file: .html, "
    ".svg, .png or .pdf (default: WORKSPACE/views/NAME/measured-VIEW.html).",
)
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
    "--compare",
    "compare_month",
    metavar="YYYY-MM",
    help="Print each stage's customers and conversion and each KPI for this month against "
    "the month before, with the change.",
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
    "--insights/--no-insights",
    default=True,
    show_default=True,
    help="Find the stories in the data (as parcours insights) to mark each finding on its "
    "place and open the map with what matters: the top findings, the KPIs missing their "
    "target, what changed since the last refresh (--no-insights: faster, the map alone).",
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
    metavar="ATTRIBUTE=VALUE|NAME",
    help="Only customers whose attribute has this value, e.g. persona=lea, or who had an event "
    "with this property: event.platform=mobile (repeatable); or, written as a bare NAME, the "
    "customers of one segment found by `parcours segment WORKSPACE` (c1, champions).",
)
@PROGRESS
@settings_options
def measure(
    workspace: Path,
    journeys: tuple[str, ...],
    fmt: str,
    lang: str | None,
    view: str | None,
    output: Path | None,
    every: str | None,
    by: str | None,
    compare_month: str | None,
    voice: str,
    insights: bool,
    since: str | None,
    until: str | None,
    conditions: tuple[str, ...],
    segment: tuple[str, ...],
    progress: bool | None,
    overrides: dict[str, Any],
) -> None:
    """Measure the journeys of WORKSPACE (default: here) on its ingested data; write each
    measured map to WORKSPACE/views/NAME/measured-VIEW.html and print the KPIs.

    With --every, print each KPI per calendar period instead; with --by, per cohort of
    customers by first event."""
    from parcours.data.progress import working
    from parcours.engine.filter import parse_filter
    from parcours.insight import measure_workspace, series_workspace, trend_workspace
    from parcours.refresh import draw_measured

    space = open_workspace(workspace, overrides)
    where = parse_filter(since, until, conditions, segment)
    chosen = journeys or None
    if every is not None:
        with working(f"measuring every {every}", progress):
            timelines = series_workspace(space, chosen, every=every, where=where)  # type: ignore[arg-type]
        _echo_over_time(timelines, fmt, f"per calendar {every}", ("series", "start"), lang)
        return
    if compare_month is not None:
        from parcours.insight.compare import compare_workspace

        with working(f"comparing {compare_month} with the month before", progress):
            compared = compare_workspace(space, chosen, compare_month, where=where)
        _echo_compared(compared, fmt)
        return
    if by is not None:
        with working(f"measuring each {by}'s cohort", progress):
            trends = trend_workspace(space, chosen, every=by, where=where)  # type: ignore[arg-type]
        _echo_over_time(trends, fmt, f"KPI per {by} cohort", ("kpi", "period"), lang)
        return
    tier = None if voice == "none" else voice
    if fmt == "json" and view is None and output is None:
        with working("measuring", progress):
            results = measure_workspace(space, chosen, where=where, voice=tier)  # type: ignore[arg-type]
        click.echo(json.dumps({k: v.to_dict() for k, v in results.items()}, ensure_ascii=False))
        return
    with working("measuring and drawing", progress):
        drawn = draw_measured(
            space,
            chosen,
            where=where,
            voice=tier,  # type: ignore[arg-type]
            lang=lang,
            view=view,  # type: ignore[arg-type]
            output=output,
            insights=insights,
        )
    if fmt == "json":
        click.echo(json.dumps({k: v.to_dict() for k, v in drawn.items()}, ensure_ascii=False))
        return
    for name, measured_map in drawn.items():
        echo_measured(name, measured_map, lang)
    if not drawn:
        folder = space.settings.journeys_path
        click.echo(
            f"no journey to measure in {folder}: put a journey map there (parcours init "
            f"{folder / 'journey.yaml'}), with the events of each stage under match:"
        )


def echo_measured(name: str, drawn: MeasuredMap, lang: str | None = None) -> None:
    """Where the measured map of ``name`` is, what its events missed, and every KPI in human
    units (in ``lang``, default the journey's), those without a value said so, with why."""
    from parcours.cli import units

    result = drawn.measured
    language = units.language(lang, result)
    said = units.words(language)
    coverage = result.coverage
    share = units.natural(coverage.share, "conversion", language)
    click.echo(f"{name}: {drawn.view} ({share} {said['bound']})")
    if coverage.unmatched:
        top = ", ".join(
            f"{event} ({units.count(n, language)})"
            for event, n in list(coverage.unmatched.items())[:5]
        )
        click.echo(f"  {said['unmatched']}: {top}")
    if coverage.silent_touchpoints:
        click.echo(f"  {said['silent']}: {', '.join(coverage.silent_touchpoints)}")
    for kpi in result.kpis:
        click.echo(f"  {units.kpi_line(kpi, language)}")
    for warning in result.warnings:
        click.echo(f"{name}: warning: {warning.where}: {warning.message}", err=True)


def _echo_compared(results: Mapping[str, Any], fmt: str) -> None:
    """Each journey's month against the month before: JSON, or a table."""
    from parcours.cli.present import table

    for name, result in results.items():
        if fmt == "json":
            click.echo(json.dumps({name: result.to_dict()}, ensure_ascii=False))
            continue
        click.echo(f"{name}: {result.period} against {result.previous}")
        rows = [
            [c.where, c.measure, _num(c.before), _num(c.after), _num(c.change)]
            for c in result.changes
        ]
        headers = ("where", "measure", result.previous, result.period, "change")
        click.echo(table(headers, rows, right=range(2, 5)))


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def _echo_over_time(
    results: Mapping[str, Timeline | Trend],
    fmt: str,
    title: str,
    axes: tuple[str, str],
    lang: str | None,
) -> None:
    """Each journey's measures over time: JSON, or a table of values in human units (rows ×
    periods)."""
    from parcours.cli import units
    from parcours.cli.present import table
    from parcours.render import fmt as formats

    for name, result in results.items():
        if fmt == "json":
            click.echo(json.dumps({name: result.to_dict()}, ensure_ascii=False))
            continue
        language = units.language(lang)
        frame = result.to_frame()
        click.echo(f"{name}: {title}")
        if frame.empty:
            continue
        columns = sorted({str(v) for v in frame[axes[1]]})
        cells: dict[str, dict[str, str]] = {}
        for row in frame.to_dict("records"):
            value = row.get("value")
            if value is not None and value != value:  # NaN: no value that period
                value = None
            if "unit" in row:  # a trend: the value in the KPI's unit
                unit = row.get("unit")
                text = "–" if value is None else formats.with_unit(round(value, 1), unit, language)
            else:  # a calendar series: the natural value of its kind
                text = units.natural(value, str(row["kind"]), language)
            cells.setdefault(str(row[axes[0]]), {})[str(row[axes[1]])] = text
        rows = [[key, *(by.get(c, "") for c in columns)] for key, by in cells.items()]
        click.echo(table((axes[0], *columns), rows, right=range(1, len(columns) + 1)))


COMMANDS = [measure]
