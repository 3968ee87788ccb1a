"""Paths: directly-follows graph, start and end activities, variants, case durations, loops.

Process-mining vocabulary: a *case* is a customer, an *activity* an event name (see
:mod:`parcours.engine.paths_result`). Each engine computes them its own way and gives the same
:class:`~parcours.engine.paths_result.PathsResult`.
"""

from __future__ import annotations

from parcours.engine.backend import Backend
from parcours.engine.paths_result import PathsResult


def paths(log: Backend, *, top_variants: int | None = 20) -> PathsResult:
    """Directly-follows graph, activities, variants (the ``top_variants`` most frequent; all
    with ``None``), case durations and loops of ``log``."""
    return log.paths(top_variants)
