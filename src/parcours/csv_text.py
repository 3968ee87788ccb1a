"""CSV as parcours writes it: safe to open in a spreadsheet, and read back as written.

Every CSV the product writes goes through :func:`csv_text`. A text cell that a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: the
OWASP "CSV injection" rule) is written with a leading ``'``; numbers, and texts that are only a
number (``-0.5``, ``+1,5``), stay as they are. A cell holding a quote, the delimiter, or a
carriage return or line feed anywhere is quoted, so a row never splits. Missing values (None,
NaN) are empty cells.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+\-−]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+\-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Number):
        return "" if isinstance(value, float) and math.isnan(value) else value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """``header`` and ``rows`` as CSV text (``\\n`` line ends), every cell made safe."""
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    # with "\n" line ends the csv module leaves a lone carriage return unquoted: a row holding
    # one is written with every text quoted
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in (header, *rows):
        cells = [safe_cell(value) for value in row]
        broken = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (quoted if broken else plain).writerow(cells)
    return out.getvalue()
