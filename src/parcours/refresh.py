"""A workspace brought up to date: what is new ingested, every journey measured and drawn again.

::

    report = refresh_workspace(Workspace.open("shop"))
    report.ingest.summary()                    # read = loaded + quarantined, new files only
    report.journeys["sport"].view              # views/sport/measured-grid.html
    report.journeys["sport"].measured.kpis     # every KPI against its target

``parcours measure`` draws with :func:`draw_measured`, ``parcours refresh`` (and the web app)
calls :func:`refresh_workspace`. This module sits above ``insight`` (which measures and does
not render) and ``render`` (which draws and does not measure), as :mod:`parcours.demo` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from parcours.data.progress import working
from parcours.data.report import IngestReport
from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.filter import Filter
from parcours.errors import RenderError
from parcours.insight.findings import rank
from parcours.insight.insights import journey_insights
from parcours.insight.measure import MeasuredJourney, Tier, each_journey, measure
from parcours.insight.opportunities import RankedOpportunity, rank_measured
from parcours.insight.personas import SegmentCard, segment_cards
from parcours.insight.trend import measure_series
from parcours.insight.what_matters import Before, WhatMatters, what_matters
from parcours.model import Journey
from parcours.model.vocabulary import Lang
from parcours.render import export, format_from
from parcours.render.html import ViewName
from parcours.snapshot import ALL, Snapshot, load_snapshot, measure_and_keep


@dataclass(frozen=True)
class Drawable:
    """What a measured map is drawn from: the measure, its persona cards, its ranked
    opportunities, its ranked findings (JSON forms, each marked on its place) and what matters
    (at the head of the map)."""

    measured: MeasuredJourney
    cards: tuple[SegmentCard, ...] = ()
    ranked: tuple[RankedOpportunity, ...] = ()
    findings: tuple[Mapping[str, Any], ...] = ()
    matters: WhatMatters | None = None


@dataclass(frozen=True)
class MeasuredMap:
    """A journey measured on its workspace's data, the measured map drawn from it, and what
    matters at its head (None when the findings were not looked for)."""

    measured: MeasuredJourney
    view: Path
    matters: WhatMatters | None = None

    def to_dict(self) -> dict[str, Any]:
        matters = None if self.matters is None else self.matters.to_dict()
        return {**self.measured.to_dict(), "view": str(self.view), "what_matters": matters}


#: What a refresh did to the workspace's segments (``parcours segment``): segmented again as last
#: asked, or left as they were though new rows came in (segmented before that was kept).
SEGMENTS_DONE = {
    "segmented": "segments: segmented again, as `parcours segment` was last asked",
    "stale": "segments: older than the rows just imported; run `parcours segment WORKSPACE "
    "--purchase-event E` again to bring them (and the persona cards) up to date",
}


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did: the ingest of what was new, the segments (``segmented``, ``stale``,
    or None when there are none or nothing new came in: :data:`SEGMENTS_DONE`), then each
    journey measured and drawn."""

    ingest: IngestReport
    journeys: dict[str, MeasuredMap]
    segments: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingest": self.ingest.to_dict(),
            "segments": self.segments,
            "journeys": {name: drawn.to_dict() for name, drawn in self.journeys.items()},
        }


def draw_measured(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    where: Filter | None = None,
    voice: Tier | None = "fast",
    lang: Lang | str | None = None,
    view: ViewName | None = None,
    output: str | Path | None = None,
    insights: bool = True,
) -> dict[str, MeasuredMap]:
    """Measure the journeys of ``workspace`` (all, or those named by file stem; see
    :func:`~parcours.insight.measure_workspace`) and write each measured map, in ``view``
    (default: the journey's layout), to ``views/NAME/measured-VIEW.html`` of the workspace; or,
    for one journey, to ``output`` (HTML, SVG, PNG or PDF by its suffix). The persona view
    shows a measured persona card per segment of the workspace (``parcours segment``), the
    matrix view the opportunities ranked from measures.

    With ``insights``, the detectors run too (:func:`~parcours.insight.find_insights`): each
    finding is marked on its stage or touchpoint, and the map opens with what matters (the top
    findings, the KPIs missing their target and, for the whole data, what changed since the
    last refresh: :func:`~parcours.insight.what_matters.what_matters`)."""
    names = list(journeys) if journeys is not None else None
    if output is not None:
        named = workspace.journeys(names)
        if len(named) != 1:
            raise RenderError(
                f"{output}: one output file holds one journey's map, and {len(named)} would be "
                f"measured ({', '.join(named) or 'none'}); name one with -j NAME."
            )
        if not Path(output).parent.is_dir():
            raise RenderError(
                f"cannot write {output}: the folder {Path(output).parent} does not exist"
            )
        format_from(output)  # an unknown suffix fails before the measure, not after

    def analyse(log: Backend, journey: Journey) -> Drawable:
        result = measure(log, journey, where=where, voice=voice)
        chosen = view or journey.layout.value
        cards = segment_cards(log, journey, where=where).cards if chosen == "persona" else ()
        if not insights and chosen != "matrix":
            return Drawable(result, cards)
        found = rank(journey_insights(log, journey, where=where))
        ranked: tuple[RankedOpportunity, ...] = ()
        if chosen == "matrix":
            weekly = measure_series(log, journey, every="week", where=where).series
            ranked = rank_measured(result, found, weekly).items
        return Drawable(result, cards, ranked, tuple(found.to_dict()["findings"]))

    drawables = each_journey(workspace, names, analyse)
    if insights:
        for name, drawable in drawables.items():
            last = None if where else load_snapshot(workspace, name, ALL)
            drawables[name] = _with_matters(drawable, last)
    return _draw(workspace, drawables, view, output, lang)


def _with_matters(drawable: Drawable, last: Snapshot | None) -> Drawable:
    """``drawable`` with what matters, against ``last`` (the last refresh, if any)."""
    before: Before | None = None
    if last is not None:
        before = (last.taken_at, last.findings, last.kpis)
    kpis = [k.to_dict() for k in drawable.measured.kpis]
    return replace(drawable, matters=what_matters(drawable.findings, kpis, before))


def _draw(
    workspace: Workspace,
    results: dict[str, Drawable],
    view: ViewName | None,
    output: str | Path | None,
    lang: Lang | str | None,
) -> dict[str, MeasuredMap]:
    drawn: dict[str, MeasuredMap] = {}
    for name, drawable in results.items():
        result = drawable.measured
        chosen = view or result.journey.layout.value
        if output is None:
            folder = workspace.views_folder(name)
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"measured-{chosen}.html"
        else:
            target = Path(output)
        path = export(
            result.journey,
            target,
            view=chosen,
            measures=result.measures,
            lang=lang,
            personas=drawable.cards,
            opportunities=drawable.ranked,
            findings=drawable.findings,
            matters=drawable.matters,
        )
        drawn[name] = MeasuredMap(result, path, drawable.matters)
    return drawn


def refresh_workspace(
    workspace: Workspace,
    *,
    voice: Tier | None = "fast",
    lang: Lang | str | None = None,
    progress: bool | None = False,
) -> RefreshReport:
    """Import what is new in the workspace's sources (:meth:`Workspace.ingest`: files already
    imported are skipped), then measure every journey of the workspace, keep its snapshot
    (what the web app shows, as its own refresh does: :func:`~parcours.snapshot.take_snapshots`)
    and draw its measured map again (as :func:`draw_measured`), what matters compared with the
    snapshot it replaces. ``progress`` (None: when standard error is a terminal) shows a bar
    per imported file, then a spinner while the journeys are measured. When the ingest brought
    new rows and the workspace was segmented (``parcours segment``), its segments are computed
    again first, as last asked (:func:`~parcours.engine.customers.members.segment_again`), so
    that the persona cards and the maps per segment count the new customers."""
    report, segmented = ingest_and_segment(workspace, progress)
    with working("measuring and drawing the journeys", progress):
        last = {name: load_snapshot(workspace, name, ALL) for name in workspace.journeys()}
        taken = measure_and_keep(workspace, voice=voice)
        results = {
            name: _with_matters(
                Drawable(m, s.cards(), s.ranked(), tuple(s.findings)), last.get(name)
            )
            for name, (m, s) in taken.items()
        }
        drawn = _draw(workspace, results, None, None, lang)
    return RefreshReport(report, drawn, segmented)


def ingest_and_segment(
    workspace: Workspace, progress: bool | None = False
) -> tuple[IngestReport, str | None]:
    """Import what is new in the workspace's sources, then, when that brought rows, segment its
    customers again as ``parcours segment`` was last asked there: the ingest report, and what
    became of the segments (a key of :data:`SEGMENTS_DONE`, or None). The first step of
    :func:`refresh_workspace` and of the web app's refresh."""
    report = workspace.ingest(progress=progress)
    return report, _segment_again(workspace, progress) if report.loaded else None


def _segment_again(workspace: Workspace, progress: bool | None) -> str | None:
    """``segmented`` when the segments were computed again, ``stale`` when the workspace holds
    segments but not what was asked for them, None when it holds none."""
    from parcours.engine.customers.members import segment_again
    from parcours.engine.workspace_tables import workspace_tables

    with working("segmenting the customers again", progress):
        if segment_again(workspace) is not None:
            return "segmented"
    with workspace_tables(workspace) as log:
        return "stale" if log.has_table("segments") else None
