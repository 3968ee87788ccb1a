"""The ``parcours`` command line: a thin skin over the library.

Each command parses its input, calls one library function and presents the result. Commands live
in topic modules (``journey``, ...) and are registered on :data:`main` below. Any
:class:`~parcours.errors.ParcoursError` becomes one clear message on stderr and exit status 1.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from parcours import __version__
from parcours.errors import JourneyFileError, JourneyValidationError, ParcoursError


class ParcoursGroup(click.Group):
    """A click group that turns our errors into one message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ParcoursError as error:
            # located problems print as FILE:LINE:COL: message lines, for editors and scripts
            located = isinstance(error, JourneyFileError | JourneyValidationError)
            click.echo(str(error) if located else f"Error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=ParcoursGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parcours")
def main() -> None:
    """parcours: customer-journey maps that are measured, not guessed."""


#: Topic modules of ``parcours.cli``; each exposes ``COMMANDS``, a list of click commands.
TOPICS: tuple[str, ...] = (
    "journey",
    "simulate",
    "render",
    "data",
    "measure",
    "refresh",
    "insights",
    "demo",
    "analyses",
    "voice",
    "users",
    "serve",
)


def _register() -> None:
    for topic in TOPICS:
        module = importlib.import_module(f"parcours.cli.{topic}")
        for command in module.COMMANDS:
            main.add_command(command)


_register()
