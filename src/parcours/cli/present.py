"""Plain text tables for the terminal: aligned columns, long or multi-line cells shortened.

Kept free of pandas and rich so that ``parcours --help`` stays fast; numbers are formatted by
the caller (:mod:`parcours.render.fmt` for human units).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: The widest a cell is shown; longer ones end with an ellipsis.
WIDEST = 60


def cell(value: object, widest: int = WIDEST) -> str:
    """``value`` on one line: None empty, control characters escaped, long text shortened."""
    if value is None:
        return ""
    text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= widest else text[: widest - 1] + "…"


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], right: Iterable[int] = ()
) -> str:
    """``rows`` under ``header``, columns aligned (those numbered in ``right`` to the right)."""
    cells = [[cell(v) for v in header], *([cell(v) for v in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    righted = set(right)
    lines = []
    for row in cells:
        parts = [
            text.rjust(width) if i in righted else text.ljust(width)
            for i, (text, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
