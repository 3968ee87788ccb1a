"""Paths: directly-follows graph, start and end activities, variants, case durations, loops.

Process-mining vocabulary: a *case* is a customer, an *activity* an event name. Two events
directly follow each other when they are consecutive in the customer's events ordered by
(timestamp, event_seq); self-loops count. A *variant* is a customer's sequence of events; the
case duration is last minus first event time. Durations are in seconds.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.engine.eventlog import EventLog

_names = itertools.count()


@dataclass(frozen=True)
class Edge:
    """``source`` directly followed by ``target``: how often, and the time between them."""

    source: str
    target: str
    count: int
    mean_s: float
    median_s: float


@dataclass(frozen=True)
class Variant:
    """One distinct sequence of activities, with the number and share of cases following it."""

    activities: tuple[str, ...]
    count: int
    share: float


@dataclass(frozen=True)
class DurationStats:
    """Summary of durations in seconds; ``median`` is the middle case (the upper of the two
    middle ones for an even count, as pm4py reports it)."""

    n: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    p90: float | None


@dataclass(frozen=True)
class Repetition:
    """An activity done more than once by some cases: ``cases`` of them, ``extra`` times in all."""

    activity: str
    cases: int
    extra: int


@dataclass(frozen=True)
class PathsResult:
    """Directly-follows graph (with durations), variants and their summaries for one log."""

    cases: int
    events: int
    activities: dict[str, int]
    dfg: tuple[Edge, ...]
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    n_variants: int
    variants: tuple[Variant, ...]
    case_duration: DurationStats
    self_loops: dict[str, int]
    repetitions: tuple[Repetition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "events": self.events,
            "activities": self.activities,
            "dfg": [[e.source, e.target, e.count] for e in self.dfg],
            "performance_dfg": [[e.source, e.target, e.mean_s, e.median_s] for e in self.dfg],
            "start_activities": self.start_activities,
            "end_activities": self.end_activities,
            "n_variants": self.n_variants,
            "variants": [[list(v.activities), v.count] for v in self.variants],
            "case_duration_s": asdict(self.case_duration),
            "self_loops": self.self_loops,
            "repetitions": [asdict(r) for r in self.repetitions],
        }

    def to_frame(self) -> pd.DataFrame:
        """The directly-follows graph: one row per edge."""
        return pd.DataFrame([asdict(e) for e in self.dfg])

    def variants_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"variant": " > ".join(v.activities), "count": v.count, "share": v.share}]
            for v in self.variants
        )

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def paths(log: EventLog, *, top_variants: int | None = 20) -> PathsResult:
    """Directly-follows graph, activities, variants (the ``top_variants`` most frequent; all
    with ``None``), case durations and loops of ``log``."""
    table = f"parcours_dfg_{next(_names)}"
    log.execute(
        f"""CREATE TEMP TABLE {table} AS
        SELECT customer_id, event, epoch_us(timestamp) AS ts,
               lead(event) OVER w AS next_event,
               lead(epoch_us(timestamp)) OVER w - epoch_us(timestamp) AS gap_us,
               row_number() OVER w AS pos
        FROM {{events}}
        WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, event_seq)"""
    )
    try:
        return _summarise(log, table, top_variants)
    finally:
        log.execute(f"DROP TABLE IF EXISTS {table}")


def _counts(log: EventLog, sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in log.execute(sql).fetchall()}


def _summarise(log: EventLog, t: str, top: int | None) -> PathsResult:
    ((cases, events),) = log.execute(
        f"SELECT count(DISTINCT customer_id), count(*) FROM {t}"
    ).fetchall()
    activities = _counts(
        log, f"SELECT event, count(*) AS n FROM {t} GROUP BY event ORDER BY n DESC, event"
    )
    dfg = tuple(
        Edge(a, b, int(n), float(mean) / 1e6, float(median) / 1e6)
        for a, b, n, mean, median in log.execute(
            f"""SELECT event, next_event, count(*) AS n, avg(gap_us), median(gap_us)
            FROM {t} WHERE next_event IS NOT NULL
            GROUP BY event, next_event ORDER BY n DESC, event, next_event"""
        ).fetchall()
    )
    starts = _counts(
        log, f"SELECT event, count(*) AS n FROM {t} WHERE pos = 1 GROUP BY event ORDER BY n DESC"
    )
    ends = _counts(
        log,
        f"SELECT event, count(*) AS n FROM {t} WHERE next_event IS NULL "
        "GROUP BY event ORDER BY n DESC, event",
    )
    per_case = f"""SELECT customer_id, list(event ORDER BY pos) AS variant,
                   (max(ts) - min(ts)) / 1e6 AS duration FROM {t} GROUP BY customer_id"""
    limit = "" if top is None else f"LIMIT {int(top)}"
    ((n_variants,),) = log.execute(f"SELECT count(DISTINCT variant) FROM ({per_case})").fetchall()
    variants = tuple(
        Variant(tuple(v), int(n), int(n) / cases)
        for v, n in log.execute(
            f"""SELECT variant, count(*) AS n FROM ({per_case}) GROUP BY variant
            ORDER BY n DESC, variant {limit}"""
        ).fetchall()
    )
    ((n, mean, median, lo, hi, p90),) = log.execute(
        f"""SELECT count(*), avg(duration), list_sort(list(duration))[count(*) // 2 + 1],
        min(duration), max(duration), quantile_cont(duration, 0.9) FROM ({per_case})"""
    ).fetchall()
    loops = {e.source: e.count for e in dfg if e.source == e.target}
    repetitions = tuple(
        Repetition(str(a), int(c), int(x))
        for a, c, x in log.execute(
            f"""SELECT event, count(*) AS cases, sum(n - 1) AS extra FROM
            (SELECT customer_id, event, count(*) AS n FROM {t} GROUP BY ALL HAVING n > 1)
            GROUP BY event ORDER BY extra DESC, event"""
        ).fetchall()
    )
    return PathsResult(
        cases=int(cases),
        events=int(events),
        activities=activities,
        dfg=dfg,
        start_activities=starts,
        end_activities=ends,
        n_variants=int(n_variants),
        variants=variants,
        case_duration=DurationStats(int(n), mean, median, lo, hi, p90),
        self_loops=loops,
        repetitions=repetitions,
    )
