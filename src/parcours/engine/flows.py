"""What customers do just after (or just before) an event: Sankey links around an anchor.

For each customer, the anchor is their first event named ``event``. Positions count events from
the anchor (0) in (timestamp, event_seq) order: ``1, 2, ...`` after it, ``-1, -2, ...`` before.
A link joins the events at two consecutive positions; a path that stops early flows into
``(end)`` (after) or comes from ``(start)`` (before).
"""

from __future__ import annotations

from parcours.engine.backend import Backend
from parcours.engine.flows_result import Direction, FlowResult
from parcours.errors import EngineError


def flows(
    log: Backend, event: str, *, steps: int = 3, direction: Direction = "after"
) -> FlowResult:
    """The ``steps`` events after (or before) each customer's first ``event``, as Sankey links."""
    if steps < 1:
        raise EngineError(f"steps must be at least 1; got {steps}.")
    if direction not in ("after", "before"):
        raise EngineError(f"unknown direction {direction!r}; use 'after' or 'before'.")
    return log.flows(event, steps, direction)
