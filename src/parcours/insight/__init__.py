"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney."""

from parcours.insight.measure import KpiMeasure, MeasuredJourney, measure, measure_workspace

__all__ = ["KpiMeasure", "MeasuredJourney", "measure", "measure_workspace"]
