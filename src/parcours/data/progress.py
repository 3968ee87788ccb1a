"""Rich progress on standard error for long commands, shown on a terminal or when asked:
:func:`progress_bar` for imports (bytes read per input), :func:`counting` for items counted
(feedback rows, with the time left), :func:`working` for a step whose length is not known in
advance (measuring, finding insights)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from parcours.data.ingest import OnInput


def _shown(enabled: bool | None) -> bool:
    """``enabled``, or, when None, whether standard error is a terminal."""
    return sys.stderr.isatty() if enabled is None else enabled


def _bars(*counts: ProgressColumn) -> Progress:
    """Bars on standard error: the label, the bar, ``counts``, the time left."""
    columns = (TextColumn("{task.description}"), BarColumn(), *counts, TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True), transient=False)


@contextmanager
def progress_bar(enabled: bool | None = None) -> Iterator[OnInput | None]:
    """Yield an ``on_input`` callback drawing one bar per input, or None when disabled.

    ``enabled=None`` shows the bar only when standard error is a terminal.
    """
    if not _shown(enabled):
        yield None
        return
    with _bars(DownloadColumn()) as bar:

        def on_input(label: str) -> object:
            task = bar.add_task(label if len(label) < 50 else "…" + label[-49:], total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        yield on_input  # type: ignore[misc]


@contextmanager
def working(label: str, enabled: bool | None = None) -> Iterator[None]:
    """A spinner with ``label`` and the time elapsed, on standard error, while the block runs
    (``enabled=None``: only when standard error is a terminal); it is cleared at the end."""
    if not _shown(enabled):
        yield
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        bar.add_task(label, total=None)
        yield


#: ``on_progress(done, total)``: ``done`` items of ``total`` (None while unknown).
OnCount = Callable[[int, "int | None"], None]


@contextmanager
def counting(label: str, unit: str, enabled: bool | None = None) -> Iterator[OnCount | None]:
    """Yield ``on_progress(done, total)`` drawing a bar of ``done``/``total`` ``unit`` with
    the rate and the time left, on standard error (``enabled=None``: only on a terminal);
    None when disabled."""
    if not _shown(enabled):
        yield None
        return
    with _bars(MofNCompleteColumn(), TextColumn(unit), TaskProgressColumn()) as bar:
        task = bar.add_task(label, total=None)

        def on_progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield on_progress
