"""Analyses over an event log: funnels, paths, attribution, retention, durations; journey
bindings and KPI statistics.

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
from parcours.engine.retention import (
    LifecyclePeriod,
    LifecycleResult,
    RetentionCell,
    RetentionResult,
    lifecycle,
    retention,
)
from parcours.engine.timing import (
    Bucket,
    StageTime,
    TimeStats,
    TimingResult,
    Transition,
    journey_timing,
    timing,
)

__all__ = [
    "AttributionResult",
    "Bucket",
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
    "LifecyclePeriod",
    "LifecycleResult",
    "Link",
    "PathsResult",
    "Repetition",
    "RetentionCell",
    "RetentionResult",
    "StageTime",
    "Step",
    "TimeStats",
    "TimingResult",
    "Transition",
    "Variant",
    "attribute",
    "flows",
    "funnel",
    "journey_timing",
    "lifecycle",
    "parse_duration",
    "paths",
    "paths_from_events",
    "read_paths",
    "retention",
    "timing",
]
