"""``parcours demo``: the measured journey maps of the bundled samples, in one folder."""

from __future__ import annotations

from pathlib import Path

import click

from parcours.cli.options import PROGRESS


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="demo")
@click.option("--customers", type=click.IntRange(min=1), help="Simulated customers (default 3000).")
@click.option("--force", is_flag=True, help="Write into DIRECTORY even if it holds files.")
@PROGRESS
def demo(directory: Path, customers: int | None, force: bool, progress: bool | None) -> None:
    """Write a demo workspace into DIRECTORY (default: demo): sample journeys, simulated data,
    every view. A folder that holds files is left alone unless --force."""
    from parcours.data.progress import working
    from parcours.demo import build_demo

    with working(f"writing the demo into {directory}", progress):
        built = build_demo(directory, customers=customers, overwrite=force)
    click.echo(built.summary())


COMMANDS = [demo]
