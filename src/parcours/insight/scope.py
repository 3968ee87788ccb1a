"""Queries behind the measures: customers, times, feedback and KPIs of one stage or
touchpoint, over the bound events, the feedback and the orders of a workspace.

The events may be on either engine (queries on them are written for both dialects); the
feedback and orders stay in the workspace's DuckDB database. An orders KPI of a Spark log
brings the customer ids of the place to DuckDB."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
import numpy as np

from parcours.engine import kpis as stats
from parcours.engine.binding import json_text, literal
from parcours.engine.eventlog import EventLog
from parcours.engine.spark.eventlog import SparkEventLog, collect
from parcours.engine.sql import dialect_of, micros, quantile, rows
from parcours.model import KPI, Journey, KpiKind

RETAINED_AFTER = timedelta(days=30)
_PLACE = "parcours_place_customers"  # a Spark place's customers, registered in DuckDB
NEGATIVE = -0.5  # measured emotion below this counts as negative feedback


class Scope:
    """Queries over the bound events, feedback and orders of one journey."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        log: EventLog | SparkEventLog,
        journey: Journey,
        tables: dict[str, str],
    ) -> None:
        self.con = connection
        self.log = log
        self.dialect = dialect_of(log)
        self.journey = journey
        self.feedback = tables.get("feedback")  # table or view name, None when absent
        self.orders = tables.get("orders")
        self.stage_ids = [s.id for s in journey.stages]

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        return rows(self.log, sql)

    def at(self, column: str, value: str) -> str:
        """The condition ``column = value`` on the events, in the log's dialect."""
        return f"{column} = {literal(value, self.dialect)}"

    def customers(self, condition: str) -> int:
        ((count,),) = self._rows(
            f"SELECT count(DISTINCT customer_id) FROM {{events}} WHERE {condition}"
        )
        return int(count)

    def median_time(self, condition: str) -> float | None:
        span = f"({micros('last', self.dialect)} - {micros('first', self.dialect)}) / 1e6"
        (value,) = self._rows(
            f"SELECT {quantile(self.dialect)}({span}, 0.5) FROM (SELECT customer_id, "
            f"min(timestamp) AS first, max(timestamp) AS last FROM {{events}} WHERE {condition} "
            "GROUP BY customer_id) spans"
        )[0]
        return None if value is None else float(value)

    def period(self) -> str | None:
        first, last = self._rows("SELECT min(timestamp), max(timestamp) FROM {events}")[0]
        return None if first is None else f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"

    def feedback_rows(
        self, touchpoints: list[str] | None, survey: str | None = None
    ) -> list[tuple[str, float]]:
        if self.feedback is None:
            return []
        where = ["rating IS NOT NULL"]
        if touchpoints is None:
            where.append("touchpoint IS NULL")
        elif touchpoints:
            where.append(f"touchpoint IN ({', '.join(literal(t) for t in touchpoints)})")
        else:
            return []
        if survey:
            where.append(f"survey_type = {literal(survey)}")
        sql = f"SELECT survey_type, rating FROM {self.feedback} WHERE {' AND '.join(where)}"
        return [(str(s), float(r)) for s, r in self.con.execute(sql).fetchall()]

    def feedback_emotion(self, touchpoints: list[str]) -> tuple[float | None, float | None]:
        rows = self.feedback_rows(touchpoints)
        if not rows:
            return None, None
        emotions = np.array([stats.emotion_of_rating(s or "review", r) for s, r in rows])
        return float(emotions.mean()), float(np.mean(emotions < NEGATIVE))

    def _feedback_at(self, stage: str, touchpoint: str | None) -> list[str]:
        if touchpoint:
            return [touchpoint]
        return [t.id for s in self.journey.stages if s.id == stage for t in s.touchpoints]

    def survey(
        self, kpi: KPI, stage: str, touchpoint: str | None
    ) -> tuple[stats.KpiValue, str | None]:
        """An NPS, CSAT or CES KPI and its basis: ``transactional`` ("à chaud") when it rests
        on answers linked to the place's touchpoints, else ``relational`` ("à froid"): answers
        on the whole journey, for a stage without answers of its own; None without answers."""
        feedback_at = self._feedback_at(stage, touchpoint)
        rows = self.feedback_rows(feedback_at, kpi.kind.value)
        if kpi.kind is KpiKind.CSAT and not rows:
            rows = self.feedback_rows(feedback_at, "review")
        basis = "transactional"
        if not rows and touchpoint is None:
            rows, basis = self.feedback_rows(None, kpi.kind.value), "relational"
        score = {KpiKind.NPS: stats.nps, KpiKind.CSAT: stats.csat, KpiKind.CES: stats.mean}
        return score[kpi.kind]([r for _, r in rows]), basis if rows else None

    def kpi(self, kpi: KPI, stage: str, touchpoint: str | None) -> stats.KpiValue:
        """Any other KPI kind (custom KPIs are not measured)."""
        scope = self.at("touchpoint", touchpoint) if touchpoint else self.at("stage", stage)
        kind = kpi.kind
        if kind in (KpiKind.CONVERSION, KpiKind.ABANDONMENT):
            reached = self._reached_next(stage, scope)
            if reached is None:
                return stats.EMPTY
            return stats.share(reached if kind is KpiKind.CONVERSION else ~reached)
        if kind is KpiKind.CLICK_THROUGH:
            if touchpoint is None:
                return stats.EMPTY
            found = self._rows(
                f"SELECT bool_or({self.at('touchpoint', touchpoint)}) FROM {{events}} "
                f"WHERE {self.at('stage', stage)} GROUP BY customer_id"
            )
            return stats.share([bool(r[0]) for r in found])
        if kind in (KpiKind.RETENTION, KpiKind.CHURN):
            days = RETAINED_AFTER.days
            found = self._rows(
                "WITH firsts AS (SELECT customer_id, min(timestamp) AS t FROM {events} "
                f"WHERE {scope} GROUP BY customer_id) "
                f"SELECT bool_or(e.timestamp >= f.t + INTERVAL {days} DAY) FROM firsts f "
                "JOIN {events} e ON e.customer_id = f.customer_id GROUP BY f.customer_id"
            )
            kept = np.array([bool(r[0]) for r in found], dtype=bool)
            return stats.share(kept if kind is KpiKind.RETENTION else ~kept)
        if kind is KpiKind.WAITING_TIME:
            waiting = json_text("waiting_seconds", self.dialect)
            found = self._rows(
                f"SELECT CAST({waiting} AS DOUBLE) FROM {{events}} WHERE {scope} "
                f"AND {waiting} IS NOT NULL"
            )
            if found:
                return stats.duration([float(r[0]) for r in found])
            return stats.duration(self._orders("waiting_time", scope))
        if kind is KpiKind.RESPONSE_TIME:
            return stats.duration(self._orders("response_time", scope))
        if kind in (KpiKind.RETURN_RATE, KpiKind.COMPLAINT_RATE):
            column = "returned" if kind is KpiKind.RETURN_RATE else "complaint"
            return stats.share([bool(v) for v in self._orders(column, scope) if v is not None])
        if kind is KpiKind.LOYALTY:
            counts = self._orders("count(*)", scope, group=True)
            return stats.share([c >= 2 for c in counts])
        return stats.EMPTY

    def _reached_next(self, stage: str, scope: str) -> np.ndarray | None:
        index = self.stage_ids.index(stage)
        if index + 1 >= len(self.stage_ids):
            return None
        found = self._rows(
            "WITH here AS (SELECT customer_id, min(timestamp) AS t FROM {events} "
            f"WHERE {scope} GROUP BY customer_id), "
            "later AS (SELECT customer_id, max(timestamp) AS t FROM {events} "
            f"WHERE {self.at('stage', self.stage_ids[index + 1])} GROUP BY customer_id) "
            "SELECT coalesce(later.t >= here.t, false) FROM here "
            "LEFT JOIN later ON later.customer_id = here.customer_id"
        )
        return np.array([bool(r[0]) for r in found], dtype=bool)

    def _orders(self, column: str, scope: str, *, group: bool = False) -> list[Any]:
        if self.orders is None:
            return []
        customers = f"SELECT DISTINCT customer_id FROM {{events}} WHERE {scope}"
        if isinstance(self.log, SparkEventLog):  # the place's customers, brought to DuckDB
            self.con.register(_PLACE, collect(self.log.sql(customers)))
            customers = f"SELECT customer_id FROM {_PLACE}"
        else:
            customers = customers.replace("{events}", self.log.source)
        grouping = " GROUP BY customer_id" if group else ""
        sql = f"SELECT {column} FROM {self.orders} WHERE customer_id IN ({customers}){grouping}"
        try:
            return [row[0] for row in self.con.execute(sql).fetchall()]
        finally:
            if isinstance(self.log, SparkEventLog):
                self.con.unregister(_PLACE)
