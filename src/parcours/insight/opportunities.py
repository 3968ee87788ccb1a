"""Opportunities ranked on the Eisenhower matrix from measures, with the reason shown.

Two kinds are ranked together: each opportunity the map declares (its place: the stages and
touchpoints of the pain points it addresses) and one opportunity per story the detectors found
(its place: the finding's; its id the proposed pain point's, :func:`proposal_id`).

- **Cost** (customers lost): for a finding, its cost; for a declared opportunity, the sum over
  the stages it addresses of the customers who entered the stage times its drop-off.
- **Importance** (1-5): ``1 + round(4 x cost / the largest cost ranked)``, plus one per KPI of
  its place missing its target (the KPI gap), at most 5.
- **Urgency** (1-5) from recency: the days from the end of the most recent dated finding
  (incident, loop) at its place to the end of the data: 5 within :data:`RECENT`\\[0] days, 4
  within [1], 3 within [2], else 2; with no dated finding, 3 while a KPI of its place misses its
  target, else 1. Then from the trend: one more (at most 5) when a measure of its place worsens
  over the calendar series (:mod:`parcours.insight.worsening`: its conversion or a KPI of the
  stage or its touchpoints, the last weeks against those before), the worst one in the reason.

A ranked opportunity is important (urgent) from :data:`~parcours.model.journey.
EISENHOWER_THRESHOLD` (3) up, as a declared one is: ``do``, ``plan``, ``delegate``, ``drop``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.insight.findings import Finding, Insights
from parcours.insight.measure import MeasuredJourney
from parcours.insight.pain_points import proposal_id
from parcours.insight.worsening import Worsening, worsening
from parcours.model import Journey
from parcours.model.journey import EISENHOWER_THRESHOLD
from parcours.model.measures import Measures
from parcours.model.text import localize
from parcours.model.vocabulary import Quadrant

if TYPE_CHECKING:
    from parcours.engine.series import Series

#: Days since a finding ended under which its opportunity has urgency 5, 4, 3.
RECENT = (7, 30, 90)


@dataclass(frozen=True)
class RankedOpportunity:
    """An opportunity with importance and urgency measured, and why."""

    id: str
    title: Mapping[str, str]  # {"fr": .., "en": ..}
    origin: str  # "designed" (on the map) or "finding" (found in the data)
    stages: tuple[str, ...]
    importance: int
    urgency: int
    cost: float  # customers lost at its place
    kpis_missed: int
    recency_days: int | None  # from its most recent dated finding's end to the data's end
    reason: Mapping[str, str]
    findings: tuple[str, ...] = field(default=())  # ids of the findings behind it
    trend: tuple[Mapping[str, Any], ...] = field(default=())  # measures worsening at its place

    @property
    def quadrant(self) -> Quadrant:
        important = self.importance >= EISENHOWER_THRESHOLD
        urgent = self.urgency >= EISENHOWER_THRESHOLD
        if important:
            return Quadrant.DO if urgent else Quadrant.PLAN
        return Quadrant.DELEGATE if urgent else Quadrant.DROP

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": dict(self.title),
            "origin": self.origin,
            "stages": list(self.stages),
            "importance": self.importance,
            "urgency": self.urgency,
            "quadrant": self.quadrant.value,
            "cost": round(self.cost, 1),
            "kpis_missed": self.kpis_missed,
            "recency_days": self.recency_days,
            "reason": dict(self.reason),
            "findings": list(self.findings),
            "trend": [dict(t) for t in self.trend],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankedOpportunity:
        return cls(
            id=data["id"],
            title=dict(data["title"]),
            origin=data["origin"],
            stages=tuple(data.get("stages", ())),
            importance=int(data["importance"]),
            urgency=int(data["urgency"]),
            cost=float(data["cost"]),
            kpis_missed=int(data.get("kpis_missed", 0)),
            recency_days=data.get("recency_days"),
            reason=dict(data.get("reason", {})),
            findings=tuple(data.get("findings", ())),
            trend=tuple(data.get("trend", ())),
        )


@dataclass(frozen=True)
class RankedOpportunities:
    """Opportunities, most important first (then most urgent, then costliest)."""

    items: tuple[RankedOpportunity, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"opportunities": [o.to_dict() for o in self.items]}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([o.to_dict() for o in self.items])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


@dataclass
class _Place:
    cost: float
    stages: tuple[str, ...]
    missed: int
    recency: int | None
    findings: tuple[str, ...]
    worse: tuple[Worsening, ...] = ()


def rank_opportunities(
    journey: Journey,
    measures: Measures,
    *,
    findings: Iterable[Finding] = (),
    kpis: Sequence[Mapping[str, Any]] = (),
    as_of: date | None = None,
    series: Iterable[Series] = (),
) -> RankedOpportunities:
    """The declared opportunities of ``journey`` and one per finding (drift left out), ranked
    as the module's docstring says; ``kpis`` are the measured KPIs' JSON forms (``where``,
    ``met``); ``as_of`` the data's last day (default: the latest finding's end); ``series``
    the map's measures per calendar period (:func:`~parcours.insight.trend.measure_series`),
    whose worsening trends raise urgency."""
    worse = worsening(journey, series)
    stories = [f for f in findings if f.kind != "drift" and f.where.stage]
    ends = [f.end for f in stories if f.end is not None]
    last = as_of or (max(ends) if ends else None)
    missed: dict[str, int] = {}
    for kpi in kpis:
        parts = str(kpi.get("where", "")).split(".")
        if kpi.get("met") is False and len(parts) >= 2:
            missed[parts[1]] = missed.get(parts[1], 0) + 1

    def recency(at: Iterable[str]) -> tuple[int | None, tuple[str, ...]]:
        here = [f for f in stories if f.where.stage in set(at)]
        dated = [f.end for f in here if f.end is not None]
        days = None if last is None or not dated else max(0, (last - max(dated)).days)
        return days, tuple(proposal_id(f) for f in here)

    places: dict[str, tuple[Mapping[str, str], str, _Place]] = {}
    stage_of = {p.id: s.id for s, p in journey.pain_points()}
    for opportunity in journey.opportunities:
        stages = tuple(dict.fromkeys(stage_of[p] for p in opportunity.addresses))
        cost = sum(_lost(measures, s) for s in stages)
        days, behind = recency(stages)
        title = {lang: localize(opportunity.title, lang) for lang in ("fr", "en")}
        found = (w for s in stages for w in worse.get(s, ()))
        trend = tuple(sorted(found, key=lambda w: -w.relative))
        place = _Place(cost, stages, sum(missed.get(s, 0) for s in stages), days, behind, trend)
        places[opportunity.id] = (title, "designed", place)
    for finding in stories:
        assert finding.where.stage is not None
        stage = finding.where.stage
        days = None
        if finding.end is not None and last is not None:
            days = max(0, (last - finding.end).days)
        title = {lang: finding.summary.get(lang, "") for lang in ("fr", "en")}
        place = _Place(
            finding.cost,
            (stage,),
            missed.get(stage, 0),
            days,
            (proposal_id(finding),),
            tuple(worse.get(stage, ())),
        )
        places[proposal_id(finding)] = (title, "finding", place)
    largest = max((p.cost for _, _, p in places.values()), default=0.0)
    ranked = [
        _ranked(journey, key, title, origin, place, largest)
        for key, (title, origin, place) in places.items()
    ]
    ranked.sort(key=lambda o: (-o.importance, -o.urgency, -o.cost, o.id))
    return RankedOpportunities(tuple(ranked))


def rank_measured(
    measured: MeasuredJourney, insights: Insights, series: Iterable[Series] = ()
) -> RankedOpportunities:
    """:func:`rank_opportunities` for a measured journey, the findings of its data and its
    calendar series, as of the last day of the measured period."""
    return rank_opportunities(
        measured.journey,
        measured.measures,
        findings=insights.findings,
        kpis=[k.to_dict() for k in measured.kpis],
        as_of=last_day(measured.measures.period),
        series=series,
    )


def last_day(period: str | None) -> date | None:
    """The last day of a measured period written ``START → END`` (None when unknown)."""
    try:
        return date.fromisoformat((period or "").split("→")[-1].strip()[:10])
    except ValueError:
        return None


def _lost(measures: Measures, stage: str) -> float:
    measured = measures.stage(stage)
    if measured.customers is None or measured.drop_off is None:
        return 0.0
    return measured.customers * measured.drop_off


def _ranked(
    journey: Journey,
    key: str,
    title: Mapping[str, str],
    origin: str,
    place: _Place,
    largest: float,
) -> RankedOpportunity:
    base = 1 + round(4 * place.cost / largest) if largest > 0 else 1
    importance = min(5, base + place.missed)
    if place.recency is not None:
        urgency = next((5 - i for i, days in enumerate(RECENT) if place.recency <= days), 2)
    else:
        urgency = 3 if place.missed else 1
    if place.worse:
        urgency = min(5, urgency + 1)
    when = {
        "en": "no dated incident"
        if place.recency is None
        else f"last seen {place.recency} d before the end of the data",
        "fr": "aucun incident daté"
        if place.recency is None
        else f"vu pour la dernière fois {place.recency} j avant la fin des données",
    }
    reason = {
        "en": f"{place.cost:.0f} customers lost, {place.missed} KPI(s) missing their target, "
        f"{when['en']}",
        "fr": f"{place.cost:.0f} clients perdus, {place.missed} KPI manquant leur cible, "
        f"{when['fr']}",
    }
    if place.worse:
        reason["en"] += f", worsening: {place.worse[0].text(journey, 'en')}"
        reason["fr"] += f", en dégradation : {place.worse[0].text(journey, 'fr')}"
    return RankedOpportunity(
        id=key,
        title=title,
        origin=origin,
        stages=place.stages,
        importance=importance,
        urgency=urgency,
        cost=place.cost,
        kpis_missed=place.missed,
        recency_days=place.recency,
        reason=reason,
        findings=place.findings,
        trend=tuple(w.to_dict() for w in place.worse),
    )
