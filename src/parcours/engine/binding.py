"""Data bindings compiled for the engine: which stage and touchpoint each event belongs to.

A touchpoint's or stage's :class:`~parcours.model.binding.EventMatcher` becomes a SQL predicate
over the events contract (values are quoted literals; no user SQL is ever run). An event
belongs to the first touchpoint, in map order, whose matcher it satisfies, and to that
touchpoint's stage; an event no touchpoint claims may still belong to a stage through the
stage's own matcher. The coverage report says which events nothing claims and which
touchpoints see no events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from parcours.engine.eventlog import EventLog
from parcours.model import Condition, EventMatcher, Journey
from parcours.model.vocabulary import MatchOp

_views = itertools.count()
_ORDER = {MatchOp.GT: ">", MatchOp.GTE: ">=", MatchOp.LT: "<", MatchOp.LTE: "<="}


def literal(value: str | int | float | bool) -> str:
    """A SQL literal for a matcher value."""
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, int | float):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def compile_matcher(matcher: EventMatcher) -> str:
    """A DuckDB boolean expression over the events contract for ``matcher``."""
    parts: list[str] = []
    if matcher.events:
        parts.append("(" + " OR ".join(f"event GLOB {literal(p)}" for p in matcher.events) + ")")
    if matcher.channels:
        parts.append(f"channel IN ({', '.join(literal(c) for c in matcher.channels)})")
    parts += [_condition(c) for c in matcher.where]
    return " AND ".join(parts)


def _condition(condition: Condition) -> str:
    path = literal("$." + _json_key(condition.property))
    text = f"json_extract_string(properties, {path})"
    value = condition.value
    if condition.op is MatchOp.EXISTS:
        return f"({text} IS NOT NULL)"
    if condition.op in (MatchOp.IN, MatchOp.NOT_IN):
        assert isinstance(value, tuple)
        listed = ", ".join(literal(_as_text(v)) for v in value)
        negate = "NOT " if condition.op is MatchOp.NOT_IN else ""
        return f"coalesce({text} {negate}IN ({listed}), false)"
    assert value is not None and not isinstance(value, tuple)
    if condition.op in _ORDER:
        operator = _ORDER[condition.op]
        if isinstance(value, int | float):
            return f"coalesce(TRY_CAST({text} AS DOUBLE) {operator} {literal(value)}, false)"
        return f"coalesce({text} {operator} {literal(value)}, false)"
    if condition.op is MatchOp.CONTAINS:
        return f"coalesce(contains({text}, {literal(str(value))}), false)"
    if condition.op is MatchOp.GLOB:
        return f"coalesce({text} GLOB {literal(str(value))}, false)"
    if isinstance(value, int | float) and not isinstance(value, bool):
        compared = f"TRY_CAST({text} AS DOUBLE) = {literal(value)}"
    else:
        compared = f"{text} = {literal(_as_text(value))}"
    return f"coalesce({'NOT ' if condition.op is MatchOp.NE else ''}({compared}), false)"


def _as_text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_key(name: str) -> str:
    """A JSON path step for a property name (dots in ``a.b`` walk nested objects)."""
    return ".".join('"' + part.replace('"', '\\"') + '"' for part in name.split("."))


def stage_predicate(journey: Journey, stage_id: str) -> str:
    """Events of a stage: its own matcher or any of its touchpoints' matchers."""
    stage = next(s for s in journey.stages if s.id == stage_id)
    matchers = [stage.match] + [t.match for t in stage.touchpoints]
    parts = [f"({compile_matcher(m)})" for m in matchers if m is not None]
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


def bind(log: EventLog, journey: Journey) -> tuple[EventLog, Coverage]:
    """The log with ``touchpoint`` and ``stage`` columns added (NULL when unclaimed), as a
    view of the same connection, and its coverage report."""
    touchpoint_cases = [
        f"WHEN {compile_matcher(t.match)} THEN {literal(t.id)}"
        for _, t in journey.touchpoints()
        if t.match is not None
    ]
    owner = {t.id: s.id for s, t in journey.touchpoints()}
    touchpoint = f"CASE {' '.join(touchpoint_cases)} END" if touchpoint_cases else "NULL"
    from_touchpoint = [f"WHEN tp = {literal(t)} THEN {literal(s)}" for t, s in owner.items()]
    from_stage = [
        f"WHEN {compile_matcher(s.match)} THEN {literal(s.id)}"
        for s in journey.stages
        if s.match is not None
    ]
    stage_cases = from_touchpoint + from_stage
    stage = f"CASE {' '.join(stage_cases)} END" if stage_cases else "NULL"
    view = f"parcours_bound_{next(_views)}"
    log.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * EXCLUDE (tp), tp AS touchpoint, "
        f"{stage} AS stage FROM (SELECT *, {touchpoint} AS tp FROM {{events}})"
    ).fetchall()
    bound = EventLog(log.connection, view)
    counts = dict(bound.execute("SELECT touchpoint, count(*) FROM {events} GROUP BY 1").fetchall())
    unmatched = dict(
        bound.execute(
            "SELECT event, count(*) FROM {events} WHERE stage IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    total = log.count()
    claimed = total - sum(unmatched.values())
    per_touchpoint = {t.id: int(counts.get(t.id, 0)) for _, t in journey.touchpoints()}
    silent = tuple(t for t, n in per_touchpoint.items() if n == 0)
    return bound, Coverage(total, claimed, unmatched, silent, per_touchpoint)
