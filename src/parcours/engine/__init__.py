"""Analyses over an event log: funnels, paths, attribution.

Each analysis is a function over an :class:`EventLog` returning a typed result with
``.to_frame()`` and ``.to_dict()``.
"""

from parcours.engine.attribution import AttributionResult, ChannelCredit, attribute
from parcours.engine.durations import parse_duration
from parcours.engine.eventlog import EventLog
from parcours.engine.flows import FlowResult, Link, flows
from parcours.engine.funnel import Exclusion, Step, funnel
from parcours.engine.funnel_result import FunnelResult, FunnelSegment, FunnelStep
from parcours.engine.journeys import ConversionPaths, paths_from_events, read_paths
from parcours.engine.paths import DurationStats, Edge, PathsResult, Repetition, Variant, paths

__all__ = [
    "AttributionResult",
    "ChannelCredit",
    "ConversionPaths",
    "DurationStats",
    "Edge",
    "EventLog",
    "Exclusion",
    "FlowResult",
    "FunnelResult",
    "FunnelSegment",
    "FunnelStep",
    "Link",
    "PathsResult",
    "Repetition",
    "Step",
    "Variant",
    "attribute",
    "flows",
    "funnel",
    "parse_duration",
    "paths",
    "paths_from_events",
    "read_paths",
]
