"""Conversion paths for attribution: read from ChannelAttribution's path format, or built from
the rows an engine derives from events (:func:`parcours.engine.journeys.paths_from_events`).

A path is the ordered list of channels a customer touched before converting (or not). Paths are
aggregated: each distinct path carries its conversions, conversion value and non-conversions
(``total_null``), as in ChannelAttribution's ``path,total_conversions,total_conversion_value,
total_null`` files, where a path reads ``a > b > c``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from parcours.errors import EngineError


@dataclass(frozen=True)
class ConversionPaths:
    """Distinct channel paths with conversions, value and non-conversions per path.

    ``ages_s`` (optional) gives, per path, each touch's age in seconds at the conversion (or at
    the last touch for a path that did not convert); time-decay attribution uses it.
    """

    paths: tuple[tuple[str, ...], ...]
    conversions: np.ndarray
    value: np.ndarray
    nulls: np.ndarray
    ages_s: tuple[tuple[float, ...], ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.paths)
        if not len(self.conversions) == len(self.value) == len(self.nulls) == n:
            raise EngineError("conversion paths: paths and count columns differ in length.")
        if any(len(p) == 0 for p in self.paths):
            raise EngineError("conversion paths: a path has no channel; drop empty paths.")

    @property
    def channels(self) -> list[str]:
        """Channels in order of first appearance."""
        return list(dict.fromkeys(c for p in self.paths for c in p))

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())


def read_paths(location: str | Path) -> ConversionPaths:
    """Read a ChannelAttribution path file (CSV, gzip allowed): ``path``, ``total_conversions``,
    and optionally ``total_conversion_value`` and ``total_null``."""
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(location), header=True)
    except duckdb.Error as exc:
        raise EngineError(f"cannot read the path file {location}: {exc}") from exc
    columns = set(rel.columns)
    if not {"path", "total_conversions"} <= columns:
        raise EngineError(
            f"{location}: a path file needs the columns path and total_conversions "
            f"(optionally total_conversion_value, total_null); it has {', '.join(rel.columns)}."
        )
    value = "total_conversion_value" if "total_conversion_value" in columns else "0"
    nulls = "total_null" if "total_null" in columns else "0"
    rows = con.sql(
        f"SELECT path, total_conversions, {value}, {nulls} FROM rel WHERE path IS NOT NULL"
    ).fetchall()
    if not rows:
        raise EngineError(f"{location}: the path file has no rows.")
    return ConversionPaths(
        paths=tuple(tuple(c.strip() for c in str(r[0]).split(">")) for r in rows),
        conversions=np.array([r[1] or 0 for r in rows], dtype=float),
        value=np.array([r[2] or 0 for r in rows], dtype=float),
        nulls=np.array([r[3] or 0 for r in rows], dtype=float),
    )


def paths_from_rows(
    rows: Sequence[Sequence[Any]], conversion: str, channel: str = "channel"
) -> ConversionPaths:
    """Conversion paths from one row per (customer, conversion) in (customer, conversion)
    order: touch channels, touch times (µs), converted, last time (µs), conversion value; or
    from rows counting identical paths: channels, None, converted, None, value, count."""
    kept = [r for r in rows if r[0]]
    if not kept:
        raise EngineError(
            f"no touch with a {channel!r} found before {conversion!r} events; check the "
            "conversion event name and that touch events carry a channel."
        )
    counts = np.array([r[5] if len(r) > 5 else 1 for r in kept], dtype=float)
    converted = np.array([bool(r[2]) for r in kept])
    timed = all(r[1] is not None for r in kept)
    return ConversionPaths(
        paths=tuple(tuple(r[0]) for r in kept),
        conversions=np.where(converted, counts, 0.0),
        value=np.array([float(r[4] or 0) if r[2] else 0.0 for r in kept]),
        nulls=np.where(converted, 0.0, counts),
        ages_s=tuple(tuple((r[3] - t) / 1e6 for t in r[1]) for r in kept) if timed else None,
    )
