"""What pages read, kept in memory while it does not change: the journey at its latest stored
version (parsed once per version) and each snapshot (read again only when its file changes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from parcours.data.workspace import Workspace
from parcours.errors import EngineError
from parcours.model import Journey
from parcours.model.measures import Measures
from parcours.model.text import localize
from parcours.model.vocabulary import RATE_KINDS, KpiKind, Lang
from parcours.render.html import render_fragment
from parcours.snapshot import Snapshot, load_snapshot, snapshot_path
from parcours.store import Store
from parcours.web.security import Actor, journeys_of


@dataclass(frozen=True, eq=False)
class Shown:
    """A journey as stored: the parsed map, its version number and its JSON document."""

    journey: Journey
    version: int

    @cached_property
    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = self.journey.model_dump(mode="json", exclude_none=True)
        return data

    def series_title(self, series: dict[str, Any], lang: Lang) -> str:
        """``Stage · KPI`` for a series of the journey's timeline."""
        parts = series["where"].split(".")
        stage = next((s for s in self.journey.stages if s.id == parts[1]), None)
        if stage is None:
            return f"{series['where']} · {series['measure']}"
        title, kpis = localize(stage.name, lang), stage.kpis
        touch = next((t for t in stage.touchpoints if len(parts) == 4 and t.id == parts[3]), None)
        if touch is not None:
            title, kpis = f"{title} · {localize(touch.name, lang)}", touch.kpis
        kpi = next((k for k in kpis if k.id == series["measure"]), None)
        return f"{title} · {localize(kpi.name, lang) if kpi and kpi.name else series['measure']}"


def journey_at(request: Request, key: str) -> Shown:
    """The latest stored version of journey ``key`` (404 when there is none)."""
    store: Store = request.app.state.store
    actor = getattr(request.state, "actor", None) or Actor()
    record = journeys_of(store, actor).get(key)
    if record is None:
        raise HTTPException(404, f"no journey {key!r}")
    return shown_at(store, key, record.latest)


def shown_at(store: Store, key: str, number: int) -> Shown:
    """Version ``number`` of journey ``key``, parsed once (or as saved by this app)."""
    return _SAVED.get((store, key, number)) or _parsed(store, key, number)


def remember(store: Store, key: str, number: int, journey: Journey) -> Shown:
    """Keep ``journey``, just saved as version ``number`` of ``key``, so that it is not parsed
    again from its text (a large map's YAML takes a second to read)."""
    if len(_SAVED) >= 64:
        _SAVED.clear()
    shown = _SAVED[store, key, number] = _shown(journey, number)
    return shown


def stored(store: Store, key: str, number: int) -> Shown:
    """Version ``number`` of journey ``key``, parsed once."""
    return _parsed(store, key, number)


@lru_cache(maxsize=256)
def _parsed(store: Store, key: str, number: int) -> Shown:
    return _shown(store.version(key, number).journey, number)


def _shown(journey: Journey, number: int) -> Shown:
    return Shown(journey, number)


_SAVED: dict[tuple[Store, str, int], Shown] = {}


def snapshot_of(request: Request, key: str, period: str) -> Snapshot | None:
    """The snapshot of ``key`` over ``period``, or None when it was never taken."""
    workspace: Workspace = request.app.state.workspace
    try:
        path = snapshot_path(workspace, key, period)
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    try:
        return _snapshot(workspace, path, changed, key, period)
    except EngineError as error:
        raise HTTPException(404, str(error)) from None


@lru_cache(maxsize=256)
def _snapshot(
    workspace: Workspace, path: Path, changed: int, key: str, period: str
) -> Snapshot | None:
    return load_snapshot(workspace, key, period)


#: Drawn maps by the ids of their journey and snapshot, which each entry keeps alive (so that
#: an id is never reused while its entry stands).
_DRAWN: dict[tuple[object, ...], tuple[str, Shown, Snapshot | None]] = {}


def map_html(
    shown: Shown, view: str, snapshot: Snapshot | None, lang: Lang, segment: str | None = None
) -> str:
    """The map's markup (see :func:`~parcours.render.html.render_fragment`), drawn once per
    journey version, view, snapshot, segment and language: the measures of ``segment``'s
    customers when one is named (see :func:`segment_measures`), the segments' persona cards and
    the opportunities ranked from measures, and a marker for each finding on its place."""
    key = (id(shown), view, id(snapshot), lang, segment)
    if key not in _DRAWN:
        if len(_DRAWN) >= 512:
            _DRAWN.clear()
        measures = segment_measures(snapshot, segment) if snapshot else None
        html = render_fragment(
            shown.journey,
            view,  # type: ignore[arg-type]
            measures=measures,
            lang=lang,
            personas=snapshot.cards() if snapshot else (),
            opportunities=snapshot.ranked() if snapshot else (),
            findings=snapshot.findings if snapshot else (),
        )
        _DRAWN[key] = (html, shown, snapshot)
    return _DRAWN[key][0]


def segment_measures(snapshot: Snapshot, segment: str | None) -> Measures:
    """The snapshot's measures, or those of one of its segments (404 when it has none such)."""
    if segment is None:
        return snapshot.measures
    if segment not in snapshot.segments:
        known = ", ".join(sorted(snapshot.segments)) or "none: run parcours segment first"
        raise HTTPException(404, f"no segment {segment!r} in this measure (segments: {known})")
    return snapshot.segments[segment]


def rate_scale(kind: str) -> float:
    """100 for a KPI kind measured as a share (shown in %), else 1."""
    try:
        return 100.0 if KpiKind(kind) in RATE_KINDS else 1.0
    except ValueError:
        return 100.0 if kind in ("conversion", "drop_off") else 1.0
