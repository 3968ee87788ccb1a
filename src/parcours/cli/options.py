"""What the commands share: the settings flags, opening a workspace, choices read on first use.

A command decorated with :func:`settings_options` receives the settings flags as one
``overrides`` mapping, to pass unchanged to :func:`open_workspace`; an option not given is None,
and the settings keep what ``parcours.toml`` or ``PARCOURS_*`` say.

``parcours --help`` imports every command module, so these modules import the library inside
their commands, and a choice list that lives in a heavy module is a :class:`LazyChoice`, read
when the command runs or shows its own help (tests/cli/test_startup.py guards this).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from parcours.data.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
TOML_NAME = "parcours.toml"  # parcours.settings.TOML_NAME, without importing pydantic


class LazyChoice(click.Choice):
    """A click choice whose values are ``module:NAME`` (a sequence, or an enum whose values are
    taken), imported the first time they are needed."""

    def __init__(self, where: str, case_sensitive: bool = True) -> None:
        self._where = where
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            module, _, name = self._where.partition(":")
            found = getattr(importlib.import_module(module), name)
            self._choices = tuple(getattr(value, "value", value) for value in found)
        return self._choices

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        self._choices = tuple(value)


_OPTIONS = (
    click.option(
        "--engine", type=LazyChoice("parcours.settings:ENGINES"), help="Overrides `engine`."
    ),
    click.option(
        "--database",
        type=click.Path(dir_okay=False, path_type=Path, resolve_path=True),
        help="Overrides `database` (a path from the current directory).",
    ),
    click.option("--memory-limit", help="Overrides `memory_limit` (DuckDB's cap, e.g. 8GB)."),
    click.option("--threads", type=click.IntRange(min=1), help="Overrides `threads` (DuckDB)."),
    click.option("--spark-master", help="Overrides `spark_master` (spark://... or sc://...)."),
)
#: --progress/--no-progress, for the commands that can take more than a few seconds.
PROGRESS = click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on standard error (default: when it is a terminal).",
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


def open_workspace(path: str | Path, overrides: dict[str, Any] | None = None) -> Workspace:
    """The workspace at ``path`` for a command: a folder without ``parcours.toml`` (or no folder
    at all) is an error that says how to make one, and nothing is created there."""
    from parcours.data.workspace import Workspace
    from parcours.errors import SettingsError

    folder = Path(path)
    if not (folder / TOML_NAME).is_file():
        missing = "does not exist" if not folder.exists() else f"has no {TOML_NAME}"
        raise SettingsError(
            f"{folder}: not a parcours workspace ({missing}). Create one with `parcours "
            f"init-workspace {folder}` (then declare its sources in {TOML_NAME}), or try "
            "`parcours demo` for a ready-made one."
        )
    return Workspace.open(folder, **(overrides or {}))
