"""What the detectors find, typed: a :class:`Finding` (where on the map, when, for which
segment, what it cost, said in French and English, with its evidence) and :class:`Insights`,
the findings of a workspace ranked by cost.

``Insights.to_dict()`` is the JSON contract of ``parcours insights --format json``::

    {"findings": [{"rank": 1, "kind": "incident",  # loop, failure_driver, moment_of_truth...
                   "where": {"stage": "achat", "touchpoint": "page-paiement", "events": [...]},
                   "period": {"start": "2026-05-04", "end": "2026-05-17"} or null,
                   "segment": {"channel": "web"} or null,
                   "cost": 212.0, "summary": {"fr": "...", "en": "..."},
                   "evidence": {...}}, ...],
     "moments_of_truth": [{"touchpoint": "page-paiement", "declared": true, "measured": false,
                           "lift": ..., ...}, ...]}
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from parcours.insight.moments import MomentOfTruth


@dataclass(frozen=True)
class Place:
    """A stage of the map, or one of its touchpoints, and the events bound to it (no stage: the
    events no place of the map claims)."""

    stage: str | None
    touchpoint: str | None = None
    events: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "touchpoint": self.touchpoint, "events": list(self.events)}


@dataclass(frozen=True)
class ChannelChange:
    """One channel's part in a change: its measure before (``baseline``) and during the
    finding's period (``observed``), its observations during it (``n``) and the customers the
    change cost on it (``lost``; negative: it gained)."""

    channel: str | None
    baseline: float | None
    observed: float | None
    n: int
    lost: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "baseline": self.baseline,
            "observed": self.observed,
            "n": self.n,
            "lost": round(self.lost, 1),
        }


@dataclass(frozen=True)
class Finding:
    """One thing the map found in its own data: ``kind`` (``incident``...), the place, the
    period (``start`` and ``end`` both inclusive ISO days, None when it is not about a period),
    the segment that explains it (``{"channel": "web"}``, None when none stands out), its cost
    (customers lost) and a summary in French and English; ``evidence`` holds the numbers."""

    kind: str
    where: Place
    start: date | None
    end: date | None
    segment: Mapping[str, str] | None
    cost: float
    summary: Mapping[str, str]
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding of its JSON form (:meth:`to_dict`; a snapshot's ``findings``)."""
        where = data.get("where") or {}
        period = data.get("period") or {}
        return cls(
            kind=str(data["kind"]),
            where=Place(
                where.get("stage"), where.get("touchpoint"), tuple(where.get("events", ()))
            ),
            start=date.fromisoformat(period["start"]) if period.get("start") else None,
            end=date.fromisoformat(period["end"]) if period.get("end") else None,
            segment=data.get("segment"),
            cost=float(data.get("cost") or 0.0),
            summary=dict(data.get("summary") or {}),
            evidence=dict(data.get("evidence") or {}),
        )

    def to_dict(self, rank: int) -> dict[str, Any]:
        period = (
            None
            if self.start is None or self.end is None
            else {"start": self.start.isoformat(), "end": self.end.isoformat()}
        )
        return {
            "rank": rank,
            "kind": self.kind,
            "where": self.where.to_dict(),
            "period": period,
            "segment": dict(self.segment) if self.segment else None,
            "cost": round(self.cost, 1),
            "summary": dict(self.summary),
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class Insights:
    """Findings, most costly first, and the touchpoints judged as moments of truth (declared
    on the map or found decisive in the data)."""

    findings: tuple[Finding, ...]
    moments: tuple[MomentOfTruth, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict(rank) for rank, f in enumerate(self.findings, 1)],
            "moments_of_truth": [m.to_dict() for m in self.moments],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: rank, kind, journey, stage, touchpoint, measure, period,
        segment, cost and the English summary."""
        rows = [
            {
                "rank": rank,
                "kind": f.kind,
                "journey": f.evidence.get("journey"),
                "stage": f.where.stage,
                "touchpoint": f.where.touchpoint,
                "measure": f.evidence.get("measure"),
                "start": f.start,
                "end": f.end,
                "segment": ", ".join(f"{k}={v}" for k, v in (f.segment or {}).items()) or None,
                "cost": f.cost,
                "summary": f.summary.get("en"),
            }
            for rank, f in enumerate(self.findings, 1)
        ]
        columns = ["rank", "kind", "journey", "stage", "touchpoint", "measure", "start", "end"]
        return pd.DataFrame(rows, columns=[*columns, "segment", "cost", "summary"])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(f.summary.get('en', ''))}</li>" for f in self.findings)
        return f"<ol>{items}</ol>" if items else "<p>No finding.</p>"


def rank(findings: list[Finding], moments: Iterable[MomentOfTruth] = ()) -> Insights:
    """The findings ordered by cost, then by the strength of their evidence."""
    ordered = sorted(findings, key=lambda f: (-f.cost, -abs(float(f.evidence.get("score", 0.0)))))
    return Insights(tuple(ordered), tuple(moments))
