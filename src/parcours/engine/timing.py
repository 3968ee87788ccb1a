"""Durations over a journey's stages: time in each stage, time between stages, whole journey.

The log must be bound (:func:`parcours.engine.binding.bind`): its ``stage`` column says which
stage each event belongs to (``NULL`` for events of no stage, which are left out). Events are
ordered by ``(timestamp, event_seq)``; durations are in seconds.

- *Time in stage*: per customer, the last minus the first event of the stage (0 for a single
  event); every customer with an event in the stage counts.
- *Time between stages* ``k → k+1``: per customer, the first stage-``k+1`` event that comes after
  a stage-``k`` event, minus the last stage-``k`` event before it (the hand-over). Customers who
  never did a stage-``k`` event followed by a stage-``k+1`` event do not count.
- *Whole journey*: per customer, the last minus the first event of any stage, summarised and
  binned into a histogram whose edges are round durations (seconds, minutes, hours, days).

Percentiles interpolate linearly between the two nearest values (``numpy.percentile``'s default).
Both engines run the same SQL (Spark SQL's names written beside DuckDB's).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.binding import bound
from parcours.engine.dialect import Dialect, first_by, literal, micros, quantile
from parcours.errors import EngineError
from parcours.model import Journey

_tables = itertools.count()

_MINUTE, _HOUR, _DAY = 60, 3600, 86400
#: Round durations that histogram edges are chosen from (seconds); years follow 365 days.
LADDER: tuple[int, ...] = (
    *(0, 1, 5, 15, 30),
    *(m * _MINUTE for m in (1, 5, 15, 30)),
    *(h * _HOUR for h in (1, 2, 6, 12)),
    *(d * _DAY for d in (1, 2, 3, 7, 14, 30, 60, 90, 180, 365)),
)


@dataclass(frozen=True)
class TimeStats:
    """Distribution of one duration over customers, in seconds (``None`` when ``count`` is 0)."""

    count: int
    mean_s: float | None
    median_s: float | None
    p25_s: float | None
    p75_s: float | None
    p90_s: float | None
    min_s: float | None
    max_s: float | None


@dataclass(frozen=True)
class StageTime:
    """Time customers spend in one stage (first to last event of the stage)."""

    stage: str
    stats: TimeStats


@dataclass(frozen=True)
class Transition:
    """Time from the last event of ``source`` to the first event of the next stage ``target``."""

    source: str
    target: str
    stats: TimeStats


@dataclass(frozen=True)
class Bucket:
    """Customers whose whole-journey duration is in ``[low_s, high_s)``."""

    low_s: float
    high_s: float
    label: str
    customers: int
    share: float


@dataclass(frozen=True)
class TimingResult:
    """Durations of a journey's stages, hand-overs and whole journeys, for ``customers`` customers
    with at least one event in a stage."""

    customers: int
    stages: tuple[StageTime, ...]
    transitions: tuple[Transition, ...]
    journey: TimeStats
    histogram: tuple[Bucket, ...]

    def stage(self, stage_id: str) -> TimeStats:
        """The time-in-stage statistics of one stage (KeyError when absent)."""
        for item in self.stages:
            if item.stage == stage_id:
                return item.stats
        raise KeyError(stage_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "stages": [{"stage": s.stage, **asdict(s.stats)} for s in self.stages],
            "transitions": [
                {"source": t.source, "target": t.target, **asdict(t.stats)}
                for t in self.transitions
            ],
            "journey": asdict(self.journey),
            "histogram": [asdict(b) for b in self.histogram],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per measured duration: each stage, each hand-over, then the whole journey."""
        rows = [{"kind": "stage", "name": s.stage, **asdict(s.stats)} for s in self.stages]
        rows += [
            {"kind": "transition", "name": f"{t.source} → {t.target}", **asdict(t.stats)}
            for t in self.transitions
        ]
        rows.append({"kind": "journey", "name": "journey", **asdict(self.journey)})
        return pd.DataFrame(rows)

    def histogram_frame(self) -> pd.DataFrame:
        """The whole-journey histogram: one row per bucket."""
        return pd.DataFrame([asdict(b) for b in self.histogram])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def timing(log: Backend, stages: Sequence[str]) -> TimingResult:
    """Durations over the bound ``log`` for the stages ``stages``, in journey order."""
    if not log.has_column("stage"):
        raise EngineError(
            "the event log has no stage column; bind it to a journey first "
            "(parcours.engine.binding.bind) or call journey_timing(log, journey)."
        )
    if len(set(stages)) != len(stages):
        raise EngineError(f"stages must be distinct; got {', '.join(stages)}.")
    if not stages:
        raise EngineError("give at least one stage to measure durations over.")
    n = next(_tables)
    staged, spans = f"parcours_staged_{n}", f"parcours_spans_{n}"
    dialect = log.dialect
    listed = ", ".join(literal(s, dialect) for s in stages)
    # The bound view is read once and unfiltered: a filter on ``stage`` is pushed into the view,
    # where it re-evaluates the touchpoint matchers for every stage branch (about 8x slower).
    ts = micros("timestamp", dialect)
    log.keep(staged, f"SELECT customer_id, stage, {ts} AS ts, event_seq FROM {{events}}")
    journeys = (
        f"SELECT customer_id, (max(last_us) - min(first_us)) / 1e6 AS d FROM {spans} "
        "GROUP BY customer_id"
    )
    try:
        log.keep(
            spans,
            f"""SELECT customer_id, stage, min(ts) AS first_us, max(ts) AS last_us
            FROM {staged} WHERE stage IN ({listed}) GROUP BY customer_id, stage""",
        )
        in_stage = _stats_by(
            log, f"SELECT stage AS key, (last_us - first_us) / 1e6 AS d FROM {spans}"
        )
        whole = _stats_by(log, f"SELECT 'journey' AS key, d FROM ({journeys}) q").get(
            "journey", _EMPTY
        )
        histogram = _histogram(log, journeys, whole)
        gaps = _stats_by(log, _handover_sql(staged, stages, dialect))
    finally:
        for table in (spans, staged):
            log.drop(table)
    return TimingResult(
        customers=whole.count,
        stages=tuple(StageTime(s, in_stage.get(s, _EMPTY)) for s in stages),
        transitions=tuple(
            Transition(a, b, gaps.get(a, _EMPTY)) for a, b in itertools.pairwise(stages)
        ),
        journey=whole,
        histogram=histogram,
    )


def journey_timing(log: Backend, journey: Journey) -> TimingResult:
    """Bind ``log`` to ``journey`` and measure the durations of its stages."""
    with bound(log, journey) as (tied, _):
        return timing(tied, [s.id for s in journey.stages])


_EMPTY = TimeStats(0, None, None, None, None, None, None, None)


def _stats_by(log: Backend, sql: str) -> dict[str, TimeStats]:
    """Statistics of ``d`` per ``key`` of the rows of ``sql``."""
    name = quantile(log.dialect)
    aggregates = ", ".join(
        ["count(d)", "avg(d)"]
        + [f"{name}(d, {q})" for q in (0.5, 0.25, 0.75, 0.9)]
        + ["min(d)", "max(d)"]
    )
    found = log.rows(f"SELECT key, {aggregates} FROM ({sql}) q GROUP BY key")
    return {str(key): _stats(values) for key, *values in found}


def _stats(values: Sequence[Any]) -> TimeStats:
    count, *rest = values
    if not count:
        return _EMPTY
    return TimeStats(int(count), *(float(v) for v in rest))


def _handover_sql(staged: str, stages: Sequence[str], dialect: Dialect) -> str:
    """Per customer and stage pair ``k → k+1`` (keyed by stage ``k``): the first stage-``k+1``
    event after a stage-``k`` event, minus the last stage-``k`` event before it. ``staged``
    holds ``customer_id, stage, ts`` (microseconds) and ``event_seq``."""

    def text(value: str) -> str:
        return literal(value, dialect)

    last_seen = ", ".join(
        f"max(CASE WHEN stage = {text(s)} THEN ts END) OVER w AS last_{i}"
        for i, s in enumerate(stages[:-1])
    )
    previous = " ".join(
        f"WHEN stage = {text(b)} THEN {text(a)}" for a, b in itertools.pairwise(stages)
    )
    since = " ".join(
        f"WHEN stage = {text(stages[i + 1])} THEN last_{i}" for i in range(len(stages) - 1)
    )
    if not previous:
        return "SELECT CAST(NULL AS STRING) AS key, CAST(NULL AS DOUBLE) AS d WHERE false"
    listed = ", ".join(text(s) for s in stages)
    first = first_by(dialect)
    return f"""SELECT key, {first}(d, pos) AS d FROM (
        SELECT customer_id, CASE {previous} END AS key, (ts - CASE {since} END) / 1e6 AS d, pos
        FROM (SELECT *, {last_seen}, row_number() OVER (PARTITION BY customer_id
                        ORDER BY ts, event_seq) AS pos FROM {staged}
              WHERE stage IN ({listed})
              WINDOW w AS (PARTITION BY customer_id ORDER BY ts, event_seq
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) q) r
        WHERE key IS NOT NULL AND d IS NOT NULL GROUP BY customer_id, key"""


def histogram_edges(low: float, high: float) -> list[float]:
    """Round edges (from :data:`LADDER`, then whole years) covering ``[low, high]``: the first
    edge is the largest round duration ≤ ``low``, the last the smallest one > ``high``."""
    ladder = list(LADDER)
    while ladder[-1] <= high:
        ladder.append(ladder[-1] + 365 * _DAY)
    start = max(i for i, edge in enumerate(ladder) if edge <= low)
    stop = min(i for i, edge in enumerate(ladder) if edge > high)
    return [float(e) for e in ladder[start : stop + 1]]


def _histogram(log: Backend, journeys: str, whole: TimeStats) -> tuple[Bucket, ...]:
    if whole.min_s is None or whole.max_s is None:
        return ()
    edges = histogram_edges(whole.min_s, whole.max_s)
    cases = " ".join(f"WHEN d < {edge!r} THEN {i}" for i, edge in enumerate(edges[1:]))
    found = log.rows(f"SELECT CASE {cases} END AS b, count(*) FROM ({journeys}) q GROUP BY 1")
    counts = {int(b): int(n) for b, n in found}
    return tuple(
        Bucket(
            low_s=lo,
            high_s=hi,
            label=f"{format_seconds(lo)}–{format_seconds(hi)}",
            customers=counts.get(i, 0),
            share=counts.get(i, 0) / whole.count,
        )
        for i, (lo, hi) in enumerate(itertools.pairwise(edges))
    )


def format_seconds(seconds: float) -> str:
    """A round duration in its largest whole unit: ``0s``, ``30s``, ``15min``, ``6h``, ``14d``."""
    for unit, size in (("d", _DAY), ("h", _HOUR), ("min", _MINUTE)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
