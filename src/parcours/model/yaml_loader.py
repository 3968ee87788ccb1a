"""The YAML loader journeys are read with: YAML 1.2-like scalars, and limits checked while the
document is composed, before anything is built from it.

Only ``true``/``false`` are booleans and dates stay text, so a French ``Non`` or ``2024-05-01`` is
kept as written. Nesting deeper than :data:`~parcours.model.limits.MAX_DEPTH`, more than
:data:`~parcours.model.limits.MAX_NODES` values once aliases are expanded (a "billion laughs"
file), an alias inside the node it names, an over-long string or number and a lone surrogate are
refused at the line and column where they occur.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from parcours.model import limits

_BOOL, _TIMESTAMP = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"
_NUMBERS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


class JourneyLoader(yaml.SafeLoader):
    """A SafeLoader that counts what it composes; ``filename`` is used in its errors."""

    def __init__(self, text: str, filename: str) -> None:
        super().__init__(text)
        self.filename = filename
        self._nodes = 0  # values so far, aliases counted expanded
        self._open: list[int] = []  # per collection being composed: its tallest child so far
        self._shape: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded size, height)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)  # an undefined alias is an error here
            shape = self._shape.get(id(node))
            if shape is None:
                message = f"the alias *{event.anchor} is inside the node it names"
                self._refuse(event, message, "a journey cannot contain itself; copy the values")
            size, height = shape  # type: ignore[misc]
            if len(self._open) + height > limits.MAX_DEPTH:
                self._refuse(event, *limits.too_deep())
            self._count(size, event, f"the alias *{event.anchor}")
            self._close(height)
            return node
        if len(self._open) >= limits.MAX_DEPTH:
            self._refuse(event, *limits.too_deep())
        if isinstance(event, yaml.ScalarEvent):
            self._check_text(event)
        before = self._nodes
        self._count(1, event, "this value")
        self._open.append(0)
        node = super().compose_node(parent, index)
        height = 1 + self._open.pop()
        assert node is not None  # an event was there to compose
        self._shape[id(node)] = (self._nodes - before, height)
        self._close(height)
        if node.tag in _NUMBERS and len(node.value) > limits.MAX_NUMBER:
            self._refuse(event, *limits.number_too_long(len(node.value)))
        return node

    def _close(self, height: int) -> None:
        if self._open:
            self._open[-1] = max(self._open[-1], height)

    def _count(self, size: int, event: yaml.Event, what: str) -> None:
        self._nodes += size
        if self._nodes > limits.MAX_NODES:
            message = (
                f"{what} takes the document past {limits.MAX_NODES:,} values "
                "once YAML aliases are expanded"
            )
            self._refuse(event, message, "write the values out, or use fewer aliases (*name)")

    def _check_text(self, event: yaml.ScalarEvent) -> None:
        if len(event.value) > limits.MAX_TEXT:
            self._refuse(event, *limits.text_too_long(len(event.value)))
        if limits.has_surrogate(event.value):
            self._refuse(event, *limits.SURROGATE)

    def _refuse(self, event: yaml.Event, message: str, hint: str) -> None:
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise limits.refuse(self.filename, line, column, message, hint)


JourneyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
JourneyLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
