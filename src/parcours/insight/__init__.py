"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney, over all
time or per calendar period (:func:`measure_series`) or first-event cohort (:func:`measure_trend`);
:func:`find_insights` ranks what the detectors find (incidents over calendar time) by cost.
"""

from parcours.insight.findings import ChannelChange, Finding, Insights, Place
from parcours.insight.insights import find_insights, journey_insights
from parcours.insight.measure import KpiMeasure, MeasuredJourney, measure, measure_workspace
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
    "KpiMeasure",
    "MeasuredJourney",
    "Place",
    "Timeline",
    "Trend",
    "find_insights",
    "journey_insights",
    "measure",
    "measure_series",
    "measure_trend",
    "measure_workspace",
    "series_workspace",
    "trend_workspace",
]
