"""``parcours demo``: the measured journey maps of the bundled samples, in one folder."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="demo")
@click.option("--customers", type=click.IntRange(min=1), help="Simulated customers (default 3000).")
@click.option("--force", is_flag=True, help="Write into DIRECTORY even if it holds files.")
def demo(directory: Path, customers: int | None, force: bool) -> None:
    """Write a demo workspace into DIRECTORY (default: demo): sample journeys, simulated data,
    every view. A folder that holds files is left alone unless --force."""
    from parcours.demo import build_demo

    click.echo(build_demo(directory, customers=customers, overwrite=force).summary())


COMMANDS = [demo]
