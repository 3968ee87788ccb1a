"""Analyses over an event log: funnels, paths, attribution, retention, durations; journey
bindings and KPI statistics.

Each analysis is a function over a :class:`~parcours.engine.backend.Backend` (an
:class:`EventLog` on DuckDB, or a ``SparkEventLog`` from :mod:`parcours.engine.spark`) returning
a typed result with ``.to_frame()`` and ``.to_dict()``.
"""

from parcours.engine.attribution import AttributionResult, ChannelCredit, attribute
from parcours.engine.backend import Backend
from parcours.engine.conversion_paths import ConversionPaths, read_paths
from parcours.engine.duckdb import EventLog
from parcours.engine.durations import parse_duration
from parcours.engine.flows import flows
from parcours.engine.flows_result import FlowResult, Link
from parcours.engine.funnel import funnel
from parcours.engine.funnel_plan import Exclusion, Step
from parcours.engine.funnel_result import FunnelResult, FunnelSegment, FunnelStep
from parcours.engine.journeys import paths_from_events
from parcours.engine.paths import paths
from parcours.engine.paths_result import DurationStats, Edge, PathsResult, Repetition, Variant
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
    "Backend",
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
