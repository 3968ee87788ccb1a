"""Journey documents: read and write YAML or JSON, with located errors.

Every problem found while reading names the file, line and column, the offending key and, where
it can, a hint (``did you mean `touchpoints`?``). Writing then reading gives back an equal
:class:`~parcours.model.journey.Journey`.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from parcours.errors import JourneyFileError, JourneyValidationError, Problem
from parcours.model import limits
from parcours.model.journey import BrokenReferences, Journey, Loc
from parcours.model.json_scan import check_json
from parcours.model.yaml_loader import JourneyLoader
from parcours.model.yaml_writer import dump_yaml

Format = Literal["yaml", "json"]
Position = tuple[int, int]
_SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "date", "none"})


def format_of(path: str | Path) -> Format:
    """``yaml`` or ``json`` from the file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        message = f"unknown journey file type {suffix!r}"
        raise JourneyFileError(Problem(str(path), 1, 1, message, hint="use .yaml, .yml or .json"))
    return _SUFFIXES[suffix]


def load_journey(path: str | Path) -> Journey:
    """Read and validate a journey file (YAML or JSON, by suffix)."""
    path = Path(path)
    return parse_journey(limits.read_bytes(path), str(path), format_of(path))


def parse_journey(raw: bytes | str, filename: str = "<journey>", fmt: Format = "yaml") -> Journey:
    """Validate a journey document given as bytes or text; ``filename`` is used in messages."""
    text = limits.decode(raw, filename)
    data, positions = _parse(text, filename, fmt)
    if not isinstance(data, dict):
        hint = "start from `parcours init`"
        what = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        raise JourneyFileError(
            Problem(filename, 1, 1, f"the journey document is {what}", hint=hint)
        )
    return validate_document(data, filename, positions, text)


def validate_document(
    data: dict[str, Any],
    filename: str = "<journey>",
    positions: dict[Loc, Position] | None = None,
    text: str | None = None,
) -> Journey:
    """Validate a journey document given as data (what ``model_dump(mode="json")`` gives);
    problems are located by key (and by line and column when ``positions`` or the JSON
    ``text`` say where each key sits)."""
    try:
        return Journey.model_validate(data)
    except ValidationError as exc:
        error: ValidationError | BrokenReferences = exc
    except BrokenReferences as exc:
        error = exc
    if positions is None:  # JSON: locate keys only when there is something to report
        positions = _json_positions(text, filename) if text is not None else {}
    if isinstance(error, ValidationError):
        problems = _validation_problems(error, data, positions, filename)
    else:
        problems = [
            _located(filename, positions, loc, loc, message, hint)
            for loc, message, hint in error.problems
        ]
    raise JourneyValidationError(problems)


def load_fragment(text: str, filename: str) -> Any:
    """A piece of a journey written in YAML (a list of KPIs...), read with the journey
    loader's limits; a located JourneyFileError when it is not valid YAML."""
    return _compose(text, filename)[0]


def dump_journey(journey: Journey, fmt: Format = "yaml") -> str:
    """The journey as YAML or JSON text (keys in model order, only what was set)."""
    data = journey.model_dump(mode="json", exclude_unset=True)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return dump_yaml(data)


def save_journey(journey: Journey, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(dump_journey(journey, format_of(path)), encoding="utf-8")
    return path


# -- parsing -------------------------------------------------------------------------------------


def _parse(text: str, filename: str, fmt: Format) -> tuple[Any, dict[Loc, Position] | None]:
    """The document's data and, for YAML, where each key and value sits (read in one pass)."""
    if fmt == "json":
        check_json(text, filename)
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            problem = Problem(filename, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")
            raise JourneyFileError(problem) from exc
    return _compose(text, filename)


def _json_positions(text: str, filename: str) -> dict[Loc, Position]:
    """Positions in a JSON document, read as YAML (JSON is nearly a subset); none if it can't."""
    try:
        return _compose(text, filename)[1]
    except JourneyFileError:
        return {}


def _compose(text: str, filename: str) -> tuple[Any, dict[Loc, Position]]:
    try:
        loader = JourneyLoader(text, filename)  # the reader checks characters here
    except yaml.reader.ReaderError as exc:
        line, column = limits.position(text, exc.position)
        message = f"invalid YAML: character {chr(exc.character)!r} is not allowed"
        raise JourneyFileError(Problem(filename, line, column, message)) from exc
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"invalid YAML: {exc.problem or exc.context}"
        raise JourneyFileError(Problem(filename, line, column, message)) from exc
    except (ValueError, OverflowError) as exc:  # PyYAML lets a few through: "\U11000000"
        mark = loader.get_mark()
        problem = Problem(filename, mark.line + 1, mark.column + 1, f"invalid YAML: {exc}")
        raise JourneyFileError(problem) from exc
    finally:
        loader.dispose()
    positions: dict[Loc, Position] = {}
    if node is not None:
        _walk(node, (), positions, filename)
    return data, positions


def _walk(node: yaml.Node, loc: Loc, positions: dict[Loc, Position], filename: str) -> None:
    positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problem = Problem(filename, line, column, f"duplicate key `{key}`", key=key)
                raise JourneyFileError(problem)
            seen.add(key)
            # the key's own position, for "unknown key" errors
            positions[(*loc, key, "<key>")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            _walk(value_node, (*loc, key), positions, filename)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), positions, filename)


# -- locating validation errors -----------------------------------------------------------------


def _validation_problems(
    exc: ValidationError, data: Any, positions: dict[Loc, Position], filename: str
) -> list[Problem]:
    grouped: dict[Loc, list[Any]] = {}
    for error in exc.errors(include_url=False):
        grouped.setdefault(_data_loc(error["loc"], data), []).append(error)
    # an id is derived from the name: a missing or wrong name already explains a missing id
    missing = {loc for loc, errors in grouped.items() if errors[0]["type"] == "missing"}
    for loc in [loc for loc in missing if loc[-1] == "id"]:
        if any(other[:-1] == loc[:-1] and other != loc for other in grouped):
            del grouped[loc]
    problems = []
    for loc, errors in grouped.items():
        error = errors[0]
        if error["type"] == "extra_forbidden":
            allowed = _fields_at(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean `{close[0]}`?" if close else _allowed_hint(allowed)
            message = f"unknown key `{loc[-1]}`"
            problems.append(_located(filename, positions, (*loc, "<key>"), loc, message, hint))
            continue
        if error["type"] == "missing":
            message = f"missing required key `{loc[-1]}`"
            problems.append(_located(filename, positions, loc[:-1], loc, message, ""))
            continue
        messages = list(dict.fromkeys(_message(e) for e in errors))
        message = messages[0] if len(messages) == 1 else "invalid value: " + "; or ".join(messages)
        problems.append(_located(filename, positions, loc, loc, message, _enum_hint(error)))
    return problems


def _located(
    filename: str, positions: dict[Loc, Position], at: Loc, loc: Loc, message: str, hint: str
) -> Problem:
    """A problem placed at the nearest known position of ``at`` (or its parents)."""
    probe = at
    while probe not in positions and probe:
        probe = probe[:-1]
    line, column = positions.get(probe, (1, 1))
    key = ".".join(str(part) for part in loc)
    return Problem(filename, line, column, f"{key}: {message}" if key else message, key, hint)


def _data_loc(loc: tuple[int | str, ...], data: Any) -> Loc:
    """The error location without pydantic's union/type tags."""
    kept: list[int | str] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(part, str) and ("[" in part or part in _TYPE_TAGS or part[:1].isupper()):
            continue
        else:
            node = None
        kept.append(part)
    return tuple(kept)


def _message(error: Any) -> str:
    if error["type"] == "enum":
        return f"{error['input']!r} is not an allowed value"
    return str(error["msg"]).removeprefix("Value error, ")


def _enum_hint(error: Any) -> str:
    if error["type"] != "enum":
        return ""
    allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    close = difflib.get_close_matches(str(error["input"]), allowed, n=1)
    return f"did you mean `{close[0]}`?" if close else f"allowed: {', '.join(allowed)}"


def _allowed_hint(allowed: list[str]) -> str:
    return f"allowed keys: {', '.join(allowed)}" if allowed else ""


def _fields_at(loc: Loc) -> list[str]:
    """Field names of the model found at ``loc`` from the Journey root."""
    model: type[BaseModel] | None = Journey
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None
