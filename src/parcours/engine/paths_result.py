"""What :func:`parcours.engine.paths` returns: directly-follows graph, start and end activities,
variants, case durations, loops.

Process-mining vocabulary: a *case* is a customer, an *activity* an event name. Two events
directly follow each other when they are consecutive in the customer's events ordered by
(timestamp, event_seq); self-loops count. A *variant* is a customer's sequence of events; the
case duration is last minus first event time. Durations are in seconds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Edge:
    """``source`` directly followed by ``target``: how often, and the time between them."""

    source: str
    target: str
    count: int
    mean_s: float
    median_s: float


@dataclass(frozen=True)
class Variant:
    """One distinct sequence of activities, with the number and share of cases following it."""

    activities: tuple[str, ...]
    count: int
    share: float


@dataclass(frozen=True)
class DurationStats:
    """Summary of durations in seconds; ``median`` is the middle case (the upper of the two
    middle ones for an even count, as pm4py reports it)."""

    n: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    p90: float | None


@dataclass(frozen=True)
class Repetition:
    """An activity done more than once by some cases: ``cases`` of them, ``extra`` times in all."""

    activity: str
    cases: int
    extra: int


@dataclass(frozen=True)
class PathsResult:
    """Directly-follows graph (with durations), variants and their summaries for one log."""

    cases: int
    events: int
    activities: dict[str, int]
    dfg: tuple[Edge, ...]
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    n_variants: int
    variants: tuple[Variant, ...]
    case_duration: DurationStats
    self_loops: dict[str, int]
    repetitions: tuple[Repetition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "events": self.events,
            "activities": self.activities,
            "dfg": [[e.source, e.target, e.count] for e in self.dfg],
            "performance_dfg": [[e.source, e.target, e.mean_s, e.median_s] for e in self.dfg],
            "start_activities": self.start_activities,
            "end_activities": self.end_activities,
            "n_variants": self.n_variants,
            "variants": [[list(v.activities), v.count] for v in self.variants],
            "case_duration_s": asdict(self.case_duration),
            "self_loops": self.self_loops,
            "repetitions": [asdict(r) for r in self.repetitions],
        }

    def to_frame(self) -> pd.DataFrame:
        """The directly-follows graph: one row per edge."""
        return pd.DataFrame([asdict(e) for e in self.dfg])

    def variants_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"variant": " > ".join(v.activities), "count": v.count, "share": v.share}]
            for v in self.variants
        )

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))
