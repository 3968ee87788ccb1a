"""What changed between two versions of a journey map, by stable id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel

from parcours.model.journey import Journey

ChangeKind = Literal["added", "removed", "changed"]

#: Nested collections diffed on their own, left out of their parent's field comparison.
_NESTED = {"stages", "personas", "opportunities", "touchpoints", "pain_points"}


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    what: str  # journey, persona, stage, touchpoint, pain point, opportunity
    id: str
    fields: tuple[str, ...] = ()  # for "changed": the fields that differ

    def __str__(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{sign} {self.what} {self.id}{detail}"


@dataclass(frozen=True)
class JourneyDiff:
    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [asdict(c) | {"fields": list(c.fields)} for c in self.changes]}

    def to_text(self) -> str:
        return "\n".join(map(str, self.changes)) if self.changes else "no changes"


def diff_journeys(old: Journey, new: Journey) -> JourneyDiff:
    """Journey fields, personas, stages, touchpoints, pain points and opportunities that were
    added, removed or changed from ``old`` to ``new``."""
    changes: list[Change] = []
    changed = _changed_fields(old, new)
    if changed:
        changes.append(Change("changed", "journey", new.id, changed))
    before, after = items(old), items(new)
    for what in before:
        changes.extend(_compare(what, before[what], after[what]))
    if [s.id for s in old.stages if s.id in _by_id(new.stages)] != [
        s.id for s in new.stages if s.id in _by_id(old.stages)
    ]:
        changes.append(Change("changed", "journey", new.id, ("stage order",)))
    return JourneyDiff(tuple(changes))


#: The kinds of item a journey holds by id, in the order diffs and merges walk them.
KINDS = ("persona", "stage", "touchpoint", "pain point", "opportunity")


def items(journey: Journey) -> dict[str, dict[str, dict[str, Any]]]:
    """Each kind of item of ``journey`` (see :data:`KINDS`): its items by id, as their own
    fields (JSON values, nested collections left out); touchpoints and pain points carry the
    stage they sit in as the field ``stage``. Dicts keep the document's order."""
    return {
        "persona": _by_id(journey.personas),
        "stage": _by_id(journey.stages),
        "touchpoint": _located(journey, "touchpoints"),
        "pain point": _located(journey, "pain_points"),
        "opportunity": _by_id(journey.opportunities),
    }


def _by_id(things: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
    return {item.id: fields(item) for item in things}


def _located(journey: Journey, collection: str) -> dict[str, dict[str, Any]]:
    """Touchpoints or pain points by id, with the stage they sit in as a field."""
    return {
        item.id: {**fields(item), "stage": stage.id}
        for stage in journey.stages
        for item in getattr(stage, collection)
    }


def fields(item: BaseModel) -> dict[str, Any]:
    """The fields of ``item`` as JSON values, its nested collections left out."""
    return item.model_dump(mode="json", exclude=_NESTED & set(type(item).model_fields))


def _changed_fields(old: BaseModel, new: BaseModel) -> tuple[str, ...]:
    before, after = fields(old), fields(new)
    return tuple(k for k in after if before.get(k) != after[k])


def _compare(
    what: str, before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> Iterator[Change]:
    for item_id, values in after.items():
        if item_id not in before:
            yield Change("added", what, item_id)
            continue
        changed = tuple(k for k in values if before[item_id].get(k) != values[k])
        if changed:
            yield Change("changed", what, item_id, changed)
    for item_id in before:
        if item_id not in after:
            yield Change("removed", what, item_id)
