"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney."""

from parcours.insight.cohort import Cohort
from parcours.insight.measure import KpiMeasure, MeasuredJourney, measure, measure_workspace
from parcours.insight.trend import Trend, measure_trend, trend_workspace

__all__ = [
    "Cohort",
    "KpiMeasure",
    "MeasuredJourney",
    "Trend",
    "measure",
    "measure_trend",
    "measure_workspace",
    "trend_workspace",
]
