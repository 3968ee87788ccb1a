"""Presenting a journey to stakeholders (read-only, one stage at a time, large type; arrow
keys or buttons move between stages) and exporting it from the browser: PNG and PDF (headless
Chromium, as ``parcours render`` does), CSV (the grid, formula-safe cells) and the version's
own file (YAML or JSON, byte for byte)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from parcours.model.text import localize
from parcours.render.html import ViewName, resolve_view
from parcours.render.output import export
from parcours.render.table import journey_csv
from parcours.snapshot import ALL
from parcours.store import Store
from parcours.web.pages import lang_of, twin
from parcours.web.security import Viewer
from parcours.web.views import journey_at, snapshot_of

router = APIRouter(tags=["present"])
Export = Literal["png", "pdf", "csv", "yaml"]
_MEDIA = {"png": "image/png", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


class PresentPage(BaseModel):
    """One stage of the journey, as presented: its name, goal, what the customer does and
    thinks, its touchpoints, pain points and measured KPIs; ``number`` of ``count``."""

    key: str
    title: str
    number: int
    count: int
    stage: dict[str, Any]
    kpis: list[dict[str, Any]]


@twin(router, "/journeys/{key}/present", "/api/journeys/{key}/present", "present.html")
async def present_page(
    request: Request,
    key: str,
    actor: Viewer,
    stage: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> PresentPage:
    """Stage number ``stage`` (from 1) of ``key``, for presenting."""
    shown = journey_at(request, key)
    lang = lang_of(request)
    stages = shown.journey.stages
    number = min(stage, max(len(stages), 1))
    current = stages[number - 1] if stages else None
    data: dict[str, Any] = {}
    kpis: list[dict[str, Any]] = []
    if current is not None:
        data = {
            "id": current.id,
            "name": localize(current.name, lang),
            "goal": localize(current.goal, lang) if current.goal else None,
            "emotion": current.emotion,
            "actions": [localize(a, lang) for a in current.actions],
            "thoughts": [localize(x, lang) for x in current.thoughts],
            "touchpoints": [
                {"id": tp.id, "name": localize(tp.name, lang), "channel": tp.channel.value}
                for tp in current.touchpoints
            ],
            "pain_points": [
                {
                    "id": p.id,
                    "description": localize(p.description, lang),
                    "severity": p.severity.value,
                }
                for p in current.pain_points
            ],
        }
        snapshot = snapshot_of(request, key, ALL)
        place = f"stages.{current.id}"
        kpis = [
            dict(k)
            for k in (snapshot.kpis if snapshot else ())
            if k["where"] == place or k["where"].startswith(place + ".")
        ]
    return PresentPage(
        key=key,
        title=localize(shown.journey.name, lang),
        number=number,
        count=len(stages),
        stage=data,
        kpis=kpis,
    )


@router.get("/journeys/{key}/export.{fmt}", include_in_schema=False)
def export_journey(
    request: Request, key: str, fmt: Export, actor: Viewer, view: ViewName | None = None
) -> Response:
    """The journey as ``fmt``: PNG or PDF of ``view`` (measured when a snapshot exists), the
    grid as CSV, or the latest version's file exactly as stored (``yaml``: YAML or JSON)."""
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    lang = lang_of(request)
    if fmt == "yaml":
        version = store.version(key, shown.version)
        media = "application/json" if version.format == "json" else "application/yaml"
        return _download(version.text.encode("utf-8"), media, f"{key}.{version.format}")
    if fmt == "csv":
        text = journey_csv(shown.journey, lang)
        return _download(text.encode("utf-8"), _MEDIA[fmt], f"{key}.csv")
    snapshot = snapshot_of(request, key, ALL)
    name = resolve_view(shown.journey, view)
    with tempfile.TemporaryDirectory(prefix="parcours-export-") as folder:
        path = Path(folder) / f"{key}.{fmt}"
        export(
            shown.journey,
            path,
            view=name,  # type: ignore[arg-type]
            format=fmt,
            lang=lang,
            measures=snapshot.measures if snapshot else None,
        )
        return _download(path.read_bytes(), _MEDIA[fmt], f"{key}-{name}.{fmt}")


def _download(body: bytes, media: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
