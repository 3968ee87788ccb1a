"""The result of the returns analysis (:mod:`parcours.engine.returns`), on its own so that the
engines' code depends on it and not on the analysis."""

from __future__ import annotations

from dataclasses import dataclass

from parcours.engine.period import Period


@dataclass(frozen=True)
class Returns:
    """The customers of a place (``level`` ``stage`` or ``touchpoint``) whose first event there
    fell in the period starting on ``start`` and came on ``channel``, and how many of them came
    back to it after leaving it (``returned``); ``visits`` counts their separate visits."""

    level: str
    place: str
    start: Period
    channel: str | None
    customers: int
    returned: int
    visits: int
