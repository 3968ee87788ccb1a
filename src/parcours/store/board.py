"""The opportunity board of a journey: the Eisenhower matrix of its opportunities (the map's,
with the team's follow-up from the store laid over), the findings still to accept or dismiss,
and for each opportunity done the measured impact on the pain points it addresses.

::

    board = journey_board(store, "sport", snapshot.findings, snapshot.series["series"])
    board.cards[0].quadrant, board.cards[0].impact
    importance, urgency = placed_in(Quadrant.PLAN, 2, 5)     # (3, 2): moved, not reset
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parcours.insight.accept import open_proposals
from parcours.insight.impact import OpportunityImpact, measured_impact
from parcours.model import Journey
from parcours.model.journey import EISENHOWER_THRESHOLD
from parcours.model.text import Text
from parcours.model.vocabulary import Quadrant
from parcours.store.records import TrackedOpportunity, User

QUADRANTS: tuple[Quadrant, ...] = (Quadrant.DO, Quadrant.PLAN, Quadrant.DELEGATE, Quadrant.DROP)
_HIGH = {Quadrant.DO: (True, True), Quadrant.PLAN: (True, False)}
_HIGH |= {Quadrant.DELEGATE: (False, True), Quadrant.DROP: (False, False)}


def quadrant_of(importance: int | None, urgency: int | None) -> Quadrant | None:
    if importance is None or urgency is None:
        return None
    important, urgent = importance >= EISENHOWER_THRESHOLD, urgency >= EISENHOWER_THRESHOLD
    return next(q for q, high in _HIGH.items() if high == (important, urgent))


def placed_in(quadrant: Quadrant, importance: int | None, urgency: int | None) -> tuple[int, int]:
    """Importance and urgency that put a card in ``quadrant``: each score kept when it is on
    the right side of the threshold already, else set just across it."""
    important, urgent = _HIGH[Quadrant(quadrant)]

    def side(score: int | None, high: bool) -> int:
        if score is not None and (score >= EISENHOWER_THRESHOLD) == high:
            return score
        return EISENHOWER_THRESHOLD if high else EISENHOWER_THRESHOLD - 1

    return side(importance, important), side(urgency, urgent)


@dataclass(frozen=True)
class Card:
    """One opportunity on the board."""

    id: str
    title: Text
    description: Text | None
    addresses: tuple[str, ...]
    importance: int | None
    urgency: int | None
    status: str
    owner_id: int | None
    owner: str | None
    due: date | None
    done_on: date | None
    impact: OpportunityImpact | None = None

    @property
    def quadrant(self) -> Quadrant | None:
        return quadrant_of(self.importance, self.urgency)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "addresses": list(self.addresses),
            "importance": self.importance,
            "urgency": self.urgency,
            "quadrant": self.quadrant.value if self.quadrant else None,
            "status": self.status,
            "owner_id": self.owner_id,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "impact": self.impact.to_dict() if self.impact else None,
        }


@dataclass(frozen=True)
class Board:
    """The board of journey ``key`` at version ``version``: its cards, the findings still
    proposed (``proposals``: JSON forms of the proposed pain points) and the members who may
    own a card."""

    key: str
    version: int
    cards: tuple[Card, ...]
    proposals: tuple[dict[str, Any], ...] = ()
    members: tuple[User, ...] = field(default=())

    def quadrant(self, quadrant: Quadrant | None) -> list[Card]:
        return [c for c in self.cards if c.quadrant == quadrant]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "version": self.version,
            "quadrants": {q.value: [c.to_dict() for c in self.quadrant(q)] for q in QUADRANTS},
            "unplaced": [c.to_dict() for c in self.quadrant(None)],
            "proposals": list(self.proposals),
            "members": [{"id": m.id, "email": m.email, "name": m.name} for m in self.members],
        }


def board_of(
    key: str,
    version: int,
    journey: Journey,
    tracked: Sequence[TrackedOpportunity],
    *,
    members: Sequence[User] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    dismissed: set[str] | frozenset[str] = frozenset(),
    series: Sequence[Mapping[str, Any]] = (),
) -> Board:
    """The board of ``journey``: each of its opportunities, placed and followed as the team
    said (``tracked``) or else as the map says; the measured impact of those done (from the
    weekly ``series``); the ``findings`` still open."""
    by_key = {t.key: t for t in tracked}
    emails = {m.id: m.email for m in members}
    cards = []
    for o in journey.opportunities:
        t = by_key.get(o.id)
        status = t.status if t else o.status.value
        done_on = t.done_on if t else None
        impact = (
            measured_impact(journey, o.id, done_on, series)
            if status == "done" and done_on is not None
            else None
        )
        owner_id = t.owner_id if t else None
        cards.append(
            Card(
                id=o.id,
                title=o.title,
                description=o.description,
                addresses=tuple(o.addresses),
                importance=t.importance if t and t.importance else o.importance,
                urgency=t.urgency if t and t.urgency else o.urgency,
                status=status,
                owner_id=owner_id,
                owner=emails.get(owner_id) if owner_id else o.owner,
                due=t.due if t else None,
                done_on=done_on,
                impact=impact,
            )
        )
    proposed = tuple(
        {**p.to_dict(), "id": p.pain_point.id} for p in open_proposals(journey, findings, dismissed)
    )
    return Board(key, version, tuple(cards), proposed, tuple(members))
