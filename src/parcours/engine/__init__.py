"""Analyses over an event log: funnels, paths, attribution.

Each analysis is a function over an :class:`EventLog` returning a typed result with
``.to_frame()`` and ``.to_dict()``.
"""

from parcours.engine.durations import parse_duration
from parcours.engine.eventlog import EventLog
from parcours.engine.funnel import Exclusion, Step, funnel
from parcours.engine.funnel_result import FunnelResult, FunnelSegment, FunnelStep

__all__ = [
    "EventLog",
    "Exclusion",
    "FunnelResult",
    "FunnelSegment",
    "FunnelStep",
    "Step",
    "funnel",
    "parse_duration",
]
