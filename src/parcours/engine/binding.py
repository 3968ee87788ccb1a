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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.dialect import Dialect, glob, json_text, literal, quote
from parcours.model import Condition, EventMatcher, Journey
from parcours.model.vocabulary import MatchOp

_ORDER = {MatchOp.GT: ">", MatchOp.GTE: ">=", MatchOp.LT: "<", MatchOp.LTE: "<="}


def compile_matcher(matcher: EventMatcher, dialect: Dialect = "duckdb") -> str:
    """A boolean expression over the events contract for ``matcher``, in ``dialect``'s SQL."""
    parts: list[str] = []
    if matcher.events:
        parts.append("(" + " OR ".join(glob("event", p, dialect) for p in matcher.events) + ")")
    if matcher.channels:
        parts.append(f"channel IN ({', '.join(literal(c, dialect) for c in matcher.channels)})")
    parts += [_condition(c, dialect) for c in matcher.where]
    return " AND ".join(parts)


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
        return f"coalesce({glob(text, str(value), dialect)}, false)"
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
    #: every event name in the log (for the names a binding expects and never sees)
    seen: tuple[str, ...] = field(default=(), repr=False)

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


def bind(log: Backend, journey: Journey) -> tuple[Backend, Coverage]:
    """The log with ``touchpoint`` and ``stage`` columns added (NULL when unclaimed), and its
    coverage report. The bound log is computed once (a temporary table on DuckDB, a cached
    DataFrame on Spark): every later query filters on stage or touchpoint, and a view would
    evaluate the matchers again in each of them (and once per CASE branch)."""
    dialect = log.dialect

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
    kept = ", ".join(quote(c, dialect) for c in log.columns() if c not in ("touchpoint", "stage"))
    bound = log.view(
        f"SELECT {kept}, CAST(tp AS STRING) AS touchpoint, CAST({stage} AS STRING) AS stage "
        f"FROM (SELECT *, {touchpoint} AS tp FROM {{events}}) q",
        materialise=True,
    )
    counts = dict(bound.rows("SELECT touchpoint, count(*) FROM {events} GROUP BY touchpoint"))
    by_event = bound.rows(
        "SELECT event, sum(CASE WHEN stage IS NULL THEN 1 ELSE 0 END) AS n FROM {events} "
        "GROUP BY event ORDER BY n DESC, event"
    )
    unmatched = {event: int(n) for event, n in by_event if n}
    seen = tuple(sorted(str(event) for event, _ in by_event if event is not None))
    total = sum(counts.values())  # every event falls in one touchpoint group, NULL included
    claimed = total - sum(unmatched.values())
    per_touchpoint = {t.id: int(counts.get(t.id, 0)) for _, t in journey.touchpoints()}
    silent = tuple(t for t, n in per_touchpoint.items() if n == 0)
    return bound, Coverage(total, claimed, unmatched, silent, per_touchpoint, seen)


@contextmanager
def bound(log: Backend, journey: Journey) -> Iterator[tuple[Backend, Coverage]]:
    """:func:`bind` for the time of a ``with`` block: the bound log is released on leaving."""
    tied, coverage = bind(log, journey)
    try:
        yield tied, coverage
    finally:
        tied.release()


@dataclass(frozen=True)
class BindingPreview:
    """What a touchpoint's binding would claim: how many events it matches (and of which
    names), and which event names no touchpoint of the map matches at all with it in place."""

    events: int  # events in the log
    matched: int  # events the binding matches
    names: dict[str, int] = field(default_factory=dict)  # matched event name → count (top)
    unclaimed: dict[str, int] = field(default_factory=dict)  # name → count, no touchpoint's

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "matched": self.matched,
            "names": self.names,
            "unclaimed": self.unclaimed,
        }


def preview_binding(
    log: Backend,
    journey: Journey,
    touchpoint_id: str,
    matcher: EventMatcher | None,
    *,
    limit: int = 8,
) -> BindingPreview:
    """How ``matcher`` would bind touchpoint ``touchpoint_id``: counts in one pass over the
    log, the names cut to the ``limit`` most frequent."""
    dialect = log.dialect
    others = [
        compile_matcher(t.match, dialect)
        for _, t in journey.touchpoints()
        if t.match is not None and t.id != touchpoint_id
    ]
    mine = compile_matcher(matcher, dialect) if matcher is not None else "false"
    claimed = " OR ".join(f"coalesce({p}, false)" for p in [mine, *others])
    rows = log.rows(
        f"SELECT event, count(*) AS n, count(*) FILTER (WHERE coalesce({mine}, false)) AS mine, "
        f"bool_or({claimed}) AS claimed FROM {{events}} GROUP BY event ORDER BY n DESC, event"
    )
    names = {str(e): int(m) for e, _, m, _ in rows if m}
    unclaimed = {str(e): int(n) for e, n, _, c in rows if not c}
    return BindingPreview(
        events=sum(int(n) for _, n, _, _ in rows),
        matched=sum(names.values()),
        names=dict(sorted(names.items(), key=lambda kv: -kv[1])[:limit]),
        unclaimed=dict(list(unclaimed.items())[:limit]),
    )
