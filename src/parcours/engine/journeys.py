"""Conversion paths derived from events, for the attribution models.

The touches (events with a ``channel``) of a customer before each ``conversion`` event form one
converting path; touches after the last conversion form a non-converting path (see
:mod:`parcours.engine.conversion_paths`).
"""

from __future__ import annotations

from parcours.engine.backend import Backend
from parcours.engine.conversion_paths import ConversionPaths, paths_from_rows


def paths_from_events(
    log: Backend,
    conversion: str,
    *,
    value: str | None = None,
    channel: str = "channel",
    ages: bool = True,
) -> ConversionPaths:
    """Derive conversion paths from events: one path per customer and conversion, with each
    touch's age (time-decay attribution needs them); without ``ages``, identical paths are
    counted together by the engine, which is much faster. ``value`` names a ``properties`` key
    holding the conversion value."""
    rows = log.conversion_rows(conversion, value, channel, ages)
    return paths_from_rows(rows, conversion, channel)
