"""What the editor's templates draw: each card's lanes as shown, the values its forms start
from (the precondition of an edit), the moves its buttons make, the emotion curve."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from parcours.model.edits import document
from parcours.model.journey import Journey, Stage
from parcours.model.lanes import LANES, MATCH_OPS, Lane, lane
from parcours.model.lint import Finding
from parcours.model.text import localize
from parcours.model.vocabulary import Lang
from parcours.render.curve import HIGH, stage_emotion

_NAME = {"pain_point": "description", "opportunity": "title"}
_TOP = {"persona": "personas", "opportunity": "opportunities"}


@dataclass(frozen=True)
class CardRef:
    """One card: a ``what`` (stage, touchpoint, persona, pain_point, opportunity) and its id."""

    what: str
    id: str | None

    def find(self, journey: Journey) -> tuple[Any, Stage | None, int] | None:
        """The item, its stage (for a touchpoint or a pain point) and its index."""
        items: Any
        if self.what == "stage":
            for index, stage in enumerate(journey.stages):
                if stage.id == self.id:
                    return stage, None, index
        elif self.what in ("touchpoint", "pain_point"):
            for stage in journey.stages:
                items = stage.touchpoints if self.what == "touchpoint" else stage.pain_points
                for index, item in enumerate(items):
                    if item.id == self.id:
                        return item, stage, index
        elif self.what in _TOP:
            items = getattr(journey, _TOP[self.what])
            for index, item in enumerate(items):
                if item.id == self.id:
                    return item, None, index
        return None

    def exists(self, journey: Journey) -> bool:
        return self.find(journey) is not None


@dataclass(frozen=True)
class Move:
    """A move button: its id, its label's key and the operation's form fields."""

    button: str
    word: str
    vals: dict[str, str]


@dataclass(frozen=True)
class Board:
    """The editor of one map at one version, for the templates."""

    key: str
    journey: Journey
    view: str
    lang: Lang
    findings: dict[str, list[Finding]]
    docs: dict[int, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def label(self, text: Any) -> str:
        return localize(text, self.lang)

    def name(self, what: str, item: Any) -> str:
        return localize(getattr(item, _NAME.get(what, "name")), self.lang) or item.id

    def name_field(self, what: str) -> str:
        return _NAME.get(what, "name")

    @property
    def channels(self) -> tuple[str, ...]:
        return lane("touchpoint", "channel").choices

    def lanes(self, what: str) -> tuple[Lane, ...]:
        return LANES[what]

    def value(self, item: Any, lane: Lane) -> Any:
        """The lane's value as in the journey's document (None when unset)."""
        data = self.docs.get(id(item))
        if data is None:
            data = self.docs[id(item)] = _doc(item)
        for part in lane.field.split("."):
            data = data.get(part) if isinstance(data, dict) else None
        return data

    def old(self, item: Any, lane: Lane) -> str:
        return json.dumps(self.value(item, lane), ensure_ascii=False)

    def shown(self, item: Any, lane: Lane) -> list[str]:
        """The lane as lines of text in the editor's language."""
        value = self.value(item, lane)
        if value is None or value == []:
            return []
        if lane.kind == "lines":
            return [localize(v, self.lang) for v in value]
        if lane.kind == "reason":
            return [localize(value.get("reason"), self.lang)]
        if lane.kind == "yaml":
            return [_summary(v, self.lang) for v in value]
        if lane.kind == "binding":
            return _binding_lines(value)
        if lane.kind == "emotion":
            return [f"{value:+g}"]
        return [localize(value, self.lang) if isinstance(value, dict) else str(value)]

    def typed(self, item: Any, lane: Lane) -> str:
        """What the lane's form field starts with."""
        value = self.value(item, lane)
        if value is None:
            return ""
        if lane.kind == "lines":
            return "\n".join(localize(v, self.lang) for v in value)
        if lane.kind == "reason":
            return localize(value.get("reason"), self.lang)
        if lane.kind == "yaml":
            import yaml

            dumped: str = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
            return dumped
        if lane.kind == "text":
            return localize(value, self.lang)
        return str(value)

    def where(self, what: str, item: Any, stage: Stage | None) -> str:
        """The lint path of an item: ``stages.achat.touchpoints.panier``."""
        if what == "stage":
            return f"stages.{item.id}"
        if what in _TOP:
            return f"{_TOP[what]}.{item.id}"
        assert stage is not None
        return f"stages.{stage.id}.{what}s.{item.id}"

    def lint(self, what: str, item: Any, stage: Stage | None) -> list[Finding]:
        here = self.where(what, item, stage)
        return [
            f for where, found in self.findings.items() if where.startswith(here) for f in found
        ]

    def moves(self, what: str, item: Any, stage: Stage | None, index: int) -> list[Move]:
        """The keyboard moves of a card: up/down in its list, left/right to a neighbour stage
        (stages: earlier/later)."""
        stages = self.journey.stages
        found: list[Move] = []

        def add(direction: str, word: str, at: int, parent: str | None = None) -> None:
            vals = {"op": "move", "what": what, "id": item.id, "index": str(at)}
            vals |= {"parent": parent} if parent else {}
            found.append(Move(f"move-{direction}-{item.id}", f"editor.move_{word}", vals))

        if what == "stage":
            if index > 0:
                add("left", "earlier", index - 1)
            if index < len(stages) - 1:
                add("right", "later", index + 1)
            return found
        if what != "touchpoint" or stage is None:
            return found
        if index > 0:
            add("up", "up", index - 1, stage.id)
        if index < len(stage.touchpoints) - 1:
            add("down", "down", index + 1, stage.id)
        at = next(i for i, s in enumerate(stages) if s.id == stage.id)
        if at > 0:
            left = stages[at - 1]
            add("left", "left", min(index, len(left.touchpoints)), left.id)
        if at < len(stages) - 1:
            right = stages[at + 1]
            add("right", "right", min(index, len(right.touchpoints)), right.id)
        return found

    def curve(self) -> dict[str, Any]:
        """The designed emotion per stage, placed on a 100-unit-per-stage canvas."""
        points = []
        for index, stage in enumerate(self.journey.stages):
            found = stage_emotion(stage)
            if found is not None:
                value, _ = found
                y = 10 + (HIGH - value) / 4 * 80
                name = self.label(stage.name)
                x = index * 100 + 50
                points.append({"x": x, "y": round(y, 1), "value": value, "name": name})
        return {
            "width": max(100, 100 * len(self.journey.stages)),
            "points": points,
            "line": " ".join(f"{p['x']},{p['y']}" for p in points),
            "summary": "; ".join(f"{p['name']} {p['value']:+g}" for p in points),
        }


def field_id(what: str, item_id: str | None, field: str) -> str:
    return f"field-{what}-{item_id or 'map'}-{field.replace('.', '-')}"


def board_values(
    key: str, journey: Journey, view: str, lang: Lang, findings: list[Finding]
) -> dict[str, Any]:
    by_where: dict[str, list[Finding]] = {}
    for finding in findings:
        by_where.setdefault(finding.where, []).append(finding)
    return {"b": Board(key, journey, view, lang, by_where), "field_id": field_id}


def card_values(
    key: str, journey: Journey, card: CardRef, lang: Lang, findings: list[Finding]
) -> dict[str, Any] | None:
    found = card.find(journey)
    if found is None:
        return None
    item, stage, index = found
    values = board_values(key, journey, "grid", lang, findings)
    return {**values, "what": card.what, "item": item, "stage": stage, "index": index}


def field_values(
    key: str, journey: Journey, card: CardRef, name: str, lang: Lang
) -> dict[str, Any] | None:
    found = card.find(journey)
    if found is None or not any(lane_.field == name for lane_ in LANES.get(card.what, ())):
        return None
    item, stage, _ = found
    values = board_values(key, journey, "grid", lang, [])
    return {
        **values,
        "what": card.what,
        "item": item,
        "stage": stage,
        "lane": lane(card.what, name),
        "field_id": field_id(card.what, item.id, name),
        "match_ops": MATCH_OPS,
        "error": "",
        "typed": {},
    }


def _doc(item: Any) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        data: dict[str, Any] = item.model_dump(mode="json", exclude_unset=True)
        return data
    return document(item)


def _summary(value: Any, lang: Lang) -> str:
    if isinstance(value, dict):
        named = localize(value.get("name") or value.get("title"), lang)
        parts = [named or str(value.get("kind", ""))]
        if "target" in value:
            parts.append(f"→ {value['target']:g}{value.get('unit') or ''}")
        return " ".join(p for p in parts if p)
    return str(value)


def _binding_lines(value: dict[str, Any]) -> list[str]:
    lines = []
    if value.get("events"):
        lines.append(", ".join(value["events"]))
    if value.get("channels"):
        lines.append("@ " + ", ".join(value["channels"]))
    for condition in value.get("where", []):
        op, value_ = condition.get("op", "eq"), condition.get("value", "")
        lines.append(f"{condition['property']} {op} {value_}".strip())
    return lines
