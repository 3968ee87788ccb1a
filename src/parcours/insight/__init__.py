"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney."""

from parcours.insight.measure import (
    Cohort,
    KpiMeasure,
    MeasuredJourney,
    Trend,
    measure,
    measure_trend,
    measure_workspace,
    trend_workspace,
)

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
