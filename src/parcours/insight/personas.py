"""Persona cards on the map, written from the segments ``parcours segment`` found.

One card per behavioural segment (cluster) of the workspace's ``{segments}`` table, measured on
the journey's data:

- ``customers`` and ``share``: the segment's customers with an event in the data, and their
  share of all clustered customers with one;
- ``typical_path``: the most frequent sequence of stages, each customer's stages in the order
  they first reached them (ties: the earlier stage of the map first); ``typical_share`` the
  share of the segment that took exactly that sequence (customers with no stage left out of the
  count, in the denominator);
- ``reached``: per stage of the map, the share of the segment that reached it;
- ``conversion``: the share of the segment with an event of the journey's ``conversion``
  matcher; without one, the share that reached the last stage;
- ``clv_mean`` / ``clv_total``: mean and summed predicted lifetime value of its customers with
  one (when the CLV model ran: ``parcours segment --clv``), else None;
- ``verbatims``: up to :data:`VERBATIMS` feedback texts of its customers, the most
  representative first: a text's score is the mean, over its distinct words (3 letters or more),
  of the share of the segment's texts that use the word; ties by shorter text, then text;
- ``channel``: the channel of most of its events.

::

    cards = segment_cards(log, journey)        # a log holding {segments}
    cards.cards[0].typical_path                 # ("decouverte", "achat")
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.binding import bound, compile_matcher
from parcours.engine.customers import segment_rows
from parcours.engine.filter import Filter
from parcours.model import Journey

#: Representative verbatims per card.
VERBATIMS = 3
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@dataclass(frozen=True)
class SegmentCard:
    """A persona card measured for one segment."""

    segment: str
    customers: int
    share: float
    typical_path: tuple[str, ...]
    typical_share: float
    reached: tuple[tuple[str, float], ...]  # (stage id, share of the segment), map order
    conversion: float | None
    clv_mean: float | None
    clv_total: float | None
    verbatims: tuple[str, ...]
    channel: str | None

    @property
    def name(self) -> dict[str, str]:
        """The card's title, in English and French."""
        if self.channel is None:
            return {"en": f"Segment {self.segment}", "fr": f"Segment {self.segment}"}
        return {
            "en": f"Segment {self.segment}: mostly {self.channel}",
            "fr": f"Segment {self.segment} : surtout {self.channel}",
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "name": self.name,
            "customers": self.customers,
            "share": self.share,
            "typical_path": list(self.typical_path),
            "typical_share": self.typical_share,
            "reached": [{"stage": s, "share": v} for s, v in self.reached],
            "conversion": self.conversion,
            "clv_mean": self.clv_mean,
            "clv_total": self.clv_total,
            "verbatims": list(self.verbatims),
            "channel": self.channel,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentCard:
        return cls(
            segment=str(data["segment"]),
            customers=int(data["customers"]),
            share=float(data["share"]),
            typical_path=tuple(data.get("typical_path", ())),
            typical_share=float(data.get("typical_share", 0.0)),
            reached=tuple((r["stage"], float(r["share"])) for r in data.get("reached", ())),
            conversion=data.get("conversion"),
            clv_mean=data.get("clv_mean"),
            clv_total=data.get("clv_total"),
            verbatims=tuple(data.get("verbatims", ())),
            channel=data.get("channel"),
        )


@dataclass(frozen=True)
class SegmentCards:
    """The persona cards of a journey's segments, in segment order."""

    cards: tuple[SegmentCard, ...]

    def __iter__(self) -> Iterator[SegmentCard]:
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def to_dict(self) -> dict[str, Any]:
        return {"cards": [c.to_dict() for c in self.cards]}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.cards])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def segment_cards(
    log: Backend, journey: Journey, *, where: Filter | None = None, kind: str = "cluster"
) -> SegmentCards:
    """A card per segment of ``kind`` in ``log``'s ``{segments}`` table, measured on what
    ``where`` keeps (none when the log has no segments table)."""
    if not log.has_table("segments"):
        return SegmentCards(())
    chosen = replace(where or Filter(), member_of=None)
    with chosen.seen(log) as scoped:
        converted = (
            compile_matcher(journey.conversion, scoped.dialect) if journey.conversion else None
        )
        totals = segment_rows.totals(scoped, converted, kind)
        used = segment_rows.channels(scoped, kind)
        texts = segment_rows.feedback_texts(scoped, kind)
        with bound(scoped, journey) as (tied, _):
            firsts = segment_rows.stage_firsts(tied, kind)
    order = {s.id: i for i, s in enumerate(journey.stages)}
    everyone = sum(int(row[1]) for row in totals)
    top_channel: dict[str, str] = {}
    for segment, channel, _ in used:
        top_channel.setdefault(str(segment), str(channel))
    said: dict[str, list[str]] = {}
    for segment, text in texts:
        said.setdefault(str(segment), []).append(str(text).strip())
    cards = []
    for segment, customers, bought, valued, clv_sum in totals:
        segment, customers = str(segment), int(customers)
        mine = firsts[firsts["segment"] == segment]
        path, path_count = _typical_path(mine, order)
        reach = mine.groupby("stage")["customer_id"].nunique()
        reached = tuple((s.id, float(reach.get(s.id, 0)) / customers) for s in journey.stages)
        if converted is not None:
            conversion: float | None = int(bought or 0) / customers
        else:
            conversion = reached[-1][1] if reached else None
        cards.append(
            SegmentCard(
                segment=segment,
                customers=customers,
                share=customers / everyone if everyone else 0.0,
                typical_path=path,
                typical_share=path_count / customers,
                reached=reached,
                conversion=conversion,
                clv_mean=float(clv_sum) / int(valued) if valued else None,
                clv_total=float(clv_sum) if valued else None,
                verbatims=representative(said.get(segment, [])),
                channel=top_channel.get(segment),
            )
        )
    return SegmentCards(tuple(cards))


def _typical_path(firsts: pd.DataFrame, order: Mapping[str, int]) -> tuple[tuple[str, ...], int]:
    """The most frequent stage sequence in ``firsts`` (segment's rows) and its count."""
    if firsts.empty:
        return (), 0
    rows = firsts.assign(rank=firsts["stage"].map(order).fillna(len(order)))
    rows = rows.sort_values(["customer_id", "reached_at", "rank"], kind="stable")
    paths = Counter(tuple(g) for _, g in rows.groupby("customer_id", sort=False)["stage"])
    best = min(paths, key=lambda p: (-paths[p], [order.get(s, len(order)) for s in p]))
    return best, paths[best]


def representative(texts: Sequence[str], count: int = VERBATIMS) -> tuple[str, ...]:
    """Up to ``count`` distinct texts of ``texts``, the most representative first (see the
    module's docstring)."""
    distinct = list(dict.fromkeys(t for t in texts if t))
    if not distinct:
        return ()
    words = [set(w.lower() for w in _WORD.findall(t)) for t in distinct]
    usage = Counter(w for ws in words for w in ws)

    def score(i: int) -> float:
        return sum(usage[w] for w in words[i]) / len(words[i]) / len(distinct) if words[i] else 0.0

    ranked = sorted(range(len(distinct)), key=lambda i: (-score(i), len(distinct[i]), distinct[i]))
    return tuple(distinct[i] for i in ranked[:count])
