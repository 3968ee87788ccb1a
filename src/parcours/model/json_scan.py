"""A pass over a JSON journey document before :func:`json.loads`, for the limits the decoder
does not check where the error can be placed: nesting depth (the decoder recurses), the length
of a string or a number, and lone surrogate escapes (``"\\ud800"``)."""

from __future__ import annotations

import json
import re

from parcours.model import limits

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|-?[0-9][0-9.eE+\-]*', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def check_json(text: str, filename: str) -> None:
    """Raise a located :class:`~parcours.errors.JourneyFileError` when ``text`` breaks a limit.

    Syntax is left to the decoder: this pass only looks at brackets, strings and numbers."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        problem: tuple[str, str] | None = None
        if first in "[{":
            depth += 1
            if depth > limits.MAX_DEPTH:
                problem = limits.too_deep()
        elif first in "]}":
            depth -= 1
        elif first == '"':
            if len(token) - 2 > limits.MAX_TEXT:
                problem = limits.text_too_long(len(token) - 2)
            elif _SURROGATE_ESCAPE.search(token) and _lone_surrogate(token):
                problem = limits.SURROGATE
        elif len(token) > limits.MAX_NUMBER:
            problem = limits.number_too_long(len(token))
        if problem:
            line, column = limits.position(text, match.start())
            raise limits.refuse(filename, line, column, *problem)


def _lone_surrogate(token: str) -> bool:
    try:
        value = json.loads(token)
    except ValueError:
        return False  # the decoder reports it, with its position
    return isinstance(value, str) and limits.has_surrogate(value)
