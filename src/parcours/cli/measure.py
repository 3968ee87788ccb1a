"""``parcours measure``: the workspace's journeys measured on its data, drawn again."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parcours.data.workspace import Workspace
from parcours.insight import measure_workspace
from parcours.render import export


@click.command()
@click.argument("workspace", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--journey", "-j", "journeys", multiple=True, help="Journey file stem (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the views.")
def measure(workspace: Path, journeys: tuple[str, ...], fmt: str, lang: str | None) -> None:
    """Measure the journeys of WORKSPACE (default: here) on its ingested data; write each
    measured map to WORKSPACE/views/NAME/measured-VIEW.html and print the KPIs."""
    space = Workspace.open(workspace)
    results = measure_workspace(space, journeys or None)
    if fmt == "json":
        click.echo(json.dumps({k: v.to_dict() for k, v in results.items()}, ensure_ascii=False))
        return
    for name, result in results.items():
        folder = space.root / "views" / name
        folder.mkdir(parents=True, exist_ok=True)
        view = result.journey.layout.value
        path = export(
            result.journey, folder / f"measured-{view}.html", measures=result.measures, lang=lang
        )
        click.echo(f"{name}: {path} ({result.coverage.share:.0%} of events bound)")
        for kpi in result.kpis:
            if kpi.shown is not None:
                status = {True: "met", False: "MISSED", None: "no target"}[kpi.met]
                target = f" (target {kpi.kpi.target:g})" if kpi.kpi.target is not None else ""
                click.echo(f"  {kpi.where} {kpi.kpi.id}: {kpi.shown:.4g}{target} {status}")


COMMANDS = [measure]
