"""``parcours simulate``: synthetic events, customers, feedback and orders for a journey."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("simulate")
@click.argument("journey", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), default="simulated"
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file: customers, start, days, seed, personas, planted effects.",
)
@click.option(
    "--events",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Event catalogue for globs in bindings (default: JOURNEY's NAME.events.txt).",
)
@click.option("--customers", type=click.IntRange(min=1), help="Overrides the config.")
@click.option("--seed", type=int, help="Overrides the config.")
def simulate_command(
    journey: Path,
    output: Path,
    config_path: Path | None,
    events: Path | None,
    customers: int | None,
    seed: int | None,
) -> None:
    """Write events, customers, feedback and orders (Parquet) for JOURNEY into OUTPUT."""
    from rich.progress import Progress

    from parcours.model import load_journey
    from parcours.model.catalogue import catalogue_beside, read_catalogue
    from parcours.simulate import SimulationConfig, load_config, simulate

    config = load_config(config_path) if config_path else SimulationConfig()
    events = events or catalogue_beside(journey)
    overrides = {"customers": customers, "seed": seed}
    config = config.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    with Progress(transient=True) as bar:
        task = bar.add_task("simulating customers", total=config.customers)
        result = simulate(
            load_journey(journey),
            output,
            config,
            catalogue=read_catalogue(events) if events else (),
            progress=lambda done, _: bar.update(task, completed=done),
        )
    for name, rows in result.rows.items():
        click.echo(f"{result.paths[name]}: {rows:,} rows")


COMMANDS = [simulate_command]
