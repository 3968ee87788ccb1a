"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney, over all
time or per calendar period (:func:`measure_series`) or first-event cohort (:func:`measure_trend`);
:func:`find_insights` ranks what the detectors find by cost (incidents and loops over calendar time,
failure drivers, segment gaps, moments of truth, map drift).
"""

from parcours.insight.findings import ChannelChange, Finding, Insights, Place
from parcours.insight.insights import JourneyStory, find_insights, journey_insights, journey_story
from parcours.insight.measure import KpiMeasure, MeasuredJourney, measure, measure_workspace
from parcours.insight.moments import MomentOfTruth
from parcours.insight.trend import (
    Timeline,
    Trend,
    measure_series,
    measure_trend,
    series_workspace,
    trend_workspace,
)

__all__ = [
    "ChannelChange",
    "Finding",
    "Insights",
    "JourneyStory",
    "KpiMeasure",
    "MeasuredJourney",
    "MomentOfTruth",
    "Place",
    "Timeline",
    "Trend",
    "find_insights",
    "journey_insights",
    "journey_story",
    "measure",
    "measure_series",
    "measure_trend",
    "measure_workspace",
    "series_workspace",
    "trend_workspace",
]
