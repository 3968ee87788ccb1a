"""A journey's measured state kept in the workspace, so that pages and commands show it at once.

Measuring a journey reads every event; a team opening its map should not wait for that. A
snapshot holds what one measure of a journey found, for the whole data (``all``) or for one
calendar month (``2026-03``): the measures laid onto the map, its KPIs against their targets,
what the bindings left out, the weekly series of every KPI and the ranked findings; when the
workspace holds segments (``parcours segment WORKSPACE``), a persona card per segment and the
map measured for each segment::

    snaps = take_snapshots(Workspace.open("shop"))            # every journey, all the data
    snaps["sport"].measures                                  # onto render_html(..., measures=)
    load_snapshot(Workspace.open("shop"), "sport", "all")    # the same, read back

Snapshots are JSON files under ``.parcours/snapshots/JOURNEY/PERIOD.json``, written whole
(to a temporary file, then renamed) so that a reader never sees half of one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.filter import Filter
from parcours.engine.series import calendar
from parcours.errors import EngineError
from parcours.insight.compare import month_filter
from parcours.insight.findings import rank
from parcours.insight.insights import journey_insights
from parcours.insight.measure import MeasuredJourney, Tier, each_journey, measure
from parcours.insight.opportunities import RankedOpportunity, rank_measured
from parcours.insight.personas import SegmentCard, segment_cards
from parcours.insight.trend import measure_series
from parcours.insight.voice import Memo
from parcours.model import Journey
from parcours.model.measures import Measures

#: The period of a snapshot over all the data.
ALL = "all"


@dataclass(frozen=True)
class Snapshot:
    """What one measure of the journey ``journey`` (its file stem) found, for ``period``
    (``all`` or a month ``YYYY-MM``).

    ``kpis``, ``coverage``, ``series`` and ``findings`` are the JSON forms of the typed results
    (:class:`~parcours.insight.measure.KpiMeasure`, :class:`~parcours.engine.binding.Coverage`,
    :class:`~parcours.insight.trend.Timeline`, :class:`~parcours.insight.findings.Insights`);
    ``months`` lists the months the data covers, for a period picker. ``personas`` are the
    JSON forms of the segments' :class:`~parcours.insight.personas.SegmentCard` and
    ``segments`` the measures of the map for each segment's customers, by segment id (both
    empty when the workspace has no segments; absent from older snapshot files).
    ``opportunities`` are the JSON forms of the declared opportunities and those the findings
    call for, ranked on the Eisenhower matrix from measures
    (:func:`~parcours.insight.opportunities.rank_opportunities`)."""

    journey: str
    period: str
    taken_at: datetime
    measures: Measures
    kpis: tuple[Mapping[str, Any], ...] = ()
    coverage: Mapping[str, Any] = field(default_factory=dict)
    series: Mapping[str, Any] = field(default_factory=dict)
    findings: tuple[Mapping[str, Any], ...] = ()
    months: tuple[str, ...] = ()
    personas: tuple[Mapping[str, Any], ...] = ()
    segments: Mapping[str, Measures] = field(default_factory=dict)
    opportunities: tuple[Mapping[str, Any], ...] = ()

    def ranked(self) -> tuple[RankedOpportunity, ...]:
        """The opportunities ranked from measures, typed."""
        return tuple(RankedOpportunity.from_dict(o) for o in self.opportunities)

    def cards(self) -> tuple[SegmentCard, ...]:
        """The persona cards, typed."""
        return tuple(SegmentCard.from_dict(card) for card in self.personas)

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "period": self.period,
            "taken_at": self.taken_at.isoformat(),
            "measures": self.measures.to_dict(),
            "kpis": list(self.kpis),
            "coverage": dict(self.coverage),
            "series": dict(self.series),
            "findings": list(self.findings),
            "months": list(self.months),
            "personas": list(self.personas),
            "segments": {k: v.to_dict() for k, v in self.segments.items()},
            "opportunities": list(self.opportunities),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        return cls(
            journey=data["journey"],
            period=data["period"],
            taken_at=datetime.fromisoformat(data["taken_at"]),
            measures=Measures.from_dict(data["measures"]),
            kpis=tuple(data.get("kpis", ())),
            coverage=data.get("coverage", {}),
            series=data.get("series", {}),
            findings=tuple(data.get("findings", ())),
            months=tuple(data.get("months", ())),
            personas=tuple(data.get("personas", ())),
            segments={k: Measures.from_dict(v) for k, v in data.get("segments", {}).items()},
            opportunities=tuple(data.get("opportunities", ())),
        )


def period_filter(period: str) -> Filter:
    """The filter that keeps ``period``: nothing for ``all``, the month for ``YYYY-MM``."""
    if period == ALL:
        return Filter()
    try:
        return month_filter(period)
    except EngineError:
        raise EngineError(
            f"unknown period {period!r}: write {ALL!r} or a month as YYYY-MM"
        ) from None


def take_snapshots(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    period: str = ALL,
    voice: Tier | None = "fast",
    on_journey: Callable[[str], None] | None = None,
) -> dict[str, Snapshot]:
    """Measure the journeys of ``workspace`` (all, or those named by file stem) over
    ``period`` and keep each snapshot in the workspace; ``on_journey`` is told each journey's
    id as it starts."""
    taken = measure_and_keep(workspace, journeys, period=period, voice=voice, on_journey=on_journey)
    return {name: snapshot for name, (_, snapshot) in taken.items()}


def measure_and_keep(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    period: str = ALL,
    voice: Tier | None = "fast",
    on_journey: Callable[[str], None] | None = None,
) -> dict[str, tuple[MeasuredJourney, Snapshot]]:
    """:func:`take_snapshots`, giving each journey's measure along with its snapshot (for a
    caller that also draws the measured map, without measuring twice)."""
    where = period_filter(period)

    def snap(log: Backend, journey: Journey) -> tuple[MeasuredJourney, Snapshot]:
        if on_journey is not None:
            on_journey(journey.id)
        return _snapshot(log, journey, period, where, voice)

    taken = {
        name: (measured, replace(snapshot, journey=name))
        for name, (measured, snapshot) in each_journey(workspace, journeys, snap).items()
    }
    for name, (_, snapshot) in taken.items():
        _write(snapshot_path(workspace, name, period), snapshot.to_dict())
    return taken


def load_snapshot(workspace: Workspace, journey: str, period: str = ALL) -> Snapshot | None:
    """The snapshot of ``journey`` for ``period``, or None when none was taken."""
    period_filter(period)  # refuses what is not a period before it reaches a path
    path = snapshot_path(workspace, journey, period)
    try:
        return Snapshot.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def snapshot_path(workspace: Workspace, journey: str, period: str) -> Path:
    return workspace.root / ".parcours" / "snapshots" / journey / f"{period}.json"


def _snapshot(
    log: Backend, journey: Journey, period: str, where: Filter, voice: Tier | None
) -> tuple[MeasuredJourney, Snapshot]:
    memo: Memo = {}  # each segment's feedback texts were analysed for the whole map
    measured = measure(log, journey, where=where or None, voice=voice, memo=memo)
    timeline = measure_series(log, journey, every="week", where=where or None)
    findings = rank(journey_insights(log, journey, where=where or None))
    cards = segment_cards(log, journey, where=where or None)
    per_segment = {
        card.segment: measure(
            log, journey, where=replace(where, member_of=card.segment), voice=voice, memo=memo
        ).measures
        for card in cards
    }
    ranked = rank_measured(measured, findings, timeline.series)
    return measured, Snapshot(
        journey=journey.id,
        period=period,
        taken_at=datetime.now(UTC).replace(microsecond=0),
        measures=measured.measures,
        kpis=tuple(k.to_dict() for k in measured.kpis),
        coverage=measured.coverage.to_dict(),
        series=timeline.to_dict(),
        findings=tuple(findings.to_dict()["findings"]),
        months=tuple(m.strftime("%Y-%m") for m in calendar(log, "month")),
        personas=tuple(card.to_dict() for card in cards),
        segments=per_segment,
        opportunities=tuple(o.to_dict() for o in ranked.items),
    )


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    partial.replace(path)
