"""One calendar month of a journey against the month before: what changed.

::

    compared = compare_periods(log, journey, "2026-03")     # March against February
    compared.to_frame()                                      # where, measure, before, after

Both months are measured the same way (:func:`~parcours.insight.measure.measure` over the
events, answers and orders of the month, calendar time); each stage's customers and conversion
and each KPI's value (in its own unit) are set side by side with their change (after - before;
None when either month has no value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.filter import Filter
from parcours.engine.series import next_start
from parcours.errors import EngineError
from parcours.insight.measure import MeasuredJourney, Tier, each_journey, measure
from parcours.model import Journey

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Change:
    """One measure of one place in both months."""

    where: str  # stages.<id> or stages.<id>.touchpoints.<id>
    measure: str  # customers, conversion, or a KPI's id
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "measure": self.measure,
            "before": self.before,
            "after": self.after,
            "change": self.change,
        }


@dataclass(frozen=True)
class PeriodComparison:
    """A month (``period``) against the month before (``previous``)."""

    period: str
    previous: str
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "previous": self.previous,
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.changes])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def month_filter(period: str) -> Filter:
    """The filter that keeps one calendar month written ``YYYY-MM``."""
    found = _MONTH.match(period)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise EngineError(f"unknown month {period!r}: write it as YYYY-MM (e.g. 2026-03)")
    start = date(int(found.group(1)), int(found.group(2)), 1)
    end = next_start(start, "month")
    return Filter(
        since=datetime(start.year, start.month, 1), until=datetime(end.year, end.month, 1)
    )


def previous_month(period: str) -> str:
    """The month before ``period`` (``YYYY-MM``)."""
    since = month_filter(period).since
    assert since is not None
    year, month = (since.year, since.month - 1) if since.month > 1 else (since.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def compare_periods(
    log: Backend,
    journey: Journey,
    period: str,
    *,
    where: Filter | None = None,
    voice: Tier | None = None,
) -> PeriodComparison:
    """``journey`` measured over the month ``period`` and over the month before, on what
    ``where`` keeps besides (its own dates are replaced by the months')."""
    before_name = previous_month(period)
    base = where or Filter()

    def over(month: str) -> MeasuredJourney:
        window = month_filter(month)
        return measure(
            log, journey, where=replace(base, since=window.since, until=window.until), voice=voice
        )

    before, after = over(before_name), over(period)
    changes = []
    for stage in journey.stages:
        then, now = before.measures.stage(stage.id), after.measures.stage(stage.id)
        for name in ("customers", "conversion"):
            changes.append(
                Change(f"stages.{stage.id}", name, getattr(then, name), getattr(now, name))
            )
    earlier = {(k.where, k.kpi.id): k.shown for k in before.kpis}
    for kpi in after.kpis:
        changes.append(
            Change(kpi.where, kpi.kpi.id, earlier.get((kpi.where, kpi.kpi.id)), kpi.shown)
        )
    return PeriodComparison(period, before_name, tuple(changes))


def compare_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None,
    period: str,
    *,
    where: Filter | None = None,
    voice: Tier | None = None,
) -> dict[str, PeriodComparison]:
    """:func:`compare_periods` for the journeys of ``workspace`` (all, or those named)."""
    month_filter(period)  # a bad month fails before any journey is read
    return each_journey(
        workspace,
        journeys,
        lambda log, journey: compare_periods(log, journey, period, where=where, voice=voice),
    )
