"""The map finds its own story: :func:`find_insights` runs the detectors over a workspace's
journeys and ranks what they find by cost (customers lost).

This slice holds one detector, incidents over calendar time (:mod:`parcours.insight.incidents`).
"""

from __future__ import annotations

from collections.abc import Iterable

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.filter import Filter
from parcours.engine.journey_kpis import Every
from parcours.insight.findings import Finding, Insights, rank
from parcours.insight.incidents import THRESHOLD
from parcours.insight.journey_incidents import journey_incidents
from parcours.insight.measure import each_journey
from parcours.insight.trend import laid_out, period_kpis
from parcours.model import Journey


def journey_insights(
    log: Backend,
    journey: Journey,
    *,
    every: Every = "day",
    where: Filter | None = None,
    threshold: float = THRESHOLD,
) -> list[Finding]:
    """The findings of ``journey`` on ``log`` (seen through ``where``), unranked."""
    with period_kpis(log, journey, every, where) as (kpis, starts):
        series = laid_out(kpis, journey, every, starts)
        return journey_incidents(kpis, journey, series, threshold=threshold)


def find_insights(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    every: Every = "day",
    where: Filter | None = None,
    threshold: float = THRESHOLD,
) -> Insights:
    """The findings of the journeys of ``workspace`` (all, or those named by file stem) on its
    data, for everything or what ``where`` keeps, most costly first."""
    found = each_journey(
        workspace,
        journeys,
        lambda log, journey: journey_insights(
            log, journey, every=every, where=where, threshold=threshold
        ),
    )
    return rank([finding for findings in found.values() for finding in findings])
