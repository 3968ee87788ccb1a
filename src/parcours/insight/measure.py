"""Measure a journey map from a workspace's data: the results laid onto the map.

``measure(connection, journey)`` binds the events to stages and touchpoints, runs the stage
funnel, reads feedback and orders, and returns a :class:`MeasuredJourney`: per stage, customers
entering, conversion to the next stage, drop-off, median time in the stage and the measured
emotion; per touchpoint, volume, customers, emotion and negative share; every KPI of the map
against its target. The map views draw ``MeasuredJourney.measures``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import duckdb
import pandas as pd

from parcours.data.workspace import Workspace
from parcours.engine import Step, funnel
from parcours.engine import kpis as stats
from parcours.engine.attribution import attribute
from parcours.engine.binding import Coverage, bind, compile_matcher, stage_predicate, unbind
from parcours.engine.eventlog import EventLog
from parcours.engine.funnel_result import FunnelResult
from parcours.engine.journeys import paths_from_events
from parcours.engine.markov import CONVERSION
from parcours.engine.spark.eventlog import SparkEventLog
from parcours.engine.sql import dialect_of
from parcours.engine.workspace_log import spark_event_log
from parcours.errors import EngineError
from parcours.insight.cohort import Cohort, cohort_views
from parcours.insight.scope import Scope
from parcours.insight.voice import heard
from parcours.model import KPI, Journey, KpiKind, load_journey
from parcours.model.measures import Measured, Measures
from parcours.model.vocabulary import Typology

Tier = Literal["accurate", "fast", "lexicon"]
#: How long a customer may take from the first stage to the last, by journey typology.
WINDOWS = {Typology.SIMPLE: "30d", Typology.COMPLEX: "90d", Typology.LONG: "365d"}
_TIME_UNITS = {"s": 1, "min": 60, "h": 3600, "j": 86400, "d": 86400, "days": 86400}
_RATES = {
    KpiKind.CONVERSION,
    KpiKind.ABANDONMENT,
    KpiKind.CLICK_THROUGH,
    KpiKind.RETENTION,
    KpiKind.CHURN,
    KpiKind.LOYALTY,
    KpiKind.RETURN_RATE,
    KpiKind.COMPLAINT_RATE,
    KpiKind.CSAT,
}


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
            "low": _in_unit(self.kpi, self.value.low),
            "high": _in_unit(self.kpi, self.value.high),
        }


@dataclass(frozen=True)
class MeasuredJourney:
    journey: Journey
    measures: Measures
    coverage: Coverage
    stage_funnel: FunnelResult
    kpis: tuple[KpiMeasure, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey.id,
            "period": self.measures.period,
            "stages": {k: _plain(v) for k, v in self.measures.stages.items()},
            "touchpoints": {k: _plain(v) for k, v in self.measures.touchpoints.items()},
            "kpis": [k.to_dict() for k in self.kpis],
            "coverage": self.coverage.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI of the map, with its target and whether it is met."""
        return pd.DataFrame([k.to_dict() for k in self.kpis])


def measure(
    connection: duckdb.DuckDBPyConnection,
    journey: Journey,
    *,
    window: str | None = None,
    cohort: Cohort | None = None,
    voice: Tier | None = None,
    events: SparkEventLog | None = None,
) -> MeasuredJourney:
    """Measure ``journey`` on the ``events`` (and, when present, ``feedback`` and ``orders``)
    tables of ``connection``, for every customer or for a ``cohort``. With a ``voice`` tier
    (``fast``, ``accurate``, ``lexicon``), the measured emotion, negative share, themes and
    verbatims come from the feedback texts; without it, from the ratings. ``events`` runs the
    analyses of the events on Spark instead: the same events as the ``events`` table, which
    still chooses the cohort's customers."""
    tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    names = {t: t for t in ("events", "feedback", "orders") if t in tables}
    if cohort is not None:
        names = cohort_views(connection, names, cohort)
    on_duckdb = EventLog(connection, names["events"])
    log: EventLog | SparkEventLog = on_duckdb
    if events is not None:  # the cohort's customers are chosen in DuckDB, their events on Spark
        chosen = on_duckdb.arrow("SELECT DISTINCT customer_id FROM {events}") if cohort else None
        log = events if chosen is None else events.of_customers(chosen)
    if cohort is not None and log.count() == 0:
        raise EngineError(f"no customer in the cohort {cohort}; check the segment values")
    dialect = dialect_of(log)
    log, coverage = bind(log, journey)
    stage_funnel = funnel(
        log,
        [
            Step("*", where=stage_predicate(journey, s.id, dialect), name=s.id)
            for s in journey.stages
        ],
        window=window or WINDOWS[journey.typology],
    )
    scope = Scope(connection, log, journey, names)
    credit = _attribution_shares(log, journey)
    heard_touchpoints, heard_stages = (
        heard(connection, names["feedback"], journey, voice)
        if voice and "feedback" in names
        else ({}, {})
    )
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
        stage_kpis = _measure_kpis(scope, f"stages.{stage.id}", stage.kpis, stage.id, None)
        measured_kpis += stage_kpis
        stages[stage.id] = _felt(
            scope,
            heard_stages.get(stage.id),
            [t.id for t in stage.touchpoints],
            Measured(
                customers=scope.customers(scope.at("stage", stage.id)),
                conversion=conversion,
                drop_off=None if conversion is None else 1 - conversion,
                median_seconds=scope.median_time(scope.at("stage", stage.id)),
                kpis=_shown(stage_kpis),
            ),
        )
        for touchpoint in stage.touchpoints:
            where = f"stages.{stage.id}.touchpoints.{touchpoint.id}"
            tp_kpis = _measure_kpis(scope, where, touchpoint.kpis, stage.id, touchpoint.id)
            measured_kpis += tp_kpis
            touchpoints[touchpoint.id] = _felt(
                scope,
                heard_touchpoints.get(touchpoint.id),
                [touchpoint.id],
                Measured(
                    customers=scope.customers(scope.at("touchpoint", touchpoint.id)),
                    volume=coverage.per_touchpoint.get(touchpoint.id, 0),
                    attribution_share=credit.get(touchpoint.id),
                    kpis=_shown(tp_kpis),
                ),
            )
    period = scope.period()
    unbind(log)
    return MeasuredJourney(
        journey,
        Measures(stages, touchpoints, period),
        coverage,
        stage_funnel,
        tuple(measured_kpis),
    )


_views = itertools.count()


def _attribution_shares(log: EventLog | SparkEventLog, journey: Journey) -> dict[str, float]:
    """Each touchpoint's share of the journey's conversions, by Markov removal effects (order
    1) over the touchpoints customers met before converting; empty without conversion events."""
    if journey.conversion is None:
        return {}
    converted = f"CASE WHEN {compile_matcher(journey.conversion, dialect_of(log))} THEN "
    converted += f"'{CONVERSION}' ELSE event END"
    relabelled: EventLog | SparkEventLog
    if isinstance(log, SparkEventLog):
        from pyspark.sql.functions import expr

        relabelled = SparkEventLog(log.frame.withColumn("event", expr(converted)))
    else:
        view = f"parcours_conversions_{next(_views)}"
        log.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * REPLACE ({converted} AS event) "
            "FROM {events}"
        ).fetchall()
        relabelled = EventLog(log.connection, view)
    try:
        paths = paths_from_events(relabelled, CONVERSION, channel="touchpoint")
    except EngineError:  # no touch before any conversion
        return {}
    finally:
        if isinstance(relabelled, EventLog):
            relabelled.execute(f"DROP VIEW {relabelled.source}").fetchall()
    if not paths.conversions.any():
        return {}
    credits = attribute(paths, "markov").channels
    total = sum(c.conversions for c in credits)
    return {c.channel: c.conversions / total for c in credits} if total else {}


def _felt(
    scope: Scope, voice: Measured | None, touchpoints: list[str], measured: Measured
) -> Measured:
    """``measured`` with its emotion: read from the feedback texts when there are any, else
    from the ratings of the answers at ``touchpoints``."""
    if voice is None:
        emotion, negative = scope.feedback_emotion(touchpoints)
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


def _in_unit(kpi: KPI, value: float | None) -> float | None:
    """A natural-scale value in the KPI's unit (``%`` for rates, ``min`` for times...)."""
    if value is None:
        return None
    unit = (kpi.unit or "").strip()
    if unit == "%" and kpi.kind in _RATES | {KpiKind.CUSTOM}:
        return 100 * value
    if kpi.kind in (KpiKind.WAITING_TIME, KpiKind.RESPONSE_TIME):
        return value / _TIME_UNITS.get(unit, 1)
    return value


def _shown(measured: list[KpiMeasure]) -> dict[str, float]:
    return {k.kpi.id: k.shown for k in measured if k.shown is not None}


def _plain(measured: Measured) -> dict[str, Any]:
    data = {k: v for k, v in measured.__dict__.items() if v is not None and k != "kpis"}
    return {**data, "kpis": dict(measured.kpis)}


def _measure_kpis(
    scope: Scope, where: str, kpis: tuple[KPI, ...], stage: str, touchpoint: str | None
) -> list[KpiMeasure]:
    measured = []
    for kpi in kpis:
        if kpi.kind in (KpiKind.NPS, KpiKind.CSAT, KpiKind.CES):
            value, basis = scope.survey(kpi, stage, touchpoint)
        else:
            value, basis = scope.kpi(kpi, stage, touchpoint), None
        measured.append(KpiMeasure(where, kpi, value, _in_unit(kpi, value.value), basis))
    return measured


def measure_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    segment: Mapping[str, str] | None = None,
    voice: Tier | None = None,
) -> dict[str, MeasuredJourney]:
    """Measure the journeys of ``workspace`` (all, or those named by file stem) on its data,
    the events on the workspace's engine."""
    cohort = Cohort(segment=segment) if segment else None
    events = spark_event_log(workspace)
    with workspace.connect(read_only=True) as connection:
        return {
            name: measure(
                connection,
                load_journey(path),
                cohort=cohort,
                voice=voice,
                events=events,
            )
            for name, path in workspace.journeys(journeys).items()
        }
