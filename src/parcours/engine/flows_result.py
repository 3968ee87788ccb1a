"""What :func:`parcours.engine.flows` returns: Sankey links around an anchor event.

For each customer, the anchor is their first event named ``event``. Positions count events from
the anchor (0) in (timestamp, event_seq) order: ``1, 2, ...`` after it, ``-1, -2, ...`` before.
A link joins the events at two consecutive positions; a path that stops early flows into
``(end)`` (after) or comes from ``(start)`` (before).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd

Direction = Literal["after", "before"]
END = "(end)"
START = "(start)"


@dataclass(frozen=True)
class Link:
    """``customers`` went from ``source`` at position ``depth`` to ``target`` at ``depth + 1``."""

    depth: int
    source: str
    target: str
    customers: int


@dataclass(frozen=True)
class FlowResult:
    """Sankey links around ``event``; ``customers`` is the number of customers with the anchor."""

    event: str
    direction: str
    customers: int
    links: tuple[Link, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "direction": self.direction,
            "customers": self.customers,
            "links": [[k.depth, k.source, k.target, k.customers] for k in self.links],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(k) for k in self.links])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))
