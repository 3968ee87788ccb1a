"""Segments of a customer base: RFM named segments, their movement, behavioural clusters.

::

    result = segments(log, event="purchase", value="amount", compare="2024-01-01")
    result.rfm.counts()            # customers per named segment
    result.movement.to_frame()     # from the segment at `compare` to the one now
    result.clusters.silhouette     # the justification of k
    result.personas[0].persona()   # a journey persona written from the data, with evidence
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from parcours.engine.backend import Backend
from parcours.engine.customers.clusters import Clusters, cluster, journey_features
from parcours.engine.customers.personas import PersonaCard, persona_cards
from parcours.engine.customers.rfm import RfmResult, Transitions, rfm, transitions
from parcours.engine.customers.typology import journey_typology
from parcours.errors import EngineError
from parcours.model import Journey


@dataclass(frozen=True)
class SegmentsResult:
    """RFM segments, their movement since an earlier day (if asked) and clusters (if asked)."""

    rfm: RfmResult
    movement: Transitions | None
    clusters: Clusters | None
    personas: tuple[PersonaCard, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rfm": self.rfm.to_dict(),
            "movement": None if self.movement is None else self.movement.to_dict(),
            "clusters": None if self.clusters is None else self.clusters.to_dict(),
            "personas": [
                {**card.to_dict(), "persona": card.persona().model_dump(mode="json")}
                for card in self.personas
            ],
        }


def segments(
    log: Backend,
    *,
    event: str | None = None,
    value: str | None = None,
    as_of: date | datetime | str | None = None,
    compare: date | datetime | str | None = None,
    ks: Sequence[int] | None = range(2, 7),
    state: str | Path | None = None,
    journey: Journey | None = None,
) -> SegmentsResult:
    """RFM at ``as_of`` (and at ``compare``, for the movement); clusters over ``ks`` (none when
    ``None``), their ids kept from the centroids saved in ``state`` (a JSON file, written back),
    and a persona card per cluster (with its journey typology mix). With a ``journey``, the
    number of its stages each customer reached is one of the clustering features."""
    now = rfm(log, event=event, value=value, as_of=as_of)
    movement = None
    if compare is not None:
        movement = transitions(rfm(log, event=event, value=value, as_of=compare), now)
    groups: Clusters | None = None
    cards: tuple[PersonaCard, ...] = ()
    if ks is not None:
        if event is None:
            raise EngineError("behavioural clusters need the purchase event's name (event=...).")
        previous = _load(Path(state)) if state is not None else None
        features = journey_features(log, event=event, value=value, journey=journey)
        groups = cluster(features, ks=ks, previous=previous)
        kinds = journey_typology(log, conversion=event).frame
        cards = persona_cards(
            features, groups, typology=dict(zip(kinds["customer_id"], kinds["kind"], strict=True))
        )
        if state is not None:
            Path(state).write_text(json.dumps(groups.state(), indent=2), encoding="utf-8")
    return SegmentsResult(now, movement, groups, cards)


#: Where a workspace keeps its segment centroids, so that ids stay stable across refreshes
#: (:func:`parcours.engine.customers.members.workspace_segments`).
STATE = "segments.json"


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineError(
            f"{path}: cannot read the saved segment centroids ({exc}); delete the file to "
            "start the segment ids afresh."
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("centroids"), dict):
        raise EngineError(f"{path}: not a segments state file (no centroids).")
    return data
