"""What matters on a measured map, for its head: the top findings, and what changed since the
map was last refreshed (findings that appeared or went, KPIs that started or stopped missing
their target). The KPIs missing their target are the map's own (its KPI summary).

Everything here is the JSON forms a snapshot keeps (``Insights.to_dict()["findings"]``,
``KpiMeasure.to_dict()``), so that the last refresh's snapshot and this measure compare alike::

    matters = what_matters(findings, kpis, before=(snapshot.taken_at, snapshot.findings,
                                                   snapshot.kpis))

A finding is the same story from one refresh to the next when its kind, place, segment and
measure are (its period may grow as data arrives); a KPI is the same by its place and id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Findings listed at the head of a measured map.
TOP = 3

#: The last refresh: when it was taken, its findings and its KPIs (JSON forms).
Before = tuple[datetime, Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class KpiChange:
    """A KPI that met its target at the last refresh and misses it now (``met`` False), or the
    reverse (``met`` True); values in the KPI's unit."""

    where: str  # stages.<id> or stages.<id>.touchpoints.<id>
    kpi: str
    before: float | None
    after: float | None
    met: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "kpi": self.kpi,
            "before": self.before,
            "after": self.after,
            "met": self.met,
        }


@dataclass(frozen=True)
class WhatMatters:
    """The head of a measured map: the ``top`` findings (JSON forms, ranked), and, when the map
    was refreshed before (``since``: when), the findings ``new`` since then and ``gone`` since
    then, and the KPIs whose target is newly missed or met (``kpis``)."""

    top: tuple[Mapping[str, Any], ...]
    found: int  # findings in all
    since: datetime | None = None
    new: tuple[Mapping[str, Any], ...] = ()
    gone: tuple[Mapping[str, Any], ...] = ()
    kpis: tuple[KpiChange, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything changed since the last refresh."""
        return bool(self.new or self.gone or self.kpis)

    def to_dict(self) -> dict[str, Any]:
        return {
            "top": [dict(f) for f in self.top],
            "found": self.found,
            "since": None if self.since is None else self.since.isoformat(),
            "new": [dict(f) for f in self.new],
            "gone": [dict(f) for f in self.gone],
            "kpis": [k.to_dict() for k in self.kpis],
        }


def what_matters(
    findings: Sequence[Mapping[str, Any]],
    kpis: Sequence[Mapping[str, Any]],
    before: Before | None = None,
) -> WhatMatters:
    """The :data:`TOP` findings of ``findings`` (ranked), and the changes from ``before``, the
    last refresh (None: none to compare with)."""
    top = tuple(findings[:TOP])
    if before is None:
        return WhatMatters(top, len(findings))
    since, earlier, earlier_kpis = before
    then = {_story(f) for f in earlier}
    now = {_story(f) for f in findings}
    new = tuple(f for f in findings if _story(f) not in then)
    gone = tuple(f for f in earlier if _story(f) not in now)
    was = {(k.get("where"), k.get("kpi")): k for k in earlier_kpis}
    changes = []
    for kpi in kpis:
        old = was.get((kpi.get("where"), kpi.get("kpi")))
        if old is None or old.get("met") is None or kpi.get("met") is None:
            continue
        if bool(old["met"]) != bool(kpi["met"]):
            changes.append(
                KpiChange(
                    str(kpi["where"]),
                    str(kpi["kpi"]),
                    old.get("value"),
                    kpi.get("value"),
                    bool(kpi["met"]),
                )
            )
    return WhatMatters(top, len(findings), since, new, gone, tuple(changes))


def _story(finding: Mapping[str, Any]) -> tuple[object, ...]:
    """What makes a finding the same story from one refresh to the next."""
    where = finding.get("where") or {}
    segment = tuple(sorted((finding.get("segment") or {}).items()))
    measure = (finding.get("evidence") or {}).get("measure")
    return (finding.get("kind"), where.get("stage"), where.get("touchpoint"), segment, measure)
