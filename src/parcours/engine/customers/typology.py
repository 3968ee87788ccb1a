"""Journey typology: simple, complex or long, from the data, by declared thresholds.

The seeds' three kinds of journey (DOMAIN.md §1): *simple* (an impulse purchase), *complex* (a
big purchase after much research) and *long* (spread over time, with regular follow-up). Each
customer's journey runs from their first event to their first ``conversion`` event (included;
to their last event when they never converted, or when no conversion is named). One engine query
measures it: events, distinct channels, active days (calendar days with an event) and span
(days from the first event to the end). Then, with the thresholds of :class:`Thresholds`, the
first rule that holds names it:

1. **long**: span >= ``long_min_days`` and active days >= ``long_min_active_days``;
2. **simple**: span <= ``simple_max_days``, events <= ``simple_max_events`` and channels <=
   ``simple_max_channels``;
3. **complex**: the others (research over several days, or many touchpoints or channels).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.dialect import literal, micros
from parcours.errors import EngineError

KINDS = ("simple", "complex", "long")
LABELS = {
    "simple": {"en": "Simple (impulse purchase)", "fr": "Simple (achat d'impulsion)"},
    "complex": {"en": "Complex (much research)", "fr": "Complexe (beaucoup de recherche)"},
    "long": {"en": "Long (spread over time)", "fr": "Long (étalé dans le temps)"},
}


@dataclass(frozen=True)
class Thresholds:
    """The declared limits of the typology (days, events, channels)."""

    simple_max_days: float = 1.0
    simple_max_events: int = 10
    simple_max_channels: int = 2
    long_min_days: float = 30.0
    long_min_active_days: int = 4

    def __post_init__(self) -> None:
        if self.simple_max_days >= self.long_min_days:
            raise EngineError(
                f"simple_max_days ({self.simple_max_days}) must be below long_min_days "
                f"({self.long_min_days})."
            )

    def kind(self, span: float, events: int, channels: int, active_days: int) -> str:
        if span >= self.long_min_days and active_days >= self.long_min_active_days:
            return "long"
        if (
            span <= self.simple_max_days
            and events <= self.simple_max_events
            and channels <= self.simple_max_channels
        ):
            return "simple"
        return "complex"


@dataclass(frozen=True)
class TypologyResult:
    """Each customer's journey measures and kind, with the thresholds used."""

    thresholds: Thresholds
    conversion: str | None
    frame: pd.DataFrame  # customer_id, events, channels, active_days, span_days, converted, kind

    def counts(self) -> dict[str, int]:
        return {k: int((self.frame["kind"] == k).sum()) for k in KINDS}

    def profile(self) -> pd.DataFrame:
        """Per kind: customers, share, median measures and conversion rate."""
        grouped = self.frame.groupby("kind")
        table = grouped[["events", "channels", "active_days", "span_days"]].median()
        table["customers"] = grouped.size()
        table["share"] = table["customers"] / max(len(self.frame), 1)
        table["converted"] = grouped["converted"].mean()
        return table.reindex([k for k in KINDS if k in table.index])

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        profile = self.profile()
        return {
            "thresholds": asdict(self.thresholds),
            "conversion": self.conversion,
            "kinds": [
                {
                    "kind": k,
                    "label": LABELS[k],
                    "customers": self.counts()[k],
                    **(
                        {c: float(v) for c, v in profile.loc[k].items() if c != "customers"}
                        if k in profile.index
                        else {}
                    ),
                }
                for k in KINDS
            ],
            "customers": self.frame.to_dict(orient="records"),
        }

    def _repr_html_(self) -> str:
        return str(self.profile().to_html())


def journey_typology(
    log: Backend, *, conversion: str | None = None, thresholds: Thresholds | None = None
) -> TypologyResult:
    """Classify every customer's journey of ``log`` (see the module's docstring)."""
    limits = thresholds or Thresholds()
    d = log.dialect
    end = "max(timestamp)"
    if conversion is not None:
        end = f"coalesce(min(CASE WHEN event = {literal(conversion, d)} THEN timestamp END), {end})"
    bounded = f"""SELECT e.customer_id, e.timestamp, e.channel, b.converted FROM {{events}} e
        JOIN (SELECT customer_id, {end} AS stop,
                {
        "max(CASE WHEN event = " + literal(conversion, d) + " THEN 1 ELSE 0 END)"
        if conversion is not None
        else "0"
    } AS converted
              FROM {{events}} GROUP BY customer_id) b
        ON b.customer_id = e.customer_id WHERE e.timestamp <= b.stop"""
    span = f"(({micros('max(timestamp)', d)} - {micros('min(timestamp)', d)}) / 86400000000.0)"
    rows = log.rows(
        f"""SELECT customer_id, count(*), count(DISTINCT channel),
            count(DISTINCT CAST(timestamp AS DATE)), {span}, max(converted)
        FROM ({bounded}) q GROUP BY customer_id ORDER BY customer_id"""
    )
    if not rows:
        raise EngineError("the event log is empty: no journey to classify.")
    frame = pd.DataFrame(
        rows,
        columns=["customer_id", "events", "channels", "active_days", "span_days", "converted"],
    )
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame["span_days"] = frame["span_days"].astype(float)
    frame["converted"] = frame["converted"].astype(bool)
    frame["kind"] = [
        limits.kind(s, int(e), int(c), int(a))
        for s, e, c, a in zip(
            frame["span_days"],
            frame["events"],
            frame["channels"],
            frame["active_days"],
            strict=True,
        )
    ]
    return TypologyResult(limits, conversion, frame)
