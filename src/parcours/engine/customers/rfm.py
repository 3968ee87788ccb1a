"""RFM: recency, frequency and monetary scores 1-5, and the ten named segments.

Per customer who bought up to the as-of day (included; by default the last purchase day), one
engine query (:mod:`parcours.engine.customers.summary` reads the same purchases: the workspace's
``{orders}``, or the events named ``event``) gives:

- ``recency``: days from the last purchase day to the as-of day;
- ``frequency``: the number of purchase days;
- ``monetary``: the summed value of the purchases.

Each is scored 1 (worst) to 5 (best) by quintile of its rank among the customers, ties sharing
the score of their lowest rank (recency ranked from the most recent): score = 1 + floor(5 × share
of customers strictly worse). A customer is then named by the first rule of :data:`SEGMENTS` its
scores meet (R, F, M); the rules cover every combination.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.customers.purchases import day as _day
from parcours.engine.customers.purchases import purchases_sql
from parcours.engine.dialect import literal, period_index
from parcours.errors import EngineError

Rule = Callable[[int, int, int], bool]


@dataclass(frozen=True)
class Segment:
    """A named RFM segment: its id, English and French labels, and the rule on (R, F, M)."""

    id: str
    en: str
    fr: str
    rule: Rule
    described: str


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "champions",
        "Champions",
        "Champions",
        lambda r, f, m: r >= 4 and f >= 4 and m >= 4,
        "R>=4, F>=4, M>=4",
    ),
    Segment(
        "cant_lose",
        "Can't lose them",
        "À ne pas perdre",
        lambda r, f, m: r == 1 and f >= 4 and m >= 4,
        "R=1, F>=4, M>=4",
    ),
    Segment(
        "at_risk",
        "At risk",
        "À risque",
        lambda r, f, m: r <= 2 and f >= 3 and m >= 3,
        "R<=2, F>=3, M>=3",
    ),
    Segment(
        "loyal",
        "Loyal",
        "Fidèles",
        lambda r, f, m: r >= 3 and f >= 3 and m >= 3,
        "R>=3, F>=3, M>=3",
    ),
    Segment(
        "new", "New customers", "Nouveaux clients", lambda r, f, m: r >= 4 and f == 1, "R>=4, F=1"
    ),
    Segment("promising", "Promising", "Prometteurs", lambda r, f, m: r == 3 and f == 1, "R=3, F=1"),
    Segment(
        "potential_loyalists",
        "Potential loyalists",
        "Fidèles potentiels",
        lambda r, f, m: r >= 3,
        "R>=3, other F and M",
    ),
    Segment(
        "need_attention",
        "Need attention",
        "À surveiller",
        lambda r, f, m: r == 2 and f >= 2,
        "R=2, F>=2",
    ),
    Segment(
        "about_to_sleep",
        "About to sleep",
        "En train de s'endormir",
        lambda r, f, m: r == 2,
        "R=2, F=1",
    ),
    Segment(
        "hibernating",
        "Hibernating / lost",
        "En hibernation / perdus",
        lambda r, f, m: True,
        "R=1, other F and M",
    ),
)
BY_ID: dict[str, Segment] = {s.id: s for s in SEGMENTS}


def segment_of(r: int, f: int, m: int) -> str:
    """The id of the first segment whose rule the scores meet."""
    return next(s.id for s in SEGMENTS if s.rule(r, f, m))


def scores(values: np.ndarray, *, higher_is_better: bool = True) -> np.ndarray:
    """Quintile scores 1-5; ties share the score of their lowest rank."""
    keyed = pd.Series(values if higher_is_better else -np.asarray(values, dtype=float))
    worse = keyed.rank(method="min").to_numpy() - 1  # customers strictly worse
    return (1 + np.floor(5 * worse / max(len(keyed), 1))).astype(int)


@dataclass(frozen=True)
class RfmResult:
    """Per customer: raw R, F, M, their scores and segment; ``as_of`` the day measured."""

    as_of: date
    frame: pd.DataFrame  # customer_id, recency, frequency, monetary, r, f, m, segment

    def counts(self) -> dict[str, int]:
        """Customers per segment, every segment listed (zero included), in rule order."""
        found = self.frame["segment"].value_counts()
        return {s.id: int(found.get(s.id, 0)) for s in SEGMENTS}

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        total = max(len(self.frame), 1)
        summary = self.frame.groupby("segment")[["recency", "frequency", "monetary"]].mean()
        return {
            "as_of": self.as_of.isoformat(),
            "customers": len(self.frame),
            "segments": [
                {
                    "id": s.id,
                    "label": {"en": s.en, "fr": s.fr},
                    "rule": s.described,
                    "customers": counts[s.id],
                    "share": counts[s.id] / total,
                    "mean": None
                    if s.id not in summary.index
                    else {k: float(v) for k, v in summary.loc[s.id].items()},
                }
                for s in SEGMENTS
            ],
            "members": [
                {**row, "recency": int(row["recency"])}
                for row in self.frame.to_dict(orient="records")
            ],
        }

    def _repr_html_(self) -> str:
        return str(pd.Series(self.counts(), name="customers").to_frame().to_html())


def rfm(
    log: Backend,
    *,
    event: str | None = None,
    value: str | None = None,
    as_of: date | datetime | str | None = None,
) -> RfmResult:
    """RFM scores and named segments of the customers of ``log`` at ``as_of``."""
    source = purchases_sql(log, event, value)
    last = log.rows(f"SELECT max(CAST(timestamp AS DATE)) FROM ({source}) s")[0][0]
    if last is None:
        raise EngineError("no purchases found to score: the log has none of them.")
    day = _day(as_of) if as_of is not None else _day(last)
    end = f"DATE {literal(day.isoformat(), log.dialect)}"
    gap = period_index("day", "max(CAST(timestamp AS DATE))", end, log.dialect)
    table = log.arrow(
        f"""SELECT customer_id, {gap} AS recency,
            count(DISTINCT CAST(timestamp AS DATE)) AS frequency,
            coalesce(sum(v), 0) AS monetary FROM ({source}) s
        WHERE CAST(timestamp AS DATE) <= {end} GROUP BY customer_id ORDER BY customer_id"""
    )
    if not table.num_rows:
        raise EngineError(f"no purchases on or before {day}: choose a later as-of day.")
    frame = pd.DataFrame(
        {
            "customer_id": table.column(0).to_pandas().astype(str),
            "recency": table.column(1).to_pandas().astype(int),
            "frequency": table.column(2).to_pandas().astype(int),
            "monetary": table.column(3).to_pandas().astype(float),
        }
    )
    frame["r"] = scores(frame["recency"].to_numpy(float), higher_is_better=False)
    frame["f"] = scores(frame["frequency"].to_numpy(float))
    frame["m"] = scores(frame["monetary"].to_numpy(float))
    code = frame["r"] * 100 + frame["f"] * 10 + frame["m"]  # 125 combinations at most
    named = {c: segment_of(c // 100, c // 10 % 10, c % 10) for c in code.unique()}
    frame["segment"] = code.map(named)
    return RfmResult(day, frame)


#: The row of customers who had not bought yet at the first date, in a transition matrix.
NOT_YET = "not_yet"


@dataclass(frozen=True)
class Transitions:
    """How customers moved between segments from ``before`` to ``after``: ``counts[a][b]``
    customers were in ``a`` then in ``b`` (``a`` = :data:`NOT_YET` for customers first seen
    after ``before``)."""

    before: date
    after: date
    counts: dict[str, dict[str, int]]

    def rates(self) -> dict[str, dict[str, float]]:
        """Each row as shares of its customers."""
        return {
            a: {b: n / total for b, n in row.items()} if (total := sum(row.values())) else {}
            for a, row in self.counts.items()
        }

    def stayed(self) -> float | None:
        """The share of customers of ``before`` who kept their segment."""
        kept = sum(self.counts.get(s.id, {}).get(s.id, 0) for s in SEGMENTS)
        total = sum(sum(self.counts.get(s.id, {}).values()) for s in SEGMENTS)
        return kept / total if total else None

    def to_frame(self) -> pd.DataFrame:
        rows = [NOT_YET, *(s.id for s in SEGMENTS)]
        return pd.DataFrame(
            [[self.counts.get(a, {}).get(b.id, 0) for b in SEGMENTS] for a in rows],
            index=rows,
            columns=[s.id for s in SEGMENTS],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.isoformat(),
            "after": self.after.isoformat(),
            "stayed": self.stayed(),
            "counts": self.counts,
        }

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html())


def transitions(before: RfmResult, after: RfmResult) -> Transitions:
    """The segment movement between two RFM results of the same base."""
    if after.as_of <= before.as_of:
        raise EngineError(
            f"the second date ({after.as_of}) must come after the first ({before.as_of})."
        )
    was = dict(zip(before.frame["customer_id"], before.frame["segment"], strict=True))
    counts: dict[str, dict[str, int]] = {}
    for customer, now in zip(after.frame["customer_id"], after.frame["segment"], strict=True):
        row = counts.setdefault(was.get(customer, NOT_YET), {})
        row[now] = row.get(now, 0) + 1
    return Transitions(before.as_of, after.as_of, counts)
