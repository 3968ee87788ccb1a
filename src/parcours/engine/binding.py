"""Data bindings compiled for the engine: which stage and touchpoint each event belongs to.

A touchpoint's or stage's :class:`~parcours.model.binding.EventMatcher` becomes a SQL predicate
over the events contract (values are quoted literals; no user SQL is ever run). An event
belongs to the first touchpoint, in map order, whose matcher it satisfies, and to that
touchpoint's stage; an event no touchpoint claims may still belong to a stage through the
stage's own matcher. The coverage report says which events nothing claims and which
touchpoints see no events.

Predicates are written in DuckDB's SQL by default; ``dialect="spark"`` writes the same predicate
in Spark SQL (``get_json_object``, ``RLIKE`` for globs, backslash-escaped literals), so that a
``Step(where=...)`` means the same on both engines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, overload

import pandas as pd

from parcours.engine.eventlog import EventLog
from parcours.engine.spark.eventlog import SparkEventLog
from parcours.engine.sql import Dialect, dialect_of, drop, rows
from parcours.model import Condition, EventMatcher, Journey
from parcours.model.vocabulary import MatchOp

_views = itertools.count()
_ORDER = {MatchOp.GT: ">", MatchOp.GTE: ">=", MatchOp.LT: "<", MatchOp.LTE: "<="}


def literal(value: str | int | float | bool, dialect: Dialect = "duckdb") -> str:
    """A SQL literal for a matcher value."""
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, int | float):
        return repr(float(value))
    if dialect == "spark":  # Spark reads backslash escapes and joins adjacent literals
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def compile_matcher(matcher: EventMatcher, dialect: Dialect = "duckdb") -> str:
    """A boolean expression over the events contract for ``matcher``, in ``dialect``'s SQL."""
    parts: list[str] = []
    if matcher.events:
        parts.append("(" + " OR ".join(_glob("event", p, dialect) for p in matcher.events) + ")")
    if matcher.channels:
        parts.append(f"channel IN ({', '.join(literal(c, dialect) for c in matcher.channels)})")
    parts += [_condition(c, dialect) for c in matcher.where]
    return " AND ".join(parts)


def json_text(key: str, dialect: Dialect = "duckdb", *, nested: bool = True) -> str:
    """The text of ``properties``' key ``key`` (NULL when absent); with ``nested``, dots in
    ``a.b`` walk nested objects, else the key is taken whole."""
    parts = key.split(".") if nested else [key]
    if dialect == "spark":
        steps = "".join(
            f".{p}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) else f"['{p}']" for p in parts
        )
        return f"get_json_object(properties, {literal('$' + steps, dialect)})"
    path = ".".join('"' + part.replace('"', '\\"') + '"' for part in parts)
    return f"json_extract_string(properties, {literal('$.' + path)})"


def _glob(column: str, pattern: str, dialect: Dialect) -> str:
    if dialect == "duckdb":
        return f"{column} GLOB {literal(pattern)}"
    return f"{column} RLIKE {literal(glob_regex(pattern), dialect)}"


def glob_regex(pattern: str) -> str:
    """A whole-string Java regular expression (Spark's ``RLIKE``) for a glob: ``*``, ``?``,
    ``[abc]`` and ``[!abc]``, as DuckDB's ``GLOB`` reads them."""
    out, i = ["(?s)^"], 0
    while i < len(pattern):
        char = pattern[i]
        end = pattern.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif end > 0:
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            escaped = "".join(c if c.isalnum() or c == "-" else "\\" + c for c in body)
            out.append(f"[{'^' if negate else ''}{escaped}]")
            i = end
        else:
            out.append(char if char.isalnum() or char == "_" else "\\" + char)
        i += 1
    return "".join(out) + "\\z"


def _condition(condition: Condition, dialect: Dialect = "duckdb") -> str:
    text = json_text(condition.property, dialect)
    value = condition.value

    def lit(v: str | int | float | bool) -> str:
        return literal(v, dialect)

    if condition.op is MatchOp.EXISTS:
        return f"({text} IS NOT NULL)"
    if condition.op in (MatchOp.IN, MatchOp.NOT_IN):
        assert isinstance(value, tuple)
        listed = ", ".join(lit(_as_text(v)) for v in value)
        negate = "NOT " if condition.op is MatchOp.NOT_IN else ""
        return f"coalesce({text} {negate}IN ({listed}), false)"
    assert value is not None and not isinstance(value, tuple)
    if condition.op in _ORDER:
        operator = _ORDER[condition.op]
        if isinstance(value, int | float):
            return f"coalesce(TRY_CAST({text} AS DOUBLE) {operator} {lit(value)}, false)"
        return f"coalesce({text} {operator} {lit(value)}, false)"
    if condition.op is MatchOp.CONTAINS:
        return f"coalesce(contains({text}, {lit(str(value))}), false)"
    if condition.op is MatchOp.GLOB:
        return f"coalesce({_glob(text, str(value), dialect)}, false)"
    if isinstance(value, int | float) and not isinstance(value, bool):
        compared = f"TRY_CAST({text} AS DOUBLE) = {lit(value)}"
    else:
        compared = f"{text} = {lit(_as_text(value))}"
    return f"coalesce({'NOT ' if condition.op is MatchOp.NE else ''}({compared}), false)"


def _as_text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def stage_predicate(journey: Journey, stage_id: str, dialect: Dialect = "duckdb") -> str:
    """Events of a stage: its own matcher or any of its touchpoints' matchers."""
    stage = next(s for s in journey.stages if s.id == stage_id)
    matchers = [stage.match] + [t.match for t in stage.touchpoints]
    parts = [f"({compile_matcher(m, dialect)})" for m in matchers if m is not None]
    return " OR ".join(parts) or "false"


@dataclass(frozen=True)
class Coverage:
    """What the bindings leave out."""

    events: int  # events in the log
    bound: int  # events claimed by a touchpoint or a stage
    unmatched: dict[str, int] = field(default_factory=dict)  # event name → count, unclaimed
    silent_touchpoints: tuple[str, ...] = ()  # touchpoints that see no event
    per_touchpoint: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.bound / self.events if self.events else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "bound": self.bound,
            "share": self.share,
            "unmatched": self.unmatched,
            "silent_touchpoints": list(self.silent_touchpoints),
            "per_touchpoint": self.per_touchpoint,
        }

    def to_frame(self) -> pd.DataFrame:
        rows = [("touchpoint", k, v) for k, v in self.per_touchpoint.items()]
        rows += [("unmatched", k, v) for k, v in self.unmatched.items()]
        return pd.DataFrame(rows, columns=["kind", "name", "events"])


@overload
def bind(log: EventLog, journey: Journey) -> tuple[EventLog, Coverage]: ...
@overload
def bind(log: SparkEventLog, journey: Journey) -> tuple[SparkEventLog, Coverage]: ...
def bind(
    log: EventLog | SparkEventLog, journey: Journey
) -> tuple[EventLog | SparkEventLog, Coverage]:
    """The log with ``touchpoint`` and ``stage`` columns added (NULL when unclaimed), and its
    coverage report. On DuckDB the bound log is a temporary table of the same connection; on
    Spark a cached DataFrame."""
    dialect = dialect_of(log)

    def text(value: str) -> str:
        return literal(value, dialect)

    touchpoint_cases = [
        f"WHEN {compile_matcher(t.match, dialect)} THEN {text(t.id)}"
        for _, t in journey.touchpoints()
        if t.match is not None
    ]
    owner = {t.id: s.id for s, t in journey.touchpoints()}
    touchpoint = f"CASE {' '.join(touchpoint_cases)} END" if touchpoint_cases else "NULL"
    from_touchpoint = [f"WHEN tp = {text(t)} THEN {text(s)}" for t, s in owner.items()]
    from_stage = [
        f"WHEN {compile_matcher(s.match, dialect)} THEN {text(s.id)}"
        for s in journey.stages
        if s.match is not None
    ]
    stage_cases = from_touchpoint + from_stage
    stage = f"CASE {' '.join(stage_cases)} END" if stage_cases else "NULL"
    bound: EventLog | SparkEventLog
    if isinstance(log, SparkEventLog):
        kept = ", ".join(f"`{c}`" for c in log.columns() if c not in ("touchpoint", "stage"))
        frame = log.sql(
            f"SELECT {kept}, CAST(tp AS STRING) AS touchpoint, CAST({stage} AS STRING) AS stage "
            f"FROM (SELECT *, {touchpoint} AS tp FROM {{events}}) q"
        )
        bound = SparkEventLog(frame.cache())
    else:
        view = f"parcours_bound_{next(_views)}"
        # a table, not a view: every later query filters on stage or touchpoint, and a view
        # would evaluate the matchers again in each of them (and once per CASE branch)
        log.execute(
            f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT * EXCLUDE (tp), tp AS touchpoint, "
            f"{stage} AS stage FROM (SELECT *, {touchpoint} AS tp FROM {{events}})"
        ).fetchall()
        bound = EventLog(log.connection, view)
    counts = dict(rows(bound, "SELECT touchpoint, count(*) FROM {events} GROUP BY touchpoint"))
    unmatched = dict(
        rows(
            bound,
            "SELECT event, count(*) FROM {events} WHERE stage IS NULL GROUP BY event "
            "ORDER BY count(*) DESC, event",
        )
    )
    total = sum(counts.values())  # every event falls in one touchpoint group, NULL included
    claimed = total - sum(unmatched.values())
    per_touchpoint = {t.id: int(counts.get(t.id, 0)) for _, t in journey.touchpoints()}
    silent = tuple(t for t, n in per_touchpoint.items() if n == 0)
    return bound, Coverage(total, claimed, unmatched, silent, per_touchpoint)


def unbind(bound: EventLog | SparkEventLog) -> None:
    """Free what :func:`bind` made for ``bound``: its temporary table on DuckDB, its cache on
    Spark."""
    if isinstance(bound, SparkEventLog):
        bound.frame.unpersist()
    else:
        drop(bound, bound.source)
