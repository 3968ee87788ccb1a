"""A rich progress bar for long imports, shown on a terminal or when asked."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from parcours.data.ingest import OnInput


@contextmanager
def progress_bar(enabled: bool | None = None) -> Iterator[OnInput | None]:
    """Yield an ``on_input`` callback drawing one bar per input, or None when disabled.

    ``enabled=None`` shows the bar only when standard error is a terminal.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:

        def on_input(label: str) -> object:
            task = bar.add_task(label if len(label) < 50 else "…" + label[-49:], total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        yield on_input  # type: ignore[misc]
