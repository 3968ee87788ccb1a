"""Edit operations on a journey map: what the editor sends, one change at a time.

Each operation is a frozen, typed value that names what it changes and what its author saw
there (its precondition)::

    op = Rename(what="stage", id="achat", old="Achat", new="Commande")
    journey = apply(journey, op)          # validated like a journey file; EditConflict when
    undo = inverse(before, op)            # the map no longer holds what the author saw

:func:`apply` works on the journey's document (what ``dump_journey`` writes), so a journey
edited and dumped reads back equal, with its texts per language kept. An operation applied to
a newer version of the map than its author saw succeeds when its precondition still holds
there: nobody else's change is overwritten.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from parcours.errors import EditConflict, JourneyValidationError, Problem
from parcours.model.documents import validate_document
from parcours.model.journey import Journey, Opportunity, PainPoint, Persona, Stage, Touchpoint
from parcours.model.text import Text, localize, slugify
from parcours.model.vocabulary import Lang

#: What an operation acts on. ``journey`` is the map itself (only ``set``).
What = Literal["journey", "persona", "stage", "touchpoint", "pain_point", "opportunity"]
Doc = dict[str, Any]

#: Where each kind of item lives: its list in the document, its parent's kind, its name field.
_LISTS: dict[str, tuple[str, str | None, str]] = {
    "persona": ("personas", None, "name"),
    "stage": ("stages", None, "name"),
    "touchpoint": ("touchpoints", "stage", "name"),
    "pain_point": ("pain_points", "stage", "description"),
    "opportunity": ("opportunities", None, "title"),
}
#: Fields an operation may not ``set``: ids, and the lists that other operations edit.
_NOT_SET = frozenset({"id", "stages", "touchpoints", "pain_points", "personas", "opportunities"})


class _Op(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Add(_Op):
    """Add an item (its document; ``id`` derived from its name when left out) at ``index`` of
    its list (default: the end); touchpoints and pain points go in stage ``parent``."""

    op: Literal["add"] = "add"
    what: Literal["persona", "stage", "touchpoint", "pain_point", "opportunity"]
    item: dict[str, Any]
    parent: str | None = None
    index: int | None = Field(None, ge=0)


class Delete(_Op):
    op: Literal["delete"] = "delete"
    what: Literal["persona", "stage", "touchpoint", "pain_point", "opportunity"]
    id: str


class Move(_Op):
    """Move an item to ``index`` of its list (of stage ``parent`` for a touchpoint or a pain
    point: across stages too); ``index`` counts the items without the moved one."""

    op: Literal["move"] = "move"
    what: Literal["persona", "stage", "touchpoint", "pain_point", "opportunity"]
    id: str
    parent: str | None = None
    index: int = Field(ge=0)


class Rename(_Op):
    """Change the name of an item (the title of an opportunity, the description of a pain
    point) from ``old`` to ``new``."""

    op: Literal["rename"] = "rename"
    what: What
    id: str | None = None
    old: Text
    new: Text


class Set(_Op):
    """Set ``field`` (``empathy.sees`` for a sub-field) of an item from ``old`` to ``new``
    (None: removed). Values are as in the journey's JSON document."""

    op: Literal["set"] = "set"
    what: What
    id: str | None = None
    field: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    old: Any = None
    new: Any = None


Edit = Annotated[Add | Delete | Move | Rename | Set, Field(discriminator="op")]
_EDIT: TypeAdapter[Edit] = TypeAdapter(Edit)


def parse_edit(data: Any) -> Add | Delete | Move | Rename | Set:
    """An operation from its JSON form (``{"op": "rename", ...}``)."""
    return _EDIT.validate_python(data)


# -- applying ------------------------------------------------------------------------------------


def apply(journey: Journey, op: Edit) -> Journey:
    """The journey with ``op`` applied, validated like a journey file (JourneyValidationError
    with the problems located by key); EditConflict when ``op``'s precondition fails."""
    doc = document(journey)
    _apply(doc, op, journey)
    return validate_document(doc, "<edit>")


def document(journey: Journey) -> Doc:
    """The journey's document: what ``dump_journey`` writes, as data."""
    return journey.model_dump(mode="json", exclude_unset=True)


def _apply(doc: Doc, op: Edit, journey: Journey) -> None:
    if isinstance(op, Add):
        items, _ = _list_for(doc, op.what, op.parent)
        item = {"id": new_id(journey, op), **copy.deepcopy(op.item)}
        if any(i.get("id") == item["id"] for _, i in _all(doc, op.what)):
            raise EditConflict(f"a {_word(op.what)} {item['id']!r} exists already")
        items.insert(len(items) if op.index is None else min(op.index, len(items)), item)
    elif isinstance(op, Delete):
        items, index = _find(doc, op.what, op.id)
        del items[index]
    elif isinstance(op, Move):
        items, index = _find(doc, op.what, op.id)
        item = items.pop(index)
        target, _ = _list_for(doc, op.what, op.parent)
        target.insert(min(op.index, len(target)), item)
    else:
        field = _name_field(op.what) if isinstance(op, Rename) else op.field
        owner = _owner(doc, op.what, op.id)
        head, _, tail = field.partition(".")
        if head in _NOT_SET or head not in _fields(op.what):
            raise _problem(op, field, f"`{field}` cannot be set on a {_word(op.what)}")
        if tail:
            owner = owner.setdefault(head, {})
        key = tail or head
        current = owner.get(key)
        if current != op.old:
            raise EditConflict(
                f"{_label(op.what, op.id, field)} is now {_shown(current)}, "
                f"no longer {_shown(op.old)}"
            )
        if op.new is None or op.new in ((), []):
            owner.pop(key, None)
        else:
            owner[key] = copy.deepcopy(op.new)
        if tail and not owner:
            _owner(doc, op.what, op.id).pop(head, None)


def new_id(journey: Journey, op: Add) -> str:
    """The id an added item gets: its own, else its name's slug made unique in its kind."""
    given = op.item.get("id")
    if isinstance(given, str):
        return given
    name = op.item.get(_name_field(op.what))
    base = slugify(name) if isinstance(name, (str, dict)) and name else _word(op.what)
    taken = {item.get("id") for _, item in _all(document(journey), op.what)}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# -- undoing and describing -------------------------------------------------------------------


def inverse(journey: Journey, op: Edit, after: Journey | None = None) -> Edit:
    """The operation that undoes ``op`` on the map it is applied to (``journey``, before;
    ``after``: the result of applying it, when the caller has it)."""
    doc = document(journey)
    if isinstance(op, Add):
        return Delete(what=op.what, id=new_id(journey, op))
    if isinstance(op, Delete | Move):
        items, index = _find(doc, op.what, op.id)
        parent = _parent_of(doc, op.what, op.id)
        if isinstance(op, Delete):
            return Add(what=op.what, item=items[index], parent=parent, index=index)
        return Move(what=op.what, id=op.id, parent=parent, index=index)
    # the value as validated (ids filled in, numbers as floats), which the undo will find
    field = _name_field(op.what) if isinstance(op, Rename) else op.field
    now = _owner(document(after or apply(journey, op)), op.what, op.id)
    for part in field.split("."):
        now = now.get(part) if isinstance(now, dict) else None  # type: ignore[assignment]
    if isinstance(op, Rename):
        return parse_edit({"op": "rename", "what": op.what, "id": op.id, "old": now, "new": op.old})
    return Set(what=op.what, id=op.id, field=op.field, old=now, new=op.old)


def describe(journey: Journey, op: Edit, lang: Lang | str | None = None) -> str:
    """A version message for ``op`` applied to ``journey``: ``Renamed stage Achat → Commande``
    (names in ``lang``, default: the journey's language)."""
    lang = lang or journey.language
    if isinstance(op, Add):
        return f"Added {_word(op.what)} {localize(op.item.get(_name_field(op.what)), lang)}"
    if isinstance(op, Rename):
        return f"Renamed {_word(op.what)} {localize(op.old, lang)} → {localize(op.new, lang)}"
    name = _name_of(journey, op.what, op.id, lang)
    if isinstance(op, Delete):
        return f"Deleted {_word(op.what)} {name}"
    if isinstance(op, Move):
        where = f" to stage {_name_of(journey, 'stage', op.parent, lang)}" if op.parent else ""
        return f"Moved {_word(op.what)} {name}{where} (position {op.index + 1})"
    what = "the map" if op.what == "journey" else f"{_word(op.what)} {name}"
    if isinstance(op.new, (int, float)) and isinstance(op.old, (int, float, type(None))):
        return f"Set {op.field} of {what}: {_shown(op.old)} → {op.new}"
    return f"Edited {op.field} of {what}"


# -- texts in one language ------------------------------------------------------------------------


def set_text(old: Text | None, lang: Lang | str, text: str) -> Text | None:
    """``old`` with its text in ``lang`` replaced by ``text`` (the other language kept); None
    for an empty text that was not written per language."""
    text = text.strip()
    if isinstance(old, dict):
        kept = {k: v for k, v in old.items() if k != Lang(lang)}
        return {**kept, Lang(lang): text} if text else (kept or None)
    return text or None


def set_texts(old: list[Text] | None, lang: Lang | str, lines: str) -> list[Text]:
    """A list of texts from one text per line, each line the ``lang`` side of the item at its
    place in ``old`` (so a list written per language stays so)."""
    items = [line.strip() for line in lines.splitlines() if line.strip()]
    before = list(old or [])
    result: list[Text] = []
    for index, line in enumerate(items):
        kept = before[index] if index < len(before) else None
        new = set_text(kept, lang, line)
        if new is not None:
            result.append(new)
    return result


# -- finding things in the document ---------------------------------------------------------


def _word(what: str) -> str:
    return what.replace("_", " ")


def _name_field(what: str) -> str:
    return _LISTS[what][2] if what in _LISTS else "name"


_MODELS: dict[str, type[BaseModel]] = {
    "journey": Journey,
    "persona": Persona,
    "stage": Stage,
    "touchpoint": Touchpoint,
    "pain_point": PainPoint,
    "opportunity": Opportunity,
}


def _fields(what: str) -> frozenset[str]:
    return frozenset(_MODELS[what].model_fields)


def _all(doc: Doc, what: str) -> Iterator[tuple[Doc | None, Doc]]:
    """Every item of kind ``what`` with its parent stage (None for a top-level item)."""
    name, parent, _ = _LISTS[what]
    if parent is None:
        for item in doc.get(name, []):
            yield None, item
    else:
        for stage in doc.get("stages", []):
            for item in stage.get(name, []):
                yield stage, item


def _list_for(doc: Doc, what: str, parent: str | None) -> tuple[list[Doc], Doc | None]:
    name, parent_kind, _ = _LISTS[what]
    if parent_kind is None:
        return doc.setdefault(name, []), None
    if parent is None:
        raise EditConflict(f"a {_word(what)} needs the stage it belongs to (`parent`)")
    stages, index = _find(doc, "stage", parent)
    return stages[index].setdefault(name, []), stages[index]


def _find(doc: Doc, what: str, item_id: str) -> tuple[list[Doc], int]:
    name, _, _ = _LISTS[what]
    for stage, item in _all(doc, what):
        items: list[Doc] = (stage or doc)[name]
        if item.get("id") == item_id:
            return items, next(i for i, x in enumerate(items) if x is item)
    raise EditConflict(f"the {_word(what)} {item_id!r} no longer exists: it was deleted")


def _parent_of(doc: Doc, what: str, item_id: str) -> str | None:
    for stage, item in _all(doc, what):
        if item.get("id") == item_id:
            return None if stage is None else str(stage["id"])
    return None


def _owner(doc: Doc, what: str, item_id: str | None) -> Doc:
    if what == "journey":
        return doc
    if item_id is None:
        raise EditConflict(f"which {_word(what)}? (`id` is missing)")
    items, index = _find(doc, what, item_id)
    return items[index]


def _name_of(journey: Journey, what: str, item_id: str | None, lang: Lang | str) -> str:
    if what == "journey" or item_id is None:
        return localize(journey.name, lang)
    items: list[Any] = list(journey.personas) + list(journey.opportunities)
    items += [stage for stage in journey.stages] + [t for _, t in journey.touchpoints()]
    items += [p for _, p in journey.pain_points()]
    kind = _MODELS[what]
    for item in items:
        if isinstance(item, kind) and getattr(item, "id", None) == item_id:
            return localize(getattr(item, _name_field(what)), lang) or item_id
    return item_id


def _label(what: str, item_id: str | None, field: str) -> str:
    return f"{field} of the map" if what == "journey" else f"{field} of {_word(what)} {item_id!r}"


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return " / ".join(repr(v) for v in value.values())
    return repr(value)


def _problem(op: Rename | Set, field: str, message: str) -> JourneyValidationError:
    key = field if op.what == "journey" else f"{op.what}.{op.id}.{field}"
    return JourneyValidationError([Problem("<edit>", 1, 1, f"{key}: {message}", key)])
