"""Three-way merge of journey maps: two edits of one version, made into one map.

::

    merge = merge_journeys(base, mine, theirs)
    merge.journey        # both edits where they do not overlap; theirs where they do
    merge.conflicts      # each field both sides changed differently, each item deleted on one
                         # side and edited on the other, each order both sides changed

Items are matched by id (personas, stages, touchpoints, pain points, opportunities), never by
position, with the walk of :mod:`parcours.model.diff`: both sides adding stages keeps both, one
side reordering while the other edits a field keeps both. ``choices`` settles conflicts by path
(``"mine"`` or ``"theirs"``); a settled conflict is no longer reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from parcours.model.diff import KINDS, fields, items
from parcours.model.journey import Journey
from parcours.model.text import localize
from parcours.model.vocabulary import Lang

Side = Literal["mine", "theirs"]

#: Where each kind of item lives in the document, and the key its name is under.
_PLACE = {
    "persona": ("personas", "name"),
    "stage": ("stages", "name"),
    "touchpoint": ("touchpoints", "name"),
    "pain point": ("pain_points", "description"),
    "opportunity": ("opportunities", "title"),
}
_WORDS = {
    Lang.FR: {
        "journey": "Carte",
        "persona": "Persona",
        "stage": "Étape",
        "touchpoint": "Point de contact",
        "pain point": "Point de friction",
        "opportunity": "Opportunité",
        "whole": "supprimé d'un côté, modifié de l'autre",
        "order": "ordre",
    },
    Lang.EN: {
        "journey": "Map",
        "persona": "Persona",
        "stage": "Stage",
        "touchpoint": "Touchpoint",
        "pain point": "Pain point",
        "opportunity": "Opportunity",
        "whole": "deleted on one side, edited on the other",
        "order": "order",
    },
}


@dataclass(frozen=True)
class Conflict:
    """Both sides changed the same thing differently: ``field`` of an item (None: the whole
    item, deleted on one side and edited on the other; ``"order"``: the order of what ``path``
    names). Values are JSON values; None where a side has no such item."""

    path: str  # e.g. stages[achat].touchpoints[panier].emotion
    what: str  # journey, persona, stage, touchpoint, pain point, opportunity
    id: str
    name: str  # the item's name, in the journey's language
    field: str | None
    base: Any
    mine: Any
    theirs: Any

    @property
    def label(self) -> str:
        return self.label_in(Lang.EN)

    def label_in(self, lang: Lang | str) -> str:
        """A readable label: ``Touchpoint « Panier » — emotion``."""
        words = _WORDS[Lang(lang)]
        detail = words["whole"] if self.field is None else words.get(self.field, self.field)
        name = f" « {self.name} »" if self.name else ""
        return f"{words[self.what]}{name} — {detail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "what": self.what,
            "id": self.id,
            "field": self.field,
            "base": self.base,
            "mine": self.mine,
            "theirs": self.theirs,
        }


@dataclass(frozen=True)
class Merge:
    """The merged map (theirs kept where a conflict is not settled) and the conflicts left."""

    journey: Journey
    conflicts: tuple[Conflict, ...] = ()

    def __bool__(self) -> bool:
        """True when the merge is clean: nothing left to settle."""
        return not self.conflicts

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey.model_dump(mode="json", exclude_none=True),
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


def merge_journeys(
    base: Journey, mine: Journey, theirs: Journey, *, choices: Mapping[str, Side] | None = None
) -> Merge:
    """``mine`` and ``theirs``, two edits of ``base``, merged by id; see the module's doc."""
    if mine == theirs or theirs == base:
        return Merge(mine)
    if mine == base:
        return Merge(theirs)
    return _Merger(base, mine, theirs, choices or {}).run()


@dataclass
class _Merger:
    base: Journey
    mine: Journey
    theirs: Journey
    choices: Mapping[str, Side]
    conflicts: list[Conflict] = field(default_factory=list)

    def run(self) -> Merge:
        sides = (self.base, self.mine, self.theirs)
        b, m, t = (items(j) for j in sides)
        names = _names(sides)
        top = self._fields(
            "journey", self.base.id, "", fields(self.base), fields(self.mine), fields(self.theirs)
        )
        merged: dict[str, dict[str, dict[str, Any]]] = {}
        for what in KINDS:
            if what in ("touchpoint", "pain point"):
                for side, index in (("mine", m), ("theirs", t)):
                    self._revive_children(what, b, index, merged["stage"], side)
            merged[what] = self._items(what, b[what], m[what], t[what], names, sides)
        stage_order = self._order("stages", [list(x["stage"]) for x in (b, m, t)], merged["stage"])
        stages = []
        for stage_id in stage_order:
            stage = dict(merged["stage"][stage_id])
            for what in ("touchpoint", "pain point"):
                key = _PLACE[what][0]
                orders = [
                    [i for i, v in x[what].items() if v["stage"] == stage_id] for x in (b, m, t)
                ]
                kept = {i: v for i, v in merged[what].items() if v["stage"] == stage_id}
                path = f"stages[{stage_id}].{key}"
                stage[key] = [_without_stage(kept[i]) for i in self._order(path, orders, kept)]
            stages.append(stage)
        document = {
            **top,
            "stages": _clean_references(stages),
            "personas": self._listed("persona", b, m, t, merged),
            "opportunities": self._listed("opportunity", b, m, t, merged),
        }
        pain_ids = {p["id"] for s in stages for p in s["pain_points"]}
        for opportunity in document["opportunities"]:
            opportunity["addresses"] = [a for a in opportunity["addresses"] if a in pain_ids]
        journey = Journey.model_validate(document)
        compact = journey.model_dump(mode="json", exclude_defaults=True)
        return Merge(Journey.model_validate(compact), tuple(self.conflicts))

    def _listed(
        self,
        what: str,
        b: dict[str, dict[str, dict[str, Any]]],
        m: dict[str, dict[str, dict[str, Any]]],
        t: dict[str, dict[str, dict[str, Any]]],
        merged: dict[str, dict[str, dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        key = _PLACE[what][0]
        order = self._order(key, [list(x[what]) for x in (b, m, t)], merged[what])
        return [dict(merged[what][i]) for i in order]

    def _pick(self, path: str, conflict: Conflict) -> Side:
        """Theirs unless ``choices`` says mine; an unsettled conflict is recorded."""
        if path not in self.choices:
            self.conflicts.append(conflict)
        return self.choices.get(path, "theirs")

    def _fields(
        self,
        what: str,
        item_id: str,
        prefix: str,
        b: dict[str, Any],
        m: dict[str, Any],
        t: dict[str, Any],
        name: str = "",
    ) -> dict[str, Any]:
        out = {}
        for key in dict.fromkeys([*t, *m]):
            bv, mv, tv = b.get(key), m.get(key), t.get(key)
            if mv in (tv, bv):
                out[key] = tv
            elif tv == bv:
                out[key] = mv
            else:
                path = f"{prefix}{key}"
                found = Conflict(path, what, item_id, name, key, bv, mv, tv)
                out[key] = mv if self._pick(path, found) == "mine" else tv
        return out

    def _items(
        self,
        what: str,
        b: dict[str, dict[str, Any]],
        m: dict[str, dict[str, Any]],
        t: dict[str, dict[str, Any]],
        names: dict[tuple[str, str], str],
        sides: tuple[Journey, Journey, Journey],
    ) -> dict[str, dict[str, Any]]:
        whole = _whole_stages(sides) if what == "stage" else None
        out = {}
        for item_id in dict.fromkeys([*t, *m, *b]):
            bv, mv, tv = b.get(item_id), m.get(item_id), t.get(item_id)
            prefix = _path(what, item_id, tv or mv or bv or {})
            name = names.get((what, item_id), "")
            if bv is None or (mv is not None and tv is not None):
                mine, theirs = mv or tv or {}, tv or mv or {}
                out[item_id] = self._fields(
                    what, item_id, f"{prefix}.", bv or {}, mine, theirs, name
                )
                continue
            if mv is None and tv is None:
                continue
            kept: Side = "mine" if tv is None else "theirs"
            value = mv if tv is None else tv
            if whole is not None:  # a stage is edited when anything in it changed
                edited = whole[kept][item_id] != whole["base"][item_id]
            else:
                edited = value != bv
            if not edited:
                continue  # deleted on one side, untouched on the other: deleted
            found = Conflict(
                prefix,
                what,
                item_id,
                name,
                None,
                bv,
                mv if whole is None or mv is None else whole["mine"][item_id],
                tv if whole is None or tv is None else whole["theirs"][item_id],
            )
            if self._pick(prefix, found) == kept:
                out[item_id] = value  # type: ignore[assignment]
        return out

    def _revive_children(
        self,
        what: str,
        b: dict[str, dict[str, dict[str, Any]]],
        side: dict[str, dict[str, dict[str, Any]]],
        stages: dict[str, dict[str, Any]],
        name: str,
    ) -> None:
        """A stage that ``side`` deleted but the merge keeps keeps its children as they were:
        the deletion of the stage was not an edit of each of them."""
        deleted = {s for s in b["stage"] if s not in side["stage"] and s in stages}
        for item_id, value in b[what].items():
            if value["stage"] in deleted and item_id not in side[what]:
                side[what][item_id] = value

    def _order(
        self,
        path: str,
        orders: list[list[str]],
        keep: Mapping[str, Any],
    ) -> list[str]:
        """The ids of ``keep`` in order: the side that reordered wins; what a side added
        follows the item it follows there (several runs after one item: by their first id)."""
        b, m, t = orders
        shared = set(b) & set(m) & set(t) & set(keep)
        ob, om, ot = ([i for i in x if i in shared] for x in (b, m, t))
        if om == ob:
            skeleton = ot
        elif ot in (ob, om):
            skeleton = om
        else:
            order_path = f"{path}.order"
            what = "journey" if "." not in path else "stage"
            owner = path.split("[", 1)[1].split("]")[0] if "[" in path else self.base.id
            found = Conflict(order_path, what, owner, "", "order", ob, om, ot)
            skeleton = om if self._pick(order_path, found) == "mine" else ot
        placed = set(skeleton)
        runs: dict[str | None, dict[str, list[str]]] = {}
        for side, source in (("mine", m), ("theirs", t), ("base", b)):
            for index, item_id in enumerate(source):
                if item_id not in keep or item_id in placed:
                    continue
                anchor = next((p for p in reversed(source[:index]) if p in skeleton), None)
                runs.setdefault(anchor, {}).setdefault(side, []).append(item_id)
                placed.add(item_id)
        out: list[str] = []
        for anchor in [None, *skeleton]:
            if anchor is not None:
                out.append(anchor)
            for run in sorted(runs.get(anchor, {}).values(), key=lambda r: r[0]):
                out.extend(run)
        return out


def _names(sides: tuple[Journey, ...]) -> dict[tuple[str, str], str]:
    """Each item's name in its journey's language, theirs first."""
    out: dict[tuple[str, str], str] = {}
    for journey in reversed(sides):
        for what, index in items(journey).items():
            key = _PLACE[what][1]
            for item_id, value in index.items():
                out[what, item_id] = localize(value.get(key), journey.language) or item_id
    return out


def _whole_stages(sides: tuple[Journey, ...]) -> dict[str, dict[str, Any]]:
    return {
        side: {s.id: s.model_dump(mode="json") for s in journey.stages}
        for side, journey in zip(("base", "mine", "theirs"), sides, strict=True)
    }


def _path(what: str, item_id: str, value: dict[str, Any]) -> str:
    key = _PLACE[what][0]
    if what in ("touchpoint", "pain point"):
        return f"stages[{value.get('stage')}].{key}[{item_id}]"
    return f"{key}[{item_id}]"


def _without_stage(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != "stage"}


def _clean_references(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A pain point that names a touchpoint the merge left out names none."""
    for stage in stages:
        known = {tp["id"] for tp in stage["touchpoints"]}
        for pain in stage["pain_points"]:
            if pain.get("touchpoint") not in known:
                pain["touchpoint"] = None
    return stages
