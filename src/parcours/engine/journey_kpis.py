"""The measures of one bound journey's stages and touchpoints: customers, times, feedback and
KPIs, over all time or per calendar period, on the log's own engine.

A *place* is a stage or a touchpoint of the map; the log is bound (:func:`parcours.engine.binding.
bind`: its events carry ``stage`` and ``touchpoint``) and may hold ``feedback`` and ``orders``.
Every query groups its rows by period: ``every=None`` gives one group (key ``None``), ``day``,
``week`` (from Monday) or ``month`` give one group per calendar period, keyed by its first day.
Which time decides a row's period: an event's or an answer's own time for counts, feedback and
orders; a customer's first event at the place for the KPIs that follow a customer (conversion,
abandonment, click-through, retention, time in the place).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np

from parcours.engine import kpis as stats
from parcours.engine.attribution import attribute
from parcours.engine.backend import Backend
from parcours.engine.binding import compile_matcher, stage_predicate
from parcours.engine.dialect import json_text, literal, micros, quantile, quote
from parcours.engine.funnel import funnel
from parcours.engine.funnel_plan import Step
from parcours.engine.funnel_result import FunnelResult
from parcours.engine.journeys import paths_from_events
from parcours.engine.markov import CONVERSION
from parcours.errors import EngineError
from parcours.model import KPI, Journey, KpiKind

Every = Literal["day", "week", "month"]
Period = date | None
RETAINED_AFTER = timedelta(days=30)
NEGATIVE = -0.5  # measured emotion below this counts as negative feedback
SURVEYS = (KpiKind.NPS, KpiKind.CSAT, KpiKind.CES)
_SCORES: dict[KpiKind, Callable[[Any], stats.KpiValue]] = {
    KpiKind.NPS: stats.nps,
    KpiKind.CSAT: stats.csat,
    KpiKind.CES: stats.mean,
}


class JourneyKpis:
    """Queries over a bound journey's events (and its feedback and orders, when the log holds
    them), grouped by calendar period when ``every`` is given."""

    def __init__(self, log: Backend, journey: Journey, every: Every | None = None) -> None:
        self.log = log
        self.dialect = log.dialect
        self.journey = journey
        self.every = every
        self.stage_ids = [s.id for s in journey.stages]

    def at(self, column: str, value: str) -> str:
        """The condition ``column = value`` on the events, in the log's dialect."""
        return f"{column} = {literal(value, self.dialect)}"

    def place(self, stage: str, touchpoint: str | None) -> str:
        return self.at("touchpoint", touchpoint) if touchpoint else self.at("stage", stage)

    def _period(self, column: str) -> str:
        if self.every is None:
            return "CAST(NULL AS DATE)"
        return f"CAST(date_trunc('{self.every}', {column}) AS DATE)"

    def _grouped(self, sql: str, params: list[Any] | None = None) -> dict[Period, list[tuple]]:
        """The rows of ``sql`` (its first column the period) by period, the rest of each row."""
        out: dict[Period, list[tuple]] = {}
        for period, *rest in self.log.rows(sql, params or []):
            out.setdefault(_day(period), []).append(tuple(rest))
        return out

    def stage_funnel(self, window: str) -> FunnelResult:
        """The funnel of the journey's stages (any event of a stage fills its step)."""
        steps = [
            Step("*", where=stage_predicate(self.journey, s.id, self.dialect), name=s.id)
            for s in self.journey.stages
        ]
        return funnel(self.log, steps, window=window)

    def attribution_shares(self) -> dict[str, float]:
        """Each touchpoint's share of the journey's conversions, by Markov removal effects
        (order 1) over the touchpoints customers met before converting; empty without
        conversion events."""
        if self.journey.conversion is None:
            return {}
        converted = f"CASE WHEN {compile_matcher(self.journey.conversion, self.dialect)} THEN "
        converted += f"{literal(CONVERSION, self.dialect)} ELSE event END"
        others = ", ".join(quote(c, self.dialect) for c in self.log.columns() if c != "event")
        relabelled = self.log.view(f"SELECT {others}, {converted} AS event FROM {{events}}")
        try:
            paths = paths_from_events(relabelled, CONVERSION, channel="touchpoint")
        except EngineError:  # no touch before any conversion
            return {}
        finally:
            relabelled.release()
        if not paths.conversions.any():
            return {}
        credits = attribute(paths, "markov").channels
        total = sum(c.conversions for c in credits)
        return {c.channel: c.conversions / total for c in credits} if total else {}

    def feedback_texts(self) -> list[tuple[str | None, str]]:
        """Every feedback text with its touchpoint (None: about the whole journey)."""
        if not self.log.has_table("feedback") or "text" not in self.log.table_columns("feedback"):
            return []
        found = self.log.rows(
            "SELECT touchpoint, text FROM {feedback} WHERE text IS NOT NULL AND trim(text) <> ''"
        )
        return [(touchpoint, text) for touchpoint, text in found]

    def customers(self, condition: str) -> dict[Period, int]:
        """Distinct customers with an event matching ``condition``, by the event's period."""
        found = self._grouped(
            f"SELECT {self._period('timestamp')} AS p, count(DISTINCT customer_id) "
            f"FROM {{events}} WHERE {condition} GROUP BY 1"
        )
        return {p: int(rows[0][0]) for p, rows in found.items()}

    def median_time(self, condition: str) -> dict[Period, float | None]:
        """The median time customers spend at a place (their first to last event there)."""
        span = f"({micros('last', self.dialect)} - {micros('first', self.dialect)}) / 1e6"
        found = self._grouped(
            f"SELECT {self._period('first')} AS p, {quantile(self.dialect)}({span}, 0.5) "
            f"FROM (SELECT customer_id, min(timestamp) AS first, max(timestamp) AS last "
            f"FROM {{events}} WHERE {condition} GROUP BY customer_id) spans GROUP BY 1"
        )
        return {p: None if rows[0][0] is None else float(rows[0][0]) for p, rows in found.items()}

    def span(self) -> str | None:
        """The days the events cover, ``first → last``."""
        first, last = self.log.rows("SELECT min(timestamp), max(timestamp) FROM {events}")[0]
        return None if first is None else f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"

    def feedback_rows(
        self, touchpoints: list[str] | None, survey: str | None = None
    ) -> dict[Period, list[tuple[str, float]]]:
        """Rated answers at ``touchpoints`` (``None``: about the whole journey), by period."""
        if not self.log.has_table("feedback"):
            return {}
        where = ["rating IS NOT NULL"]
        if touchpoints is None:
            where.append("touchpoint IS NULL")
        elif touchpoints:
            listed = ", ".join(literal(t, self.dialect) for t in touchpoints)
            where.append(f"touchpoint IN ({listed})")
        else:
            return {}
        if survey:
            where.append(f"survey_type = {literal(survey, self.dialect)}")
        found = self._grouped(
            f"SELECT {self._period('timestamp')} AS p, survey_type, rating FROM {{feedback}} "
            f"WHERE {' AND '.join(where)}"
        )
        return {p: [(str(s), float(r)) for s, r in rows] for p, rows in found.items()}

    def feedback_emotion(
        self, touchpoints: list[str]
    ) -> dict[Period, tuple[float | None, float | None]]:
        """The mean emotion of the ratings at ``touchpoints`` and the share below
        :data:`NEGATIVE`, by period."""
        out: dict[Period, tuple[float | None, float | None]] = {}
        for p, rows in self.feedback_rows(touchpoints).items():
            emotions = np.array([stats.emotion_of_rating(s or "review", r) for s, r in rows])
            out[p] = float(emotions.mean()), float(np.mean(emotions < NEGATIVE))
        return out

    def survey(
        self, kpi: KPI, stage: str, touchpoint: str | None
    ) -> tuple[dict[Period, stats.KpiValue], str | None]:
        """An NPS, CSAT or CES KPI by period, and its basis: ``transactional`` ("à chaud") when
        it rests on answers linked to the place's touchpoints, else ``relational`` ("à froid"):
        answers on the whole journey, for a stage without answers of its own; None without
        answers."""
        places = [touchpoint] if touchpoint else self._touchpoints_of(stage)
        rows = self.feedback_rows(places, kpi.kind.value)
        if kpi.kind is KpiKind.CSAT and not rows:
            rows = self.feedback_rows(places, "review")
        basis = "transactional"
        if not rows and touchpoint is None:
            rows, basis = self.feedback_rows(None, kpi.kind.value), "relational"
        score = _SCORES[kpi.kind]
        return {p: score([r for _, r in found]) for p, found in rows.items()}, (
            basis if rows else None
        )

    def kpi(self, kpi: KPI, stage: str, touchpoint: str | None) -> dict[Period, stats.KpiValue]:
        """Any KPI kind but the surveys (custom KPIs are not measured), by period."""
        scope = self.place(stage, touchpoint)
        kind = kpi.kind
        if kind in (KpiKind.CONVERSION, KpiKind.ABANDONMENT):
            reached = self.reached_next(stage, scope)
            keep = kind is KpiKind.CONVERSION
            return {p: stats.share(flags if keep else ~flags) for p, flags in reached.items()}
        if kind is KpiKind.CLICK_THROUGH:
            if touchpoint is None:
                return {}
            found = self._grouped(
                f"SELECT {self._period('first')} AS p, touched FROM (SELECT customer_id, "
                f"min(timestamp) AS first, bool_or({self.at('touchpoint', touchpoint)}) AS "
                f"touched FROM {{events}} WHERE {self.at('stage', stage)} GROUP BY customer_id) q"
            )
            return {p: stats.share([bool(r[0]) for r in rows]) for p, rows in found.items()}
        if kind in (KpiKind.RETENTION, KpiKind.CHURN):
            days = RETAINED_AFTER.days
            found = self._grouped(
                "WITH firsts AS (SELECT customer_id, min(timestamp) AS t FROM {events} "
                f"WHERE {scope} GROUP BY customer_id) "
                f"SELECT {self._period('f.t')} AS p, "
                f"bool_or(e.timestamp >= f.t + INTERVAL {days} DAY) FROM firsts f "
                "JOIN {events} e ON e.customer_id = f.customer_id GROUP BY f.customer_id, f.t"
            )
            out = {}
            for p, rows in found.items():
                kept = np.array([bool(r[0]) for r in rows], dtype=bool)
                out[p] = stats.share(kept if kind is KpiKind.RETENTION else ~kept)
            return out
        if kind is KpiKind.WAITING_TIME:
            waiting = json_text("waiting_seconds", self.dialect)
            found = self._grouped(
                f"SELECT {self._period('timestamp')} AS p, CAST({waiting} AS DOUBLE) "
                f"FROM {{events}} WHERE {scope} AND {waiting} IS NOT NULL"
            )
            if found:
                return _each(found, lambda rows: stats.duration([float(r[0]) for r in rows]))
            return _each(self._orders("waiting_time", scope), stats.duration)
        if kind is KpiKind.RESPONSE_TIME:
            return _each(self._orders("response_time", scope), stats.duration)
        if kind in (KpiKind.RETURN_RATE, KpiKind.COMPLAINT_RATE):
            column = "returned" if kind is KpiKind.RETURN_RATE else "complaint"
            return _each(
                self._orders(column, scope),
                lambda values: stats.share([bool(v) for v in values if v is not None]),
            )
        if kind is KpiKind.LOYALTY:
            counts = self._orders("count(*)", scope, per_customer=True)
            return _each(counts, lambda values: stats.share([c >= 2 for c in values]))
        return {}

    def _touchpoints_of(self, stage: str) -> list[str]:
        return [t.id for s in self.journey.stages if s.id == stage for t in s.touchpoints]

    def reached_next(self, stage: str, scope: str) -> dict[Period, np.ndarray]:
        """Per period of their first event at the place, whether each customer reached the next
        stage afterwards (nothing for the last stage)."""
        index = self.stage_ids.index(stage)
        if index + 1 >= len(self.stage_ids):
            return {}
        found = self._grouped(
            "WITH here AS (SELECT customer_id, min(timestamp) AS t FROM {events} "
            f"WHERE {scope} GROUP BY customer_id), "
            "later AS (SELECT customer_id, max(timestamp) AS t FROM {events} "
            f"WHERE {self.at('stage', self.stage_ids[index + 1])} GROUP BY customer_id) "
            f"SELECT {self._period('here.t')} AS p, coalesce(later.t >= here.t, false) FROM here "
            "LEFT JOIN later ON later.customer_id = here.customer_id"
        )
        return {p: np.array([bool(r[0]) for r in rows], dtype=bool) for p, rows in found.items()}

    def _orders(
        self, column: str, scope: str, *, per_customer: bool = False
    ) -> dict[Period, list[Any]]:
        """A column of the orders of the place's customers (or, ``per_customer``, an aggregate
        per customer), by the order's period."""
        if not self.log.has_table("orders"):
            return {}
        period = self._period("timestamp")
        grouping = f" GROUP BY {period}, customer_id" if per_customer else ""
        found = self._grouped(
            f"SELECT {period} AS p, {column} FROM {{orders}} WHERE customer_id IN "
            f"(SELECT customer_id FROM {{events}} WHERE {scope}){grouping}"
        )
        return {p: [r[0] for r in rows] for p, rows in found.items()}


def _each(
    groups: dict[Period, list[Any]], score: Callable[[list[Any]], stats.KpiValue]
) -> dict[Period, stats.KpiValue]:
    return {p: score(values) for p, values in groups.items()}


def _day(value: Hashable | None) -> Period:
    """A period key as a date (Spark and DuckDB may give a datetime)."""
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]
