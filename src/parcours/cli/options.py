"""Options shared by the workspace commands: the settings flags, the last layer of Settings.

A command decorated with :func:`settings_options` receives them as one ``overrides`` mapping,
to pass unchanged to :meth:`Workspace.open <parcours.data.workspace.Workspace.open>`; an option
not given is None, and the settings keep what ``parcours.toml`` or ``PARCOURS_*`` say.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from parcours.settings import ENGINES

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option("--engine", type=click.Choice(ENGINES), help="Overrides `engine`."),
    click.option(
        "--database",
        type=click.Path(dir_okay=False, path_type=Path, resolve_path=True),
        help="Overrides `database` (a path from the current directory).",
    ),
    click.option("--memory-limit", help="Overrides `memory_limit` (DuckDB's cap, e.g. 8GB)."),
    click.option("--threads", type=click.IntRange(min=1), help="Overrides `threads` (DuckDB)."),
    click.option("--spark-master", help="Overrides `spark_master` (spark://... or sc://...)."),
)
#: The settings the flags above override, by parameter name.
SETTINGS_FLAGS = ("engine", "database", "memory_limit", "threads", "spark_master")


def settings_options(command: F) -> F:
    """Add the settings flags to ``command``, which receives them as ``overrides``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = {name: kwargs.pop(name) for name in SETTINGS_FLAGS}
        return command(*args, overrides=overrides, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]
