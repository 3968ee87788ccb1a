"""The editable lanes of each item of a map, and edit operations read from an editor's form.

A lane is one field edited on its own: a text (in the editor's language, the other kept), a
list of texts (one per line), an emotion, a choice, a structured value written as YAML (KPIs
with targets, content) or a data binding (the structured matcher)::

    op = edit_from_form({"op": ["set"], "what": ["stage"], "id": ["achat"], "field": ["goal"],
                         "old": ['"Acheter"'], "value": ["Commander"]}, Lang.FR)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from parcours.errors import JourneyValidationError, Problem
from parcours.model.binding import EventMatcher
from parcours.model.documents import load_fragment
from parcours.model.edits import Edit, parse_edit, set_text, set_texts
from parcours.model.vocabulary import Channel, ContentKind, Effort, Lang, MatchOp, Severity, Status

Kind = Literal["text", "lines", "emotion", "score", "choice", "reason", "yaml", "binding"]


@dataclass(frozen=True)
class Lane:
    field: str
    kind: Kind
    choices: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "choices": list(self.choices)}


def _choices(vocabulary: Any) -> tuple[str, ...]:
    return tuple(item.value for item in vocabulary)


_EMPATHY = tuple(
    Lane(f"empathy.{k}", "lines") for k in ("sees", "hears", "thinks_feels", "says_does")
)

#: The lanes of each kind of item, in the editor's order (the name first).
LANES: dict[str, tuple[Lane, ...]] = {
    "stage": (
        Lane("name", "text"),
        Lane("goal", "text"),
        Lane("needs", "lines"),
        Lane("actions", "lines"),
        Lane("thoughts", "lines"),
        Lane("emotion", "emotion"),
        *_EMPATHY,
        Lane("content", "yaml"),
        Lane("kpis", "yaml"),
    ),
    "touchpoint": (
        Lane("name", "text"),
        Lane("channel", "choice", _choices(Channel)),
        Lane("interaction", "text"),
        Lane("emotion", "emotion"),
        Lane("moment_of_truth", "reason"),
        Lane("kpis", "yaml"),
        Lane("owner", "text"),
        Lane("match", "binding"),
    ),
    "persona": (
        Lane("name", "text"),
        Lane("description", "text"),
        Lane("quote", "text"),
        Lane("goals", "lines"),
        Lane("motivations", "lines"),
    ),
    "pain_point": (
        Lane("description", "text"),
        Lane("severity", "choice", _choices(Severity)),
    ),
    "opportunity": (
        Lane("title", "text"),
        Lane("description", "text"),
        Lane("importance", "score"),
        Lane("urgency", "score"),
        Lane("effort", "choice", ("", *_choices(Effort))),
        Lane("status", "choice", _choices(Status)),
        Lane("owner", "text"),
    ),
}
#: Touchpoints are added with a channel; a new item gets these values besides its name.
CONTENT_KINDS = _choices(ContentKind)
MATCH_OPS = _choices(MatchOp)
_NAMES = {"stage": "name", "touchpoint": "name", "persona": "name"}
_NAMES |= {"pain_point": "description", "opportunity": "title"}

Form = Mapping[str, Sequence[str]]


def lane(what: str, field: str) -> Lane:
    """The lane ``field`` of a ``what``; a located error when there is none."""
    for found in LANES.get(what, ()):
        if found.field == field:
            return found
    raise _invalid(field, f"a {what.replace('_', ' ')} has no editable field `{field}`")


def edit_from_form(form: Form, lang: Lang | str) -> Edit:
    """The operation an editor's form asks for. ``old`` is the JSON of the value the editor
    showed (the precondition); ``value`` (and for a binding ``events``, ``channels``,
    ``where_property``/``where_op``/``where_value``) what was typed."""

    def one(name: str, default: str = "") -> str:
        values = form.get(name) or [default]
        return values[0]

    op, what, item_id = one("op"), one("what"), one("id") or None
    try:
        if op == "add":
            item: dict[str, Any] = {_NAMES.get(what, "name"): one("value").strip()}
            if what == "touchpoint":
                item["channel"] = one("channel", "other")
            data: dict[str, Any] = {"item": item, "parent": one("parent") or None}
            data["index"] = _index(one)
        elif op in ("delete", "move"):
            data = {"id": item_id or ""}
            if op == "move":
                data |= {"parent": one("parent") or None, "index": _index(one) or 0}
        else:
            field = one("field") or _NAMES.get(what, "name")
            old = json.loads(one("old", "null"))
            data = {"id": item_id, "old": old}
            data["new"] = value_from_form(lane(what, field), old, form, lang)
            if op != "rename":
                data["field"] = field
        return parse_edit({"op": op, "what": what, **data})
    except (ValidationError, ValueError) as error:
        raise _invalid(one("field") or op, _first_message(error)) from None


def value_from_form(found: Lane, old: Any, form: Form, lang: Lang | str) -> Any:
    """The new value of lane ``found`` from what was typed, the other language of a text kept."""
    text = (form.get("value") or [""])[0]
    if found.kind == "text":
        return set_text(old, lang, text)
    if found.kind == "lines":
        return set_texts(old, lang, text) or None
    if found.kind in ("emotion", "score"):
        return None if not text.strip() else _number(text, found)
    if found.kind == "choice":
        return text or None
    if found.kind == "reason":
        reason = set_text(old.get("reason") if isinstance(old, dict) else None, lang, text)
        return None if reason is None else {"reason": reason}
    if found.kind == "yaml":
        data = load_fragment(text, f"<{found.field}>") if text.strip() else None
        if data is not None and not isinstance(data, list):
            raise _invalid(found.field, "write a YAML list (one `- kind: ...` per item)")
        return data or None
    return matcher_from_form(form)


def matcher_from_form(form: Form) -> dict[str, Any] | None:
    """A data binding (the JSON of an EventMatcher) from the binding editor's fields; None when
    every field is empty (the binding removed)."""
    events = _items(form.get("events") or [""])
    channels = _items(form.get("channels") or [""])
    where = []
    rows = zip(
        form.get("where_property") or [],
        form.get("where_op") or [],
        form.get("where_value") or [],
        strict=False,
    )
    for prop, op, raw in rows:
        if not prop.strip():
            continue
        condition: dict[str, Any] = {"property": prop.strip(), "op": op or "eq"}
        if op in ("in", "not_in"):
            condition["value"] = [_scalar(v) for v in _items([raw])]
        elif op != "exists":
            condition["value"] = _scalar(raw)
        where.append(condition)
    if not (events or channels or where):
        return None
    data: dict[str, Any] = {"events": events} if events else {}
    data |= {"channels": channels} if channels else {}
    data |= {"where": where} if where else {}
    try:
        EventMatcher.model_validate(data)
    except ValidationError as error:
        raise _invalid("match", _first_message(error)) from None
    return data


def _items(values: Sequence[str]) -> list[str]:
    return [p.strip() for v in values for p in v.replace("\n", ",").split(",") if p.strip()]


def _scalar(raw: str) -> str | int | float | bool:
    text = raw.strip()
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _number(text: str, found: Lane) -> float | int:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise _invalid(found.field, f"{text!r} is not a number") from None
    return int(value) if found.kind == "score" or value.is_integer() else value


def _index(one: Any) -> int | None:
    raw = one("index")
    return int(raw) if raw.strip() else None


def _first_message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors(include_url=False)[0]
        return str(first["msg"]).removeprefix("Value error, ")
    return str(error)


def _invalid(field: str, message: str) -> JourneyValidationError:
    return JourneyValidationError([Problem("<edit>", 1, 1, message, field)])
