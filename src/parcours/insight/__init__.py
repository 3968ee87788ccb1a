"""Engine and voice results laid onto the map: :func:`measure` gives a MeasuredJourney, over all
time or per calendar period (:func:`measure_series`) or first-event cohort (:func:`measure_trend`);
:func:`find_insights` ranks what the detectors find by cost (incidents and loops over calendar time,
failure drivers, segment gaps, moments of truth, map drift); :func:`segment_cards` writes a
persona card per segment, :func:`rank_opportunities` ranks opportunities on the Eisenhower matrix
from measures and :func:`compare_periods` sets a month against the one before.
"""

from parcours.insight.compare import Change, PeriodComparison, compare_periods, compare_workspace
from parcours.insight.findings import ChannelChange, Finding, Insights, Place
from parcours.insight.insights import JourneyStory, find_insights, journey_insights, journey_story
from parcours.insight.measure import KpiMeasure, MeasuredJourney, measure, measure_workspace
from parcours.insight.moments import MomentOfTruth
from parcours.insight.opportunities import (
    RankedOpportunities,
    RankedOpportunity,
    rank_opportunities,
)
from parcours.insight.personas import SegmentCard, SegmentCards, segment_cards
from parcours.insight.trend import (
    Timeline,
    Trend,
    measure_series,
    measure_trend,
    series_workspace,
    trend_workspace,
)

__all__ = [
    "Change",
    "ChannelChange",
    "Finding",
    "Insights",
    "JourneyStory",
    "KpiMeasure",
    "MeasuredJourney",
    "MomentOfTruth",
    "PeriodComparison",
    "Place",
    "RankedOpportunities",
    "RankedOpportunity",
    "SegmentCard",
    "SegmentCards",
    "Timeline",
    "Trend",
    "compare_periods",
    "compare_workspace",
    "find_insights",
    "journey_insights",
    "journey_story",
    "measure",
    "measure_series",
    "measure_trend",
    "measure_workspace",
    "rank_opportunities",
    "segment_cards",
    "series_workspace",
    "trend_workspace",
]
