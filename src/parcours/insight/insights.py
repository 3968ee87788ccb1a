"""The map finds its own story: :func:`find_insights` runs the detectors over a workspace's
journeys and ranks what they find by cost (customers lost):

* incidents over calendar time (:mod:`parcours.insight.incidents`);
* loops and rework over calendar time (:mod:`parcours.insight.loops`);
* failure drivers and segment gaps at each stage (:mod:`parcours.insight.drivers`);
* moments of truth from data, against those the map declares (:mod:`parcours.insight.moments`);
* map drift: unclaimed events, silent touchpoints, KPIs without data, a designed emotion far
  from the measured one (:mod:`parcours.insight.drift`).

One finding per story: a segment gap at a stage where an incident on the same segment is found
is told by the incident (listed in its ``related``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.filter import Filter
from parcours.engine.journey_kpis import Every
from parcours.engine.outcomes import Outcomes
from parcours.engine.returns import returns
from parcours.insight.drift import drift, emotion_answers
from parcours.insight.drivers import failure_drivers, segment_gaps
from parcours.insight.findings import Finding, Insights, rank
from parcours.insight.incidents import THRESHOLD
from parcours.insight.journey_incidents import journey_incidents
from parcours.insight.loops import loops
from parcours.insight.measure import each_journey
from parcours.insight.moments import MomentOfTruth, moments_of_truth
from parcours.insight.trend import covered_period_kpis, laid_out
from parcours.model import Journey


@dataclass(frozen=True)
class JourneyStory:
    """What the detectors found on one journey: findings (unranked) and its moments of truth."""

    findings: list[Finding]
    moments: list[MomentOfTruth]


def journey_story(
    log: Backend,
    journey: Journey,
    *,
    every: Every = "day",
    where: Filter | None = None,
    threshold: float = THRESHOLD,
) -> JourneyStory:
    """Every detector on ``journey`` over ``log`` (seen through ``where``)."""
    with covered_period_kpis(log, journey, every, where) as (kpis, starts, coverage):
        series = laid_out(kpis, journey, every, starts)
        incidents = journey_incidents(kpis, journey, series, threshold=threshold)
        looped = loops(journey, returns(kpis.log, every), every, starts, threshold=threshold)
        with Outcomes(kpis) as outcomes:
            totals = outcomes.totals()
            events = outcomes.by_earlier_event()
            segments = outcomes.by_channel() + outcomes.by_customer()
            rated = outcomes.rated()
        felt = emotion_answers(kpis, journey)
    drivers = failure_drivers(journey, totals, events)
    gaps = segment_gaps(journey, totals, segments)
    moments, judged = moments_of_truth(journey, rated)
    incidents, gaps = _told_by_incidents(incidents, gaps)
    drifted = drift(journey, coverage, series, felt)
    return JourneyStory(incidents + looped + drivers + gaps + moments + drifted, judged)


def journey_insights(
    log: Backend,
    journey: Journey,
    *,
    every: Every = "day",
    where: Filter | None = None,
    threshold: float = THRESHOLD,
) -> list[Finding]:
    """The findings of ``journey`` on ``log`` (seen through ``where``), unranked."""
    return journey_story(log, journey, every=every, where=where, threshold=threshold).findings


def _told_by_incidents(
    incidents: list[Finding], gaps: list[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """Segment gaps whose segment and stage are an incident's, listed in its ``related``."""
    kept = []
    hosts = list(incidents)
    for gap in gaps:
        host = next(
            (
                i
                for i, f in enumerate(hosts)
                if f.segment and gap.segment == f.segment and f.where.stage == gap.where.stage
            ),
            None,
        )
        if host is None:
            kept.append(gap)
            continue
        told = {"kind": gap.kind, "cost": round(gap.cost, 1), "segment": dict(gap.segment or {})}
        related = [*hosts[host].evidence.get("related", []), told]
        hosts[host] = replace(hosts[host], evidence={**hosts[host].evidence, "related": related})
    return hosts, kept


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
        lambda log, journey: journey_story(
            log, journey, every=every, where=where, threshold=threshold
        ),
    )
    stories = list(found.values())
    return rank(
        [f for story in stories for f in story.findings],
        [m for story in stories for m in story.moments],
    )
