"""``parcours demo``: the measured journey maps of the bundled samples, in one folder."""

from __future__ import annotations

from pathlib import Path

import click

from parcours.demo import build_demo


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="demo")
@click.option("--customers", type=click.IntRange(min=1), help="Simulated customers (default 3000).")
def demo(directory: Path, customers: int | None) -> None:
    """Write a demo workspace into DIRECTORY: sample journeys, simulated data, every view."""
    click.echo(build_demo(directory, customers=customers).summary())


COMMANDS = [demo]
