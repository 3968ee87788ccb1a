"""Retention cohorts and lifecycle per period (day, week or month), PostHog semantics.

Periods are calendar days, ISO weeks (from Monday) or calendar months of the UTC timestamps;
they run, with no gap, from the period of the log's first event to that of its last one.

*Retention* (``retention``): a cohort is a period in which customers did the start event.
``first_time``: each customer belongs to one cohort, the period of their first start event ever.
``recurring``: a customer belongs to the cohort of every period in which they did the start event.
Offset 0 counts the whole cohort (100 %); a cohort member is retained at offset ``k ≥ 1`` when
they did the return event in the ``k``-th period after the cohort's. Cells after the log's last
period are not observed and not reported. No start (return) event means any event.

*Lifecycle* (``lifecycle``): per period, a customer active in it (did the chosen event) is *new*
when the period is the one of their first event of any kind in the log (the log's stand-in for
PostHog's person creation), *returning* when they were also active in the previous period, and
*resurrecting* otherwise; a customer active in the previous period and not in this one is
*dormant*. The churn rate of a period is dormant customers over those active in the previous one.

Both run on either engine: the same SQL, with the few differences of Spark SQL written beside
DuckDB's (:mod:`parcours.engine.dialect`), and the activity table kept by the log.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.dialect import Dialect, literal, period_index
from parcours.engine.series import period_starts
from parcours.errors import EngineError

Period = Literal["day", "week", "month"]
RetentionKind = Literal["first_time", "recurring"]
PERIODS: tuple[str, ...] = ("day", "week", "month")
KINDS: tuple[str, ...] = ("first_time", "recurring")

_tables = itertools.count()


@dataclass(frozen=True)
class RetentionCell:
    """Of the ``cohort_size`` customers of ``cohort``, ``retained`` came back ``offset`` periods
    later; ``rate`` is their share (``None`` for an empty cohort)."""

    cohort: date
    offset: int
    cohort_size: int
    retained: int
    rate: float | None


@dataclass(frozen=True)
class RetentionResult:
    """A cohort × offset retention matrix, as tidy cells (cohorts in time order)."""

    period: str
    kind: str
    start_event: tuple[str, ...] | None
    return_event: tuple[str, ...] | None
    cells: tuple[RetentionCell, ...]

    @property
    def cohorts(self) -> dict[date, int]:
        """Size of each cohort."""
        return {c.cohort: c.cohort_size for c in self.cells if c.offset == 0}

    def average(self) -> dict[int, float | None]:
        """Retention per offset over every cohort observed that far, weighted by cohort size."""
        totals: dict[int, list[int]] = {}
        for c in self.cells:
            kept, size = totals.setdefault(c.offset, [0, 0])
            totals[c.offset] = [kept + c.retained, size + c.cohort_size]
        return {k: (kept / size if size else None) for k, (kept, size) in totals.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "kind": self.kind,
            "start_event": None if self.start_event is None else list(self.start_event),
            "return_event": None if self.return_event is None else list(self.return_event),
            "cohorts": [
                {
                    "cohort": cohort.isoformat(),
                    "size": size,
                    "retained": [c.retained for c in self.cells if c.cohort == cohort],
                    "rates": [c.rate for c in self.cells if c.cohort == cohort],
                }
                for cohort, size in self.cohorts.items()
            ],
            "average": [rate for _, rate in sorted(self.average().items())],
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per observed (cohort, offset) cell."""
        columns = ["cohort", "offset", "cohort_size", "retained", "rate"]
        return pd.DataFrame([asdict(c) for c in self.cells], columns=columns)

    def matrix(self, value: Literal["rate", "retained"] = "rate") -> pd.DataFrame:
        """Wide: one row per cohort (with its size), one column per offset."""
        frame = self.to_frame()
        wide = frame.pivot(index="cohort", columns="offset", values=value)
        wide.insert(0, "size", frame[frame["offset"] == 0].set_index("cohort")["cohort_size"])
        return wide

    def _repr_html_(self) -> str:
        return str(self.matrix().to_html())


@dataclass(frozen=True)
class LifecyclePeriod:
    """Customers of one period by lifecycle status; ``active`` = new + returning + resurrecting."""

    period: date
    new: int
    returning: int
    resurrecting: int
    dormant: int
    churn_rate: float | None

    @property
    def active(self) -> int:
        return self.new + self.returning + self.resurrecting


@dataclass(frozen=True)
class LifecycleResult:
    """Lifecycle statuses and churn per period, in time order."""

    period: str
    event: tuple[str, ...] | None
    periods: tuple[LifecyclePeriod, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "event": None if self.event is None else list(self.event),
            "periods": [
                {**asdict(p), "period": p.period.isoformat(), "active": p.active}
                for p in self.periods
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per period."""
        columns = ["period", "active", "new", "returning", "resurrecting", "dormant", "churn_rate"]
        rows = [{**asdict(p), "active": p.active} for p in self.periods]
        return pd.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def retention(
    log: Backend,
    *,
    period: Period = "week",
    kind: RetentionKind = "first_time",
    start_event: str | Sequence[str] | None = None,
    return_event: str | Sequence[str] | None = None,
    offsets: int | None = None,
) -> RetentionResult:
    """The retention matrix of ``log``; ``offsets`` caps the offsets reported (0 to
    ``offsets - 1``; all observed ones by default)."""
    if kind not in KINDS:
        raise EngineError(f"unknown retention kind {kind!r}; use one of {', '.join(KINDS)}.")
    if offsets is not None and offsets < 1:
        raise EngineError(f"offsets must be at least 1, got {offsets}.")
    starts, returns = _names(log, start_event), _names(log, return_event)
    with _Activity(log, period, starts, returns) as activity:
        first = "min(i)" if kind == "first_time" else "i"
        group = "GROUP BY customer_id" if kind == "first_time" else ""
        cohorts = f"SELECT customer_id, {first} AS c FROM {activity.table} WHERE s {group}"
        sizes = dict(log.rows(f"SELECT c, count(*) FROM ({cohorts}) q GROUP BY c"))
        kept = {
            (c, k): n
            for c, k, n in log.rows(
                f"""SELECT q.c, a.i - q.c AS k, count(*) FROM ({cohorts}) q
                JOIN {activity.table} a ON a.customer_id = q.customer_id
                WHERE a.r AND a.i > q.c GROUP BY q.c, a.i - q.c""",
            )
        }
    cells = []
    labels = activity.labels
    for c, cohort in enumerate(labels):
        size = int(sizes.get(c, 0))
        horizon = len(labels) - c if offsets is None else min(offsets, len(labels) - c)
        for k in range(horizon):
            retained = size if k == 0 else int(kept.get((c, k), 0))
            cells.append(
                RetentionCell(cohort, k, size, retained, retained / size if size else None)
            )
    return RetentionResult(period, kind, starts, returns, tuple(cells))


def lifecycle(
    log: Backend,
    *,
    period: Period = "week",
    event: str | Sequence[str] | None = None,
) -> LifecycleResult:
    """New, returning, resurrecting and dormant customers, and churn, per period of ``log``."""
    events = _names(log, event)
    with _Activity(log, period, None, events) as activity:
        found = log.rows(
            f"""WITH active AS (
                SELECT i, born, lag(i) OVER w AS prev, lead(i) OVER w AS next
                FROM (SELECT *, min(i) OVER (PARTITION BY customer_id) AS born
                      FROM {activity.table}) q WHERE r
                WINDOW w AS (PARTITION BY customer_id ORDER BY i)),
            statuses AS (
                SELECT i, CASE WHEN i = born THEN 'new' WHEN prev = i - 1 THEN 'returning'
                               ELSE 'resurrecting' END AS status FROM active
                UNION ALL
                SELECT i + 1 AS i, 'dormant' AS status FROM active
                WHERE (next IS NULL OR next > i + 1) AND i + 1 < {len(activity.labels)})
            SELECT i, status, count(*) FROM statuses GROUP BY i, status""",
        )
    counts = {(int(i), str(status)): int(n) for i, status, n in found}
    periods: list[LifecyclePeriod] = []
    for i, label in enumerate(activity.labels):
        new, returning, resurrecting, dormant = (
            counts.get((i, s), 0) for s in ("new", "returning", "resurrecting", "dormant")
        )
        before = periods[-1].active if periods else 0
        churn = dormant / before if before else None
        periods.append(LifecyclePeriod(label, new, returning, resurrecting, dormant, churn))
    return LifecycleResult(period, events, tuple(periods))


def _names(log: Backend, events: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """The event names as a tuple, checked against the log (a typo fails loudly)."""
    if events is None:
        return None
    names = (events,) if isinstance(events, str) else tuple(events)
    if not names:
        raise EngineError("name at least one event, or none for any event.")
    listed = ", ".join(literal(n, log.dialect) for n in names)
    found = {
        r[0] for r in log.rows(f"SELECT DISTINCT event FROM {{events}} WHERE event IN ({listed})")
    }
    missing = [n for n in names if n not in found]
    if missing:
        common = [
            r[0]
            for r in log.rows(
                "SELECT event FROM {events} GROUP BY event ORDER BY count(*) DESC, event LIMIT 8",
            )
        ]
        raise EngineError(
            f"no event named {', '.join(map(repr, missing))} in the event log; "
            f"its most frequent events are {', '.join(common) or 'none'}. Check the spelling."
        )
    return names


class _Activity:
    """A temporary table ``(customer_id, i, s, r)``: per customer and period index ``i`` (0 = the
    log's first period) whether they did a start (``s``) or a return (``r``) event. ``labels``
    holds the first day of each period."""

    def __init__(
        self,
        log: Backend,
        period: str,
        starts: tuple[str, ...] | None,
        returns: tuple[str, ...] | None,
    ) -> None:
        if period not in PERIODS:
            raise EngineError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}.")
        self.log, self.period = log, period
        self.table = f"parcours_activity_{next(_tables)}"
        dialect = log.dialect
        self.starts, self.returns = _predicate(starts, dialect), _predicate(returns, dialect)
        self.labels: list[date] = []

    def __enter__(self) -> _Activity:
        unit, log = self.period, self.log
        ((first, last),) = log.rows(
            f"SELECT CAST(min(date_trunc('{unit}', timestamp)) AS DATE), "
            f"CAST(max(date_trunc('{unit}', timestamp)) AS DATE) FROM {{events}}",
        )
        if first is not None:
            self.labels = period_starts(first, last, unit)
        origin = f"DATE '{(first or date(1970, 1, 1)).isoformat()}'"
        index = period_index(unit, origin, "p", log.dialect)
        select = f"""SELECT customer_id, {index} AS i, bool_or(s) AS s, bool_or(r) AS r
            FROM (SELECT customer_id, CAST(date_trunc('{unit}', timestamp) AS DATE) AS p,
                         {self.starts} AS s, {self.returns} AS r FROM {{events}}) q
            GROUP BY customer_id, p"""
        log.keep(self.table, select)
        return self

    def __exit__(self, *exc: object) -> None:
        self.log.drop(self.table)


def _predicate(events: tuple[str, ...] | None, dialect: Dialect) -> str:
    if events is None:
        return "true"
    return f"event IN ({', '.join(literal(e, dialect) for e in events)})"
