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

import itertools
from collections.abc import Callable, Hashable
from datetime import timedelta
from typing import Any

import numpy as np

from parcours.engine import kpis as stats
from parcours.engine.attribution import attribute
from parcours.engine.backend import Backend
from parcours.engine.binding import compile_matcher, stage_predicate
from parcours.engine.dialect import first_by, json_text, literal, micros, quantile, quote
from parcours.engine.funnel import funnel
from parcours.engine.funnel_plan import Step
from parcours.engine.funnel_result import FunnelResult
from parcours.engine.journeys import paths_from_events
from parcours.engine.markov import CONVERSION
from parcours.engine.period import Every, Period
from parcours.engine.spans_result import PlaceCustomers
from parcours.errors import EngineError
from parcours.model import KPI, Journey, KpiKind, KpiPeriod

#: A retention KPI without a ``period``: still active this long after the first event there.
RETAINED_AFTER = timedelta(days=30)
#: Each KPI period as an SQL interval (DuckDB and Spark).
INTERVALS = {
    KpiPeriod.DAY: "1 DAY",
    KpiPeriod.WEEK: "7 DAY",
    KpiPeriod.MONTH: "1 MONTH",
    KpiPeriod.QUARTER: "3 MONTH",
    KpiPeriod.YEAR: "1 YEAR",
}
_tables = itertools.count()
NEGATIVE = -0.5  # measured emotion below this counts as negative feedback
SURVEYS = (KpiKind.NPS, KpiKind.CSAT, KpiKind.CES)
_SCORES: dict[KpiKind, Callable[[Any], stats.KpiValue]] = {
    KpiKind.NPS: stats.nps,
    KpiKind.CSAT: stats.csat,
    KpiKind.CES: stats.mean,
}


class JourneyKpis:
    """Queries over a bound journey's events (and its feedback and orders, when the log holds
    them), grouped by calendar period when ``every`` is given. Use it in a ``with`` block: it
    keeps, for the time of the block, each customer's first and last time at every place (and
    overall), which most KPIs read instead of the events."""

    def __init__(self, log: Backend, journey: Journey, every: Every | None = None) -> None:
        self.log = log
        self.dialect = log.dialect
        self.journey = journey
        self.every = every
        self.stage_ids = [s.id for s in journey.stages]
        self.spans = f"parcours_spans_{next(_tables)}"
        self._reached: dict[str, dict[Period, tuple[int, int]]] = {}
        self._customers: PlaceCustomers = {}

    def __enter__(self) -> JourneyKpis:
        self._customers = self.log.keep_spans(self.spans, self.every)
        return self

    def __exit__(self, *exc: object) -> None:
        self.log.drop(self.spans)

    def at(self, column: str, value: str) -> str:
        """The condition ``column = value`` on the events, in the log's dialect."""
        return f"{column} = {literal(value, self.dialect)}"

    def _spans_at(self, level: str, place: str, alias: str = "s") -> str:
        """The condition on the spans table that picks a stage's or touchpoint's rows."""
        return f"{alias}.level = '{level}' AND {alias}.place = {literal(place, self.dialect)}"

    def _level(self, stage: str, touchpoint: str | None) -> tuple[str, str]:
        return ("touchpoint", touchpoint) if touchpoint else ("stage", stage)

    def _period(self, column: str) -> str:
        return _period_of(column, self.every)

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
            paths = paths_from_events(relabelled, CONVERSION, channel="touchpoint", ages=False)
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

    def customers(self, level: str, place: str) -> dict[Period, int]:
        """Distinct customers with an event at a stage or touchpoint (``level``), by the
        event's period."""
        counts = dict(self._customers.get((level, place), {}))
        return counts if self.every is not None else {None: counts.get(None, 0)}

    def median_time(self, level: str, place: str) -> dict[Period, float | None]:
        """The median time customers spend at a place (their first to last event there)."""
        span = f"({micros('last', self.dialect)} - {micros('first', self.dialect)}) / 1e6"
        found = self._grouped(
            f"SELECT {self._period('first')} AS p, {quantile(self.dialect)}({span}, 0.5) "
            f"FROM {self.spans} s WHERE {self._spans_at(level, place)} GROUP BY 1"
        )
        return {p: None if rows[0][0] is None else float(rows[0][0]) for p, rows in found.items()}

    def span(self) -> str | None:
        """The days the events cover, ``first → last``."""
        first, last = self.log.rows("SELECT min(timestamp), max(timestamp) FROM {events}")[0]
        return None if first is None else f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"

    def feedback_rows(
        self, touchpoints: list[str] | None, survey: str | None = None
    ) -> dict[Period, list[tuple[str, float, int]]]:
        """Rated answers at ``touchpoints`` (``None``: about the whole journey), by period, as
        (survey type, rating, number of such answers)."""
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
        period = self._period("timestamp")
        found = self._grouped(
            f"SELECT {period} AS p, survey_type, rating, count(*) FROM {{feedback}} "
            f"WHERE {' AND '.join(where)} GROUP BY {period}, survey_type, rating"
        )
        return {p: [(str(s), float(r), int(n)) for s, r, n in rows] for p, rows in found.items()}

    def feedback_emotion(
        self, touchpoints: list[str]
    ) -> dict[Period, tuple[float | None, float | None]]:
        """The mean emotion of the ratings at ``touchpoints`` and the share below
        :data:`NEGATIVE`, by period."""
        out: dict[Period, tuple[float | None, float | None]] = {}
        for p, rows in self.feedback_rows(touchpoints).items():
            emotions = np.array([stats.emotion_of_rating(s or "review", r) for s, r, _ in rows])
            weights = np.array([n for *_, n in rows], dtype=float)
            out[p] = (
                float(np.average(emotions, weights=weights)),
                float(weights[emotions < NEGATIVE].sum() / weights.sum()),
            )
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
        values = {
            p: score(np.repeat([r for _, r, _ in found], [n for *_, n in found]))
            for p, found in rows.items()
        }
        return values, basis if rows else None

    def kpi(self, kpi: KPI, stage: str, touchpoint: str | None) -> dict[Period, stats.KpiValue]:
        """Any KPI kind but the surveys (custom KPIs are not measured), by period."""
        level, place = self._level(stage, touchpoint)
        scope = self.at(level, place)
        kind = kpi.kind
        if kind in (KpiKind.CONVERSION, KpiKind.ABANDONMENT):
            reached = self.reached_next(stage, touchpoint)
            return _shares(reached, kind is KpiKind.ABANDONMENT)
        if kind is KpiKind.CLICK_THROUGH:
            if touchpoint is None:
                return {}
            return _shares(
                self._counted(
                    f"SELECT {self._period('s.first')} AS p, count(*), "
                    f"{_count('t.customer IS NOT NULL')} FROM {self.spans} s "
                    f"LEFT JOIN {self.spans} t ON t.customer = s.customer AND "
                    f"{self._spans_at('touchpoint', touchpoint, 't')} "
                    f"WHERE {self._spans_at('stage', stage)} GROUP BY 1"
                )
            )
        if kind is KpiKind.CHURN:
            return self._churn(level, place, kpi.period or KpiPeriod.MONTH)
        if kind is KpiKind.RETENTION:
            after = INTERVALS[kpi.period] if kpi.period else f"{RETAINED_AFTER.days} DAY"
            kept = self._counted(
                f"SELECT {self._period('s.first')} AS p, count(*), "
                f"{_count(f'c.last >= s.first + INTERVAL {after}')} FROM {self.spans} s "
                f"JOIN {self.spans} c ON c.customer = s.customer AND c.level = 'customer' "
                f"WHERE {self._spans_at(level, place)} GROUP BY 1"
            )
            return _shares(kept)
        if kind is KpiKind.WAITING_TIME:
            waiting = f"CAST({json_text('waiting_seconds', self.dialect)} AS DOUBLE)"
            found = self._durations(
                f"SELECT timestamp, {waiting} AS x FROM {{events}} WHERE {scope}"
            )
            return found or self._durations(
                self._orders_sql("waiting_time AS x", self._spans_at(level, place))
            )
        if kind is KpiKind.RESPONSE_TIME:
            return self._durations(
                self._orders_sql("response_time AS x", self._spans_at(level, place))
            )
        if kind in (KpiKind.RETURN_RATE, KpiKind.COMPLAINT_RATE):
            column = "returned" if kind is KpiKind.RETURN_RATE else "complaint"
            orders = self._orders_sql(f"{column} AS flag", self._spans_at(level, place))
            return _shares(
                self._counted(
                    f"SELECT {self._period('timestamp')} AS p, count(*), {_count('flag')} "
                    f"FROM ({orders}) o WHERE flag IS NOT NULL GROUP BY 1"
                )
            )
        if kind is KpiKind.LOYALTY:
            orders = self._orders_sql("customer_id", self._spans_at(level, place))
            period = self._period("timestamp")
            return _shares(
                self._counted(
                    f"SELECT p, count(*), {_count('n >= 2')} FROM (SELECT {period} AS p, "
                    f"count(*) AS n FROM ({orders}) o GROUP BY {period}, customer_id) q "
                    "GROUP BY p"
                )
            )
        return {}

    def _next_stage(self, stage: str) -> str | None:
        """The stage after ``stage`` in the map (None for the last one)."""
        index = self.stage_ids.index(stage) + 1
        return self.stage_ids[index] if index < len(self.stage_ids) else None

    def _touchpoints_of(self, stage: str) -> list[str]:
        return [t.id for s in self.journey.stages if s.id == stage for t in s.touchpoints]

    def reached_next(
        self, stage: str, touchpoint: str | None = None
    ) -> dict[Period, tuple[int, int]]:
        """Per period of their first event at the stage (or touchpoint), how many customers
        there were and how many reached the next stage afterwards (nothing for the last
        stage)."""
        following = self._next_stage(stage)
        if following is None:
            return {}
        level, place = self._level(stage, touchpoint)
        key = f"{level}:{place}"
        if key not in self._reached:  # a stage's conversion and abandonment share it
            self._reached[key] = self._counted(
                f"SELECT {self._period('s.first')} AS p, count(*), "
                f"{_count('n.last >= s.first')} FROM {self.spans} s LEFT JOIN {self.spans} n "
                f"ON n.customer = s.customer AND "
                f"{self._spans_at('stage', following, 'n')} "
                f"WHERE {self._spans_at(level, place)} GROUP BY 1"
            )
        return self._reached[key]

    def reached_next_by(
        self, column: str, stage: str, touchpoint: str | None = None
    ) -> dict[tuple[Period, str | None], tuple[int, int]]:
        """:meth:`reached_next` per period and per value of the events' ``column`` (e.g.
        ``channel``) at each customer's first event at the place: every customer counts once."""
        following = self._next_stage(stage)
        if following is None:
            return {}
        level, place = self._level(stage, touchpoint)
        value = f"{first_by(self.dialect)}({quote(column, self.dialect)}, timestamp)"
        key = self.log.customer_key("customer_id")
        found = self.log.rows(
            f"SELECT {self._period('s.first')} AS p, c.v, count(*), "
            f"{_count('n.last >= s.first')} FROM {self.spans} s "
            f"JOIN (SELECT {key} AS customer, {value} AS v FROM {{events}} "
            f"WHERE {self.at(level, place)} GROUP BY {key}) c "
            f"ON c.customer = s.customer LEFT JOIN {self.spans} n "
            f"ON n.customer = s.customer AND "
            f"{self._spans_at('stage', following, 'n')} "
            f"WHERE {self._spans_at(level, place)} GROUP BY 1, 2"
        )
        return {(_day(p), v): (int(n), int(kept or 0)) for p, v, n, kept in found}

    def customers_by(
        self, column: str, level: str, place: str
    ) -> dict[tuple[Period, str | None], int]:
        """:meth:`customers` per period and per value of the events' ``column`` (a customer
        with events on two values counts in both)."""
        found = self.log.rows(
            f"SELECT {self._period('timestamp')} AS p, {quote(column, self.dialect)}, "
            f"count(DISTINCT customer_id) FROM {{events}} WHERE {self.at(level, place)} "
            "GROUP BY 1, 2"
        )
        return {(_day(p), v): int(n) for p, v, n in found}

    def next_stage_days(self, stage: str, touchpoint: str | None = None) -> dict[int, int]:
        """The customers who reached the next stage after their first event at the place, by
        the whole days they took (0: within a day); empty for the last stage. A customer who
        came to the place fewer days than these before the data ends may still convert."""
        following = self._next_stage(stage)
        if following is None:
            return {}
        level, place = self._level(stage, touchpoint)
        gap = f"({micros('n.first', self.dialect)} - {micros('s.first', self.dialect)})"
        found = self.log.rows(
            f"SELECT CAST(floor(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END / 86400e6) AS BIGINT) "
            f"AS d, count(*) FROM {self.spans} s JOIN {self.spans} n "
            f"ON n.customer = s.customer AND "
            f"{self._spans_at('stage', following, 'n')} AND n.last >= s.first "
            f"WHERE {self._spans_at(level, place)} GROUP BY 1"
        )
        return {int(days): int(n) for days, n in found}

    def followed_days(self, stage: str, touchpoint: str | None = None) -> dict[int, int]:
        """The customers of the place by the whole days from their first event there to the
        log's last event: how long each could be followed."""
        level, place = self._level(stage, touchpoint)
        gap = f"({micros('e.last', self.dialect)} - {micros('s.first', self.dialect)})"
        found = self.log.rows(
            f"SELECT CAST(floor({gap} / 86400e6) AS BIGINT) AS d, count(*) FROM {self.spans} s "
            f"CROSS JOIN (SELECT max(last) AS last FROM {self.spans} WHERE level = 'customer') e "
            f"WHERE {self._spans_at(level, place)} GROUP BY 1"
        )
        return {int(days): int(n) for days, n in found}

    def _churn(self, level: str, place: str, per: KpiPeriod) -> dict[Period, stats.KpiValue]:
        """Churn per ``per``: of the customers with an event at the place in one period, the
        share with none there in the next, pooled over the periods whose next period the data
        covers whole (the last ones are left out: their churn is not known yet); grouped by the
        period of activity."""
        step = f"INTERVAL {INTERVALS[per]}"
        active = (
            f"SELECT DISTINCT customer_id, CAST(date_trunc('{per.value}', timestamp) AS DATE) "
            f"AS p FROM {{events}} WHERE {self.at(level, place)}"
        )
        return _shares(
            self._counted(
                f"SELECT {self._period('a.p')} AS p, count(*), {_count('n.customer_id IS NULL')} "
                f"FROM ({active}) a LEFT JOIN ({active}) n ON n.customer_id = a.customer_id "
                f"AND n.p = a.p + {step} "
                f"WHERE a.p + {step} + {step} <= (SELECT max(timestamp) FROM {{events}}) "
                "GROUP BY 1"
            )
        )

    def _counted(self, sql: str) -> dict[Period, tuple[int, int]]:
        """Rows of ``sql`` as period, then (all, kept) counts."""
        return {
            p: (int(rows[0][0]), int(rows[0][1] or 0)) for p, rows in self._grouped(sql).items()
        }

    def _durations(self, sql: str) -> dict[Period, stats.KpiValue]:
        """The median and 90th percentile of ``x`` in the rows of ``sql`` (with ``timestamp``),
        by period."""
        name = quantile(self.dialect)
        found = self._grouped(
            f"SELECT {self._period('timestamp')} AS p, count(*), {name}(x, 0.5), {name}(x, 0.9) "
            f"FROM ({sql}) d WHERE x IS NOT NULL AND NOT isnan(x) GROUP BY 1"
        )
        return {
            p: stats.KpiValue(float(median), int(n), p90=float(p90))
            for p, [(n, median, p90)] in found.items()
        }

    def _orders_sql(self, columns: str, spans: str) -> str:
        """``timestamp`` and ``columns`` of the orders of the customers of the ``spans`` rows
        of a place (nothing without orders)."""
        if not self.log.has_table("orders"):
            return f"SELECT timestamp, {columns} FROM {{events}} WHERE false"
        return (
            f"SELECT timestamp, {columns} FROM {{orders}} WHERE "
            f"{self.log.customer_key('customer_id')} IN "
            f"(SELECT customer FROM {self.spans} s WHERE {spans})"
        )


def _period_of(column: str, every: Every | None) -> str:
    """SQL of the first day of the period of ``every`` holding the time ``column`` (NULL:
    all time)."""
    if every is None:
        return "CAST(NULL AS DATE)"
    return f"CAST(date_trunc('{every}', {column}) AS DATE)"


def _count(condition: str) -> str:
    """SQL counting the rows where ``condition`` holds."""
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _shares(
    counts: dict[Period, tuple[int, int]], complement: bool = False
) -> dict[Period, stats.KpiValue]:
    """Each period's share of kept rows (or, ``complement``, of the others)."""
    return {
        p: stats.share_of(n - kept if complement else kept, n) for p, (n, kept) in counts.items()
    }


def _day(value: Hashable | None) -> Period:
    """A period key as a date (Spark and DuckDB may give a datetime)."""
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def keep_spans_sql(log: Backend, name: str, every: Every | None) -> PlaceCustomers:
    """:meth:`parcours.engine.backend.Backend.keep_spans` in SQL (Spark; DuckDB runs a compiled
    pass): one group-by of the events per customer and place, the stages and customers from its
    groups, then each level's distinct customers per period."""
    groups, times = f"{name}_places", "min(first) AS first, max(last) AS last"
    log.keep(
        groups,
        "SELECT customer_id, stage, touchpoint, min(timestamp) AS first, "
        "max(timestamp) AS last FROM {events} GROUP BY customer_id, stage, touchpoint",
    )
    log.keep(
        name,
        "SELECT customer_id AS customer, 'touchpoint' AS level, touchpoint AS place, first, last "
        f"FROM {groups} WHERE touchpoint IS NOT NULL UNION ALL "
        f"SELECT customer_id, 'stage', stage, {times} FROM {groups} WHERE stage IS NOT NULL "
        "GROUP BY customer_id, stage UNION ALL "
        f"SELECT customer_id, 'customer', NULL, {times} FROM {groups} GROUP BY customer_id",
    )
    log.drop(groups)
    period = _period_of("timestamp", every)
    counted: PlaceCustomers = {}
    for level in ("stage", "touchpoint"):
        for p, at, n in log.rows(
            f"SELECT {period} AS p, {level}, count(DISTINCT customer_id) "
            f"FROM {{events}} WHERE {level} IS NOT NULL GROUP BY 1, 2"
        ):
            counted.setdefault((level, str(at)), {})[_day(p)] = int(n)
    return counted
