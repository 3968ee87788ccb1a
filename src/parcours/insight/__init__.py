"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney, over all
time or per calendar period (:func:`measure_series`) or first-event cohort (:func:`measure_trend`).
"""

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
    "KpiMeasure",
    "MeasuredJourney",
    "Timeline",
    "Trend",
    "measure",
    "measure_series",
    "measure_trend",
    "measure_workspace",
    "series_workspace",
    "trend_workspace",
]
