"""A finding accepted onto the map in one step: its proposed pain point written into its stage,
and an opportunity that addresses it, placed on the Eisenhower matrix from the pain point's
severity (or as the team says). The findings still open are those whose pain point the map does
not hold yet and that the team did not dismiss.

::

    open_ = open_proposals(journey, snapshot.findings, dismissed={"loop-1a2b3c4d"})
    accepted = accept_proposal(journey, open_[0])          # a new Journey, not saved
    accepted.journey, accepted.pain_point, accepted.opportunity
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parcours.errors import JourneyError
from parcours.insight.findings import Finding, Insights
from parcours.insight.pain_points import ProposedPainPoint, proposal_id, proposed_pain_points
from parcours.model import Journey
from parcours.model.vocabulary import Lang, Severity

#: Importance and urgency (1-5) of the opportunity of a pain point of each severity.
PLACEMENT = {
    Severity.CRITICAL: (5, 5),
    Severity.HIGH: (4, 4),
    Severity.MEDIUM: (3, 2),
    Severity.LOW: (2, 2),
}
_FIX = {Lang.FR: "Résoudre : ", Lang.EN: "Fix: "}


@dataclass(frozen=True)
class Accepted:
    """The map with the finding's pain point (``pain_point``) and an opportunity addressing it
    (``opportunity``; both ids)."""

    journey: Journey
    pain_point: str
    opportunity: str
    stage: str

    def to_dict(self) -> dict[str, Any]:
        return {"pain_point": self.pain_point, "opportunity": self.opportunity, "stage": self.stage}


def proposals(findings: Sequence[Mapping[str, Any]]) -> list[ProposedPainPoint]:
    """The pain points proposed by a snapshot's findings (their JSON form), most costly first."""
    return proposed_pain_points(Insights(tuple(Finding.from_dict(f) for f in findings)))


def pain_point_ids(journey: Journey) -> set[str]:
    return {p.id for stage in journey.stages for p in stage.pain_points}


def open_proposals(
    journey: Journey, findings: Sequence[Mapping[str, Any]], dismissed: Collection[str] = ()
) -> list[ProposedPainPoint]:
    """The proposals the team has still to accept or dismiss on ``journey``: on one of its
    stages, not on the map yet, not dismissed."""
    stages = {stage.id for stage in journey.stages}
    held = pain_point_ids(journey)
    return [
        p
        for p in proposals(findings)
        if p.stage in stages and p.pain_point.id not in held and p.pain_point.id not in dismissed
    ]


def opportunity_id(pain_point: str) -> str:
    """The id of the opportunity made for an accepted pain point."""
    return f"fix-{pain_point}"[:80]


def accept_proposal(
    journey: Journey,
    proposal: ProposedPainPoint,
    *,
    importance: int | None = None,
    urgency: int | None = None,
) -> Accepted:
    """``journey`` with the proposal's pain point in its stage and an opportunity addressing it
    (kept as they are when the map has them already). Importance and urgency default to the
    pain point's severity (:data:`PLACEMENT`). A JourneyError when the stage is not on the map."""
    point = proposal.pain_point
    data = journey.model_dump(mode="json", exclude_none=True)
    stage = next((s for s in data.get("stages", []) if s["id"] == proposal.stage), None)
    if stage is None:
        raise JourneyError(
            f"the finding is on stage {proposal.stage!r}, which the map {journey.id!r} no "
            "longer has; measure the journey again"
        )
    if point.id not in pain_point_ids(journey):
        stage.setdefault("pain_points", []).append(point.model_dump(mode="json", exclude_none=True))
    wanted = opportunity_id(point.id)
    default_importance, default_urgency = PLACEMENT[point.severity]
    if wanted not in {o.id for o in journey.opportunities}:
        description = point.description
        texts = description if isinstance(description, Mapping) else {Lang.FR: description}
        title = {
            lang.value: (_FIX[lang] + str(texts.get(lang) or next(iter(texts.values()), "")))[:200]
            for lang in (Lang.FR, Lang.EN)
        }
        data.setdefault("opportunities", []).append(
            {
                "id": wanted,
                "title": title,
                "addresses": [point.id],
                "importance": importance or default_importance,
                "urgency": urgency or default_urgency,
                "status": "idea",
            }
        )
    return Accepted(Journey.model_validate(data), point.id, wanted, proposal.stage)


def open_finding_ids(
    journey: Journey, findings: Sequence[Mapping[str, Any]], dismissed: Collection[str] = ()
) -> dict[int, str]:
    """The findings (by rank) that may still be accepted on ``journey``: the id of each one's
    proposal."""
    open_ids = {p.pain_point.id for p in open_proposals(journey, findings, dismissed)}
    out = {}
    for f in findings:
        if f.get("kind") == "drift" or not (f.get("where") or {}).get("stage"):
            continue
        found = proposal_id(Finding.from_dict(f))
        if found in open_ids:
            out[int(f.get("rank", 0))] = found
    return out
