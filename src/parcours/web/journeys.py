"""The journeys: the list, each map (designed or measured, any view, any measured period), its
KPI dashboard, and what a read-only share link shows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from parcours.insight.accept import open_finding_ids
from parcours.model.text import localize
from parcours.model.vocabulary import Lang
from parcours.render.chart import Chart, series_chart
from parcours.render.html import VIEWS, ViewName, resolve_view
from parcours.snapshot import ALL
from parcours.store import Action, Store, etag
from parcours.web.pages import lang_of, twin
from parcours.web.security import Actor, Member, Viewer, journeys_of, may
from parcours.web.views import (
    Shown,
    journey_at,
    map_html,
    rate_scale,
    segment_measures,
    snapshot_of,
)

router = APIRouter(tags=["journeys"])
Mode = Literal["designed", "measured"]
Period = Annotated[str, Query(pattern=r"^(all|\d{4}-(0[1-9]|1[0-2]))$")]
#: A segment found by ``parcours segment`` (a cluster id such as ``c1``); none: every customer.
Segment = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{0,64}$")]


class JourneyItem(BaseModel):
    key: str
    title: str
    version: int
    updated_at: datetime
    measured_at: datetime | None
    findings: int
    kpis_missed: int


class JourneysPage(BaseModel):
    """The journeys the actor may see, with where their measures stand."""

    journeys: list[JourneyItem]
    refreshing: bool
    may_refresh: bool


class JourneyPage(BaseModel):
    """One map as shown: the journey document, and for a measured map the snapshot of the
    period (KPIs, findings, coverage, measures)."""

    key: str
    title: str
    version: int
    view: str
    views: list[str]
    mode: Mode
    period: str
    periods: list[str]
    segment: str | None = None
    segments: list[str] = []
    personas: list[dict[str, Any]] = []
    opportunities: list[dict[str, Any]] = []
    measured_at: datetime | None
    kpis: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    coverage: dict[str, Any]
    measures: dict[str, Any] | None
    journey: dict[str, Any]
    shared: bool = False
    may_edit: bool = False
    may_manage: bool = False
    may_refresh: bool = False
    may_comment: bool = False
    #: the findings (by rank) that may be accepted as a pain point with an opportunity
    open_findings: dict[int, str] = Field(default_factory=dict)
    map_html: str = Field("", exclude=True)


class DashboardPage(BaseModel):
    """Every KPI of the map per week, with its interval (from the snapshot of all the data)."""

    key: str
    title: str
    measured_at: datetime | None
    series: list[dict[str, Any]]
    charts: list[tuple[str, Chart]] = Field(default_factory=list, exclude=True)


@twin(router, "/journeys", "/api/journeys", "journeys.html")
async def journeys_page(request: Request, actor: Member) -> JourneysPage:
    """The journeys of the workspace that the actor may see."""
    store: Store = request.app.state.store
    lang = lang_of(request)
    items = []
    for record in journeys_of(store, actor).values():
        if not may(store, actor, Action.VIEW, record.key):
            continue
        snapshot = snapshot_of(request, record.key, ALL)
        items.append(
            JourneyItem(
                key=record.key,
                title=record.title_en if lang is Lang.EN else record.title_fr,
                version=record.latest,
                updated_at=record.updated_at,
                measured_at=snapshot.taken_at if snapshot else None,
                findings=len(snapshot.findings) if snapshot else 0,
                kpis_missed=sum(k.get("met") is False for k in snapshot.kpis) if snapshot else 0,
            )
        )
    return JourneysPage(
        journeys=items,
        refreshing=request.app.state.jobs.running(),
        may_refresh=any(may(store, actor, Action.REFRESH, item.key) for item in items),
    )


def _version_tag(page: JourneyPage) -> dict[str, str]:
    """The ETag of the version shown: send it back as ``If-Match`` to save an edit of it."""
    return {"ETag": etag(page.version)}


@twin(router, "/journeys/{key}", "/api/journeys/{key}", "journey.html", _version_tag)
async def journey_page(
    request: Request,
    key: str,
    actor: Viewer,
    view: ViewName | None = None,
    mode: Mode = "measured",
    period: Period = ALL,
    segment: Segment = None,
) -> JourneyPage:
    """The map of ``key``: ``view`` (default: its layout), ``designed`` or ``measured`` over
    ``period`` (``all`` or a month ``YYYY-MM``), for every customer or one ``segment`` found by
    ``parcours segment``."""
    return _journey_view(request, key, actor, view, mode, period, segment)


@twin(router, "/s/{token}", "/api/s/{token}", "journey.html")
async def shared_page(
    request: Request,
    token: str,
    actor: Viewer,
    view: ViewName | None = None,
    mode: Mode = "measured",
    period: Period = ALL,
    segment: Segment = None,
) -> JourneyPage:
    """What a read-only share link shows: its journey's map, nothing else."""
    assert actor.share is not None
    return _journey_view(request, actor.share.journey, actor, view, mode, period, segment)


@twin(router, "/journeys/{key}/dashboard", "/api/journeys/{key}/dashboard", "dashboard.html")
async def dashboard_page(request: Request, key: str, actor: Viewer) -> DashboardPage:
    """Every KPI of ``key`` per week over all the data, with its 95 % interval."""
    shown = journey_at(request, key)
    snapshot = snapshot_of(request, key, ALL)
    series = list(snapshot.series.get("series", [])) if snapshot else []
    lang = lang_of(request)
    charts = [
        (shown.series_title(s, lang), series_chart(s["points"], scale=rate_scale(s["kind"])))
        for s in series
    ]
    return DashboardPage(
        key=key,
        title=localize(shown.journey.name, lang),
        measured_at=snapshot.taken_at if snapshot else None,
        series=series,
        charts=charts,
    )


def _journey_view(
    request: Request,
    key: str,
    actor: Actor,
    view: str | None,
    mode: Mode,
    period: str,
    segment: str | None = None,
) -> JourneyPage:
    store: Store = request.app.state.store
    shown: Shown = journey_at(request, key)
    lang = lang_of(request)
    name = resolve_view(shown.journey, view)
    whole = snapshot_of(request, key, ALL)
    snapshot = snapshot_of(request, key, period) if mode == "measured" else None
    shared = actor.share is not None
    segment = segment or None
    return JourneyPage(
        key=key,
        title=localize(shown.journey.name, lang),
        version=shown.version,
        view=name,
        views=list(VIEWS),
        mode=mode,
        period=period,
        periods=[ALL, *(whole.months if whole else ())],
        segment=segment,
        segments=sorted(snapshot.segments) if snapshot else [],
        personas=[dict(p) for p in snapshot.personas] if snapshot else [],
        opportunities=[dict(o) for o in snapshot.opportunities] if snapshot else [],
        measured_at=snapshot.taken_at if snapshot else None,
        kpis=[dict(k) for k in snapshot.kpis] if snapshot else [],
        findings=[dict(f) for f in snapshot.findings] if snapshot else [],
        coverage=dict(snapshot.coverage) if snapshot else {},
        measures=segment_measures(snapshot, segment).to_dict() if snapshot else None,
        journey=shown.document,
        shared=shared,
        may_edit=not shared and may(store, actor, Action.EDIT, key),
        may_manage=not shared and may(store, actor, Action.MANAGE, key),
        may_refresh=not shared and may(store, actor, Action.REFRESH, key),
        may_comment=not shared and may(store, actor, Action.COMMENT, key),
        open_findings=(
            open_finding_ids(shown.journey, snapshot.findings, store.dismissed(key))
            if snapshot and not shared and may(store, actor, Action.EDIT, key)
            else {}
        ),
        map_html=map_html(shown, name, snapshot, lang, segment),
    )
