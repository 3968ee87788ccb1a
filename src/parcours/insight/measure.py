"""Measure a journey map from a workspace's data: the results laid onto the map.

``measure(connection, journey)`` binds the events to stages and touchpoints, runs the stage
funnel, reads feedback and orders, and returns a :class:`MeasuredJourney`: per stage, customers
entering, conversion to the next stage, drop-off, median time in the stage and the measured
emotion; per touchpoint, volume, customers, emotion and negative share; every KPI of the map
against its target. The map views draw ``MeasuredJourney.measures``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

import pandas as pd

from parcours.data.workspace import Workspace
from parcours.engine import kpis as stats
from parcours.engine.backend import Backend
from parcours.engine.binding import Coverage, bound
from parcours.engine.filter import Filter
from parcours.engine.funnel_result import FunnelResult
from parcours.engine.journey_kpis import SURVEYS, JourneyKpis, Period
from parcours.engine.workspace_tables import workspace_tables
from parcours.errors import EngineError
from parcours.insight.voice import Memo, heard
from parcours.model import KPI, Journey, KpiKind, load_journey
from parcours.model.lint import Finding, unseen_events
from parcours.model.measures import Measured, Measures
from parcours.model.vocabulary import RATE_KINDS, Typology

Tier = Literal["accurate", "fast", "lexicon"]
Result = TypeVar("Result")
#: How long a customer may take from the first stage to the last, by journey typology.
WINDOWS = {Typology.SIMPLE: "30d", Typology.COMPLEX: "90d", Typology.LONG: "365d"}
_TIME_UNITS = {"s": 1, "min": 60, "h": 3600, "j": 86400, "d": 86400, "days": 86400}


@dataclass(frozen=True)
class KpiMeasure:
    """One KPI of the map, measured where it sits."""

    where: str  # stages.<id> or stages.<id>.touchpoints.<id>
    kpi: KPI
    value: stats.KpiValue  # natural scale: rates 0..1, NPS −100..100, seconds
    shown: float | None  # in the KPI's own unit (``%``, ``min``...), comparable to its target
    basis: str | None = None  # surveys: transactional ("à chaud") or relational ("à froid")

    @property
    def met(self) -> bool | None:
        return None if self.shown is None else self.kpi.meets(self.shown)

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "kpi": self.kpi.id,
            "kind": self.kpi.kind.value,
            "value": self.shown,
            "unit": self.kpi.unit,
            "target": self.kpi.target,
            "met": self.met,
            "basis": self.basis,
            "n": self.value.n,
            "low": in_unit(self.kpi, self.value.low),
            "high": in_unit(self.kpi, self.value.high),
        }


@dataclass(frozen=True)
class MeasuredJourney:
    journey: Journey
    measures: Measures
    coverage: Coverage
    stage_funnel: FunnelResult
    kpis: tuple[KpiMeasure, ...]

    @property
    def warnings(self) -> list[Finding]:
        """The event names the bindings expect and the data never holds, with the closest
        names it does (:func:`~parcours.model.lint.unseen_events`)."""
        if not self.coverage.events:
            return []
        return unseen_events(self.journey, self.coverage.seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey.id,
            **self.measures.to_dict(),
            "kpis": [k.to_dict() for k in self.kpis],
            "coverage": self.coverage.to_dict(),
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI of the map, with its target and whether it is met."""
        return pd.DataFrame([k.to_dict() for k in self.kpis])


def measure(
    log: Backend,
    journey: Journey,
    *,
    window: str | None = None,
    where: Filter | None = None,
    voice: Tier | None = None,
    memo: Memo | None = None,
) -> MeasuredJourney:
    """Measure ``journey`` on the tables of ``log`` (its events and, when it holds them, its
    feedback and orders), for everything or for what the filter ``where`` keeps. With a
    ``voice`` tier (``fast``, ``accurate``, ``lexicon``), the measured emotion, negative share,
    themes and verbatims come from the feedback texts; without it, from the ratings. ``memo``
    keeps the texts analysed across measures of the same data
    (:func:`~parcours.insight.voice.heard`): one per segment reads each text once."""
    with (where or Filter()).seen(log) as scoped:
        if where and scoped.count() == 0:
            raise EngineError(
                f"no event is left by the filter ({where}); check the dates, conditions and "
                "segment values."
            )
        with bound(scoped, journey) as (tied, coverage), JourneyKpis(tied, journey) as kpis:
            return _laid_out(kpis, journey, coverage, window, voice, memo)


def _laid_out(
    kpis: JourneyKpis,
    journey: Journey,
    coverage: Coverage,
    window: str | None,
    voice: Tier | None,
    memo: Memo | None = None,
) -> MeasuredJourney:
    """The measures of every stage, touchpoint and KPI, laid onto the map."""
    stage_funnel = kpis.stage_funnel(window or WINDOWS[journey.typology])
    credit = kpis.attribution_shares()
    texts = kpis.feedback_texts() if voice else []
    heard_touchpoints, heard_stages = heard(texts, journey, voice, memo) if voice else ({}, {})
    stages: dict[str, Measured] = {}
    touchpoints: dict[str, Measured] = {}
    measured_kpis: list[KpiMeasure] = []
    for index, stage in enumerate(journey.stages):
        steps = stage_funnel.steps
        conversion = (
            steps[index + 1].customers / steps[index].customers
            if index + 1 < len(steps) and steps[index].customers
            else None
        )
        stage_kpis = measure_kpis(kpis, f"stages.{stage.id}", stage.kpis, stage.id, None)
        measured_kpis += stage_kpis
        stages[stage.id] = _felt(
            kpis,
            heard_stages.get(stage.id),
            [t.id for t in stage.touchpoints],
            Measured(
                customers=kpis.customers("stage", stage.id).get(None, 0),
                conversion=conversion,
                drop_off=None if conversion is None else 1 - conversion,
                median_seconds=kpis.median_time("stage", stage.id).get(None),
                kpis=_shown(stage_kpis),
            ),
        )
        for touchpoint in stage.touchpoints:
            where = f"stages.{stage.id}.touchpoints.{touchpoint.id}"
            tp_kpis = measure_kpis(kpis, where, touchpoint.kpis, stage.id, touchpoint.id)
            measured_kpis += tp_kpis
            touchpoints[touchpoint.id] = _felt(
                kpis,
                heard_touchpoints.get(touchpoint.id),
                [touchpoint.id],
                Measured(
                    customers=kpis.customers("touchpoint", touchpoint.id).get(None, 0),
                    volume=coverage.per_touchpoint.get(touchpoint.id, 0),
                    attribution_share=credit.get(touchpoint.id),
                    kpis=_shown(tp_kpis),
                ),
            )
    return MeasuredJourney(
        journey,
        Measures(stages, touchpoints, kpis.span()),
        coverage,
        stage_funnel,
        tuple(measured_kpis),
    )


def _felt(
    kpis: JourneyKpis, voice: Measured | None, touchpoints: list[str], measured: Measured
) -> Measured:
    """``measured`` with its emotion: read from the feedback texts when there are any, else
    from the ratings of the answers at ``touchpoints``."""
    if voice is None:
        emotion, negative = kpis.feedback_emotion(touchpoints).get(None, (None, None))
        return replace(measured, emotion=emotion, negative_share=negative)
    return replace(
        measured,
        emotion=voice.emotion,
        negative_share=voice.negative_share,
        feedback=voice.feedback,
        emotion_interval=voice.emotion_interval,
        themes=voice.themes,
        verbatims=voice.verbatims,
    )


def in_unit(kpi: KPI, value: float | None) -> float | None:
    """A natural-scale value in the KPI's unit (``%`` for rates, ``min`` for times...)."""
    if value is None:
        return None
    unit = (kpi.unit or "").strip()
    if unit == "%" and kpi.kind in RATE_KINDS | {KpiKind.CUSTOM}:
        return 100 * value
    if kpi.kind in (KpiKind.WAITING_TIME, KpiKind.RESPONSE_TIME):
        return value / _TIME_UNITS.get(unit, 1)
    return value


def _shown(measured: list[KpiMeasure]) -> dict[str, float]:
    return {k.kpi.id: k.shown for k in measured if k.shown is not None}


def measure_kpis(
    kpis: JourneyKpis, where: str, declared: tuple[KPI, ...], stage: str, touchpoint: str | None
) -> list[KpiMeasure]:
    """The KPIs ``declared`` at a place, over everything its queries see."""
    measured = []
    for kpi in declared:
        values, basis = kpi_values(kpis, kpi, stage, touchpoint)
        value = values.get(None, stats.EMPTY)
        measured.append(KpiMeasure(where, kpi, value, in_unit(kpi, value.value), basis))
    return measured


def kpi_values(
    kpis: JourneyKpis, kpi: KPI, stage: str, touchpoint: str | None
) -> tuple[dict[Period, stats.KpiValue], str | None]:
    """A KPI's value per period of ``kpis`` (one period, ``None``, when it has no ``every``)
    and its basis (surveys only)."""
    if kpi.kind in SURVEYS:
        return kpis.survey(kpi, stage, touchpoint)
    return kpis.kpi(kpi, stage, touchpoint), None


def measure_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    where: Filter | None = None,
    voice: Tier | None = None,
) -> dict[str, MeasuredJourney]:
    """Measure the journeys of ``workspace`` (all, or those named by file stem) on its data,
    on the workspace's engine, for everything or for what the filter ``where`` keeps."""
    return each_journey(
        workspace, journeys, lambda log, journey: measure(log, journey, where=where, voice=voice)
    )


def each_journey(
    workspace: Workspace,
    journeys: Iterable[str] | None,
    analyse: Callable[[Backend, Journey], Result],
) -> dict[str, Result]:
    """``analyse`` of each journey of ``workspace`` (all, or those named by file stem), on the
    workspace's tables on its engine."""
    files = workspace.journeys(journeys)
    with workspace_tables(workspace) as log:
        return {name: analyse(log, load_journey(path)) for name, path in files.items()}
