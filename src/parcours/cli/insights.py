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
    """Find the stories in the journeys of WORKSPACE (default: here), most costly first:
    incidents over calendar time (a conversion drop, an abandonment surge, customers missing at
    a touchpoint) and loops (customers coming back to a place), each with its period and the
    channel that explains it; failure drivers (earlier events over-represented among the
    customers a stage loses); segment gaps (a persona, a channel... converting less); moments
    of truth (touchpoints whose bad experiences cost conversions, declared on the map or not);
    map drift (events no place claims, silent touchpoints, KPIs without data)."""
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
    lines = [_what_matters(found, lang)]
    for rank, finding in enumerate(found.findings, 1):
        place = (finding.where.stage or "—") + (
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
    declared = [m.touchpoint for m in found.moments if m.declared and not m.decisive]
    if declared:
        lines.append(
            "Moments de vérité déclarés que les données ne montrent pas décisifs : "
            if lang == "fr"
            else "Moments of truth the map declares that the data does not show as decisive: "
        )
        lines[-1] += ", ".join(declared)
    return "\n".join(lines)


def _what_matters(found: Insights, lang: str) -> str:
    """The headline: how many findings of each kind, and the customers they cost in all."""
    from parcours.cli.units import count, language

    kinds: dict[str, int] = {}
    for finding in found.findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    listed = ", ".join(f"{kind} {n}" for kind, n in kinds.items())
    cost = count(sum(f.cost for f in found.findings), language(lang))
    if lang == "fr":
        return f"Ce qui compte : {listed} ; environ {cost} clients perdus en tout."
    return f"What matters: {listed}; about {cost} customers lost in all."


COMMANDS = [insights]
