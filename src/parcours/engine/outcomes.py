"""Who moves on and who does not, and what sets them apart: per stage of a bound journey (but the
last), the customers who came to it and whether they reached the next stage afterwards, counted
by what they did before (events), by the channel they met each touchpoint on, and by who they
are (each categorical attribute of the customers table); and the journey's conversion by the
answers customers gave at each touchpoint.

These are the contingency counts of the failure-driver, segment-gap and moment-of-truth
detectors (:mod:`parcours.insight.drivers`, :mod:`parcours.insight.moments`); every query runs
on the log's own engine, over the spans that :class:`~parcours.engine.journey_kpis.JourneyKpis`
keeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.engine.backend import Backend
from parcours.engine.binding import compile_matcher
from parcours.engine.dialect import first_by, json_keys, json_text, literal
from parcours.engine.journey_kpis import JourneyKpis

_tables = itertools.count()
#: An attribute of the customers with more values than this (an id, a date) is no segment.
MAX_VALUES = 30
#: Attributes of the customers that are never segments.
NOT_SEGMENTS = frozenset({"customer_id", "first_seen", "created_at", "updated_at", "timestamp"})


@dataclass(frozen=True)
class Contrast:
    """The customers of ``stage`` who share ``value`` of ``attribute`` (``event``: had that
    event before coming to the stage; ``channel``: their first event at ``touchpoint`` came on
    it;
    ``customer.<column>``: their attribute in the customers table), and how many of them
    reached the next stage (``moved``)."""

    stage: str
    attribute: str
    value: str
    customers: int
    moved: int
    touchpoint: str | None = None  # the channels are compared per touchpoint
    #: The month of the customers' first event (their cohort): segments are compared within
    #: each, so that a segment mix shifting over the months does not pass for a gap.
    cohort: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "touchpoint": self.touchpoint,
            "cohort": None if self.cohort is None else self.cohort.isoformat(),
            "attribute": self.attribute,
            "value": self.value,
            "customers": self.customers,
            "moved": self.moved,
        }


@dataclass(frozen=True)
class RatedOutcome:
    """The answers of rating ``rating`` on survey ``survey`` at ``touchpoint``, and how many of
    them came from customers who converted (had the journey's conversion event)."""

    touchpoint: str
    survey: str
    rating: float
    answers: int
    converted: int


class Outcomes:
    """The stage outcomes of a bound journey, kept for the time of a ``with`` block (inside the
    ``with`` block of ``kpis``)."""

    def __init__(self, kpis: JourneyKpis) -> None:
        self.kpis = kpis
        self.log = kpis.log
        self.dialect = kpis.dialect
        self.name = f"parcours_outcomes_{next(_tables)}"
        self.stages = kpis.stage_ids[:-1]

    def __enter__(self) -> Outcomes:
        spans, ids = self.kpis.spans, self.kpis.stage_ids
        if len(ids) < 2:
            self.log.keep(
                self.name,
                f"SELECT customer, place AS stage, first, true AS moved FROM {spans} WHERE false",
            )
            return self
        following = " ".join(
            f"WHEN {literal(a, self.dialect)} THEN {literal(b, self.dialect)}"
            for a, b in itertools.pairwise(ids)
        )
        listed = ", ".join(literal(s, self.dialect) for s in self.stages)
        self.log.keep(
            self.name,
            "SELECT s.customer, s.place AS stage, s.first, "
            "coalesce(n.last >= s.first, false) AS moved "
            f"FROM {spans} s LEFT JOIN {spans} n ON n.customer = s.customer "
            f"AND n.level = 'stage' AND n.place = CASE s.place {following} END "
            f"WHERE s.level = 'stage' AND s.place IN ({listed})",
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.log.drop(self.name)

    def totals(self) -> dict[str, tuple[int, int]]:
        """Per stage, its customers and those who reached the next stage."""
        found = self.log.rows(f"SELECT stage, count(*), {_moved()} FROM {self.name} GROUP BY stage")
        return {str(s): (int(n), int(m or 0)) for s, n, m in found}

    def by_earlier_event(self) -> list[Contrast]:
        """Per stage and event name, the customers who had that event before their first
        event at the stage (a compiled walk on DuckDB, :func:`earlier_events_sql` on Spark)."""
        found = self.log.earlier_events(self.kpis.stage_ids)
        return [Contrast(s, "event", v, n, m) for s, v, n, m in found]

    def by_channel(self) -> list[Contrast]:
        """Per touchpoint (of a stage but the last) met on several channels, and per channel,
        the customers whose first event at the touchpoint came on that channel, and those of
        them who reached the next stage: channels are compared where customers meet the same
        touchpoint, not across touchpoints that each have their own channel."""
        several = [
            str(t)
            for t, n in self.log.rows(
                "SELECT touchpoint, count(DISTINCT channel) FROM {events} "
                "WHERE touchpoint IS NOT NULL GROUP BY touchpoint"
            )
            if int(n) >= 2
        ]
        if not several:
            return []
        listed = ", ".join(literal(t, self.dialect) for t in several)
        value = f"{first_by(self.dialect)}(channel, timestamp)"
        key = self.log.customer_key("customer_id")
        found = self.log.rows(
            f"SELECT o.stage, c.touchpoint, c.v, {self._cohort('u')} AS m, count(*), "
            f"{_moved('o.moved')} FROM {self.name} o JOIN (SELECT {key} AS customer, stage, "
            f"touchpoint, {value} AS v FROM {{events}} WHERE touchpoint IN ({listed}) "
            f"GROUP BY {key}, stage, touchpoint) c "
            "ON c.customer = o.customer AND c.stage = o.stage "
            f"JOIN {self.kpis.spans} u ON u.customer = o.customer AND u.level = 'customer' "
            f"WHERE c.v IS NOT NULL GROUP BY o.stage, c.touchpoint, c.v, {self._cohort('u')}"
        )
        return [
            Contrast(str(s), "channel", str(v), int(n), int(m or 0), str(t), _day(c))
            for s, t, v, c, n, m in found
        ]

    def _cohort(self, alias: str) -> str:
        """The month of a customer's first event, from their customer-level span."""
        return f"CAST(date_trunc('month', {alias}.first) AS DATE)"

    def by_customer(self) -> list[Contrast]:
        """Per stage and value of each attribute of the customers (the keys of the customers
        table's ``attributes``) with from 2 to :data:`MAX_VALUES` values, the customers who
        have it: one pass over the stages' customers for every attribute (a grouping set
        each)."""
        if not self.log.has_table("customers"):
            return []
        if "attributes" not in self.log.table_columns("customers"):
            return []
        sample = "(SELECT attributes FROM {customers} WHERE attributes IS NOT NULL LIMIT 10000) c"
        keys = sorted(
            str(k)
            for (k,) in self.log.rows(
                f"SELECT DISTINCT {json_keys('attributes', self.dialect)} FROM {sample}"
            )
            if str(k) not in NOT_SEGMENTS
        )
        if not keys:
            return []
        values = {k: json_text(k, self.dialect, nested=False, column="c.attributes") for k in keys}
        counts = self.log.rows(
            "SELECT "
            + ", ".join(f"count(DISTINCT {v})" for v in values.values())
            + f" FROM {sample}"
        )[0]
        chosen = [k for k, n in zip(keys, counts, strict=True) if 2 <= int(n) <= MAX_VALUES]
        if not chosen:
            return []
        # each customer's outcomes as one number: base-4 digit i is 0 (never at stage i),
        # 1 (came, did not move on) or 3 (moved on); customers are grouped by it, not by stage
        digits = " ".join(
            f"WHEN {literal(stage, self.dialect)} THEN {4**i}"
            for i, stage in enumerate(self.stages)
        )
        signature = f"sum(CASE stage {digits} END * CASE WHEN moved THEN 3 ELSE 1 END)"
        columns = [f"v{i}" for i in range(len(chosen))]
        attributes = ", ".join(f"{values[k]} AS {c}" for k, c in zip(chosen, columns, strict=True))
        sets = ", ".join(f"(sig, m, {c})" for c in columns)
        # one pass over the customers: every attribute read from the same row, grouped per set
        found = self.log.rows(
            f"SELECT grouping_id(sig, m, {', '.join(columns)}) AS g, sig, m, {', '.join(columns)}, "
            f"count(*) FROM (SELECT s.sig, {self._cohort('u')} AS m, {attributes} FROM "
            f"(SELECT customer, {signature} AS sig FROM {self.name} GROUP BY customer) s "
            f"JOIN {{customers}} c ON {self.log.customer_key('c.customer_id')} = s.customer "
            f"JOIN {self.kpis.spans} u ON u.customer = s.customer AND u.level = 'customer'"
            f") q GROUP BY GROUPING SETS ({sets})"
        )
        tables: dict[tuple[str, str, str, date | None], list[int]] = {}
        seen: dict[str, set[str]] = {}
        every = (1 << len(columns)) - 1  # grouping_id: a bit set for each column not grouped
        # (sig and m, always grouped, are the high bits: 0)
        for g, sig, cohort, *row in found:
            index = len(columns) - (every ^ int(g)).bit_length()
            k, v = chosen[index], row[index]
            if v is None:
                continue
            seen.setdefault(k, set()).add(str(v))
            for i, stage in enumerate(self.stages):
                digit = (int(sig) // 4**i) % 4
                if digit:
                    cell = tables.setdefault((stage, k, str(v), _day(cohort)), [0, 0])
                    cell[0] += int(row[-1])
                    cell[1] += int(row[-1]) if digit == 3 else 0
        return [
            Contrast(stage, f"customer.{k}", v, n, m, None, cohort)
            for (stage, k, v, cohort), (n, m) in tables.items()
            if len(seen[k]) <= MAX_VALUES
        ]

    def rated(self) -> list[RatedOutcome]:
        """The answers given at each touchpoint by rating, and those of customers who had the
        journey's conversion event (at any time); empty without feedback or conversion."""
        journey = self.kpis.journey
        if journey.conversion is None or not self.log.has_table("feedback"):
            return []
        if "rating" not in self.log.table_columns("feedback"):
            return []
        converted = compile_matcher(journey.conversion, self.dialect)
        found = self.log.rows(
            "SELECT f.touchpoint, f.survey_type, f.rating, count(*), "
            f"{_moved('c.customer_id IS NOT NULL')} FROM {{feedback}} f LEFT JOIN "
            f"(SELECT DISTINCT customer_id FROM {{events}} WHERE {converted}) c "
            "ON c.customer_id = f.customer_id "
            "WHERE f.touchpoint IS NOT NULL AND f.rating IS NOT NULL "
            "GROUP BY f.touchpoint, f.survey_type, f.rating"
        )
        return [
            RatedOutcome(str(t), str(s or "review"), float(r), int(n), int(c or 0))
            for t, s, r, n, c in found
        ]


def earlier_events_sql(log: Backend, stages: list[str]) -> list[tuple[str, str, int, int]]:
    """Per stage but the last and event name, in SQL on any engine: the customers who had the
    event before their first event at the stage, and those who reached the next stage."""
    if len(stages) < 2:
        return []
    dialect = log.dialect
    following = " ".join(
        f"WHEN {literal(a, dialect)} THEN {literal(b, dialect)}"
        for a, b in itertools.pairwise(stages)
    )
    listed = ", ".join(literal(s, dialect) for s in stages[:-1])
    spans = (
        "(SELECT customer_id, stage, min(timestamp) AS first, max(timestamp) AS last "
        "FROM {events} WHERE stage IS NOT NULL GROUP BY customer_id, stage)"
    )
    found = log.rows(
        f"SELECT o.stage, e.event, count(*), {_moved('o.moved')} FROM ("
        "SELECT s.customer_id, s.stage, s.first, coalesce(n.last >= s.first, false) AS moved "
        f"FROM {spans} s LEFT JOIN {spans} n ON n.customer_id = s.customer_id "
        f"AND n.stage = CASE s.stage {following} END WHERE s.stage IN ({listed})) o "
        "JOIN (SELECT customer_id, event, min(timestamp) AS first FROM {events} "
        "GROUP BY customer_id, event) e "
        "ON e.customer_id = o.customer_id AND e.first < o.first GROUP BY o.stage, e.event"
    )
    return [(str(s), str(v), int(n), int(m or 0)) for s, v, n, m in found]


def _day(value: Hashable | None) -> date | None:
    """A month key as a date (Spark and DuckDB may give a datetime)."""
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def _moved(condition: str = "moved") -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"
