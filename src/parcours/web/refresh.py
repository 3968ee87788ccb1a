"""A refresh (ingest + measure) or one period's measure, run in the background, and their
progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from parcours.store import Action, Store
from parcours.web.jobs import Job, Jobs
from parcours.web.pages import render, twin
from parcours.web.security import Member, Refresher, check_csrf, may

router = APIRouter(tags=["refresh"])


class JobPage(BaseModel):
    """A background job: ``refresh`` (ingest, then every journey) or ``measure`` (one period
    of one journey), its state and the steps done (``ingest`` or a journey's id)."""

    id: int
    kind: str
    period: str
    journeys: list[str]
    state: str
    steps: list[str]
    total: int
    error: str
    started: datetime | None
    finished: datetime | None


def _page(job: Job) -> JobPage:
    return JobPage(
        id=job.id,
        kind=job.kind,
        period=job.period,
        journeys=list(job.journeys),
        state=job.state,
        steps=list(job.steps),
        total=job.total,
        error=job.error,
        started=job.started,
        finished=job.finished,
    )


def _started(request: Request, job: Job) -> Response:
    """htmx swaps the job's progress in place; a plain form goes to the job's page."""
    if request.headers.get("hx-request"):
        return render(request, "_job.html", 202, page=_page(job))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/refresh", include_in_schema=False)
async def refresh(request: Request, actor: Member) -> Response:
    """Ingest what is new, then measure every journey the actor may refresh (403 when none)."""
    await check_csrf(request, actor)
    store: Store = request.app.state.store
    keys = tuple(r.key for r in store.journeys() if may(store, actor, Action.REFRESH, r.key))
    if not keys:
        raise HTTPException(403, "you may refresh no journey of this workspace")
    return _started(request, request.app.state.jobs.refresh(keys))


@router.post("/journeys/{key}/measure", include_in_schema=False)
def measure_period(
    request: Request,
    key: str,
    actor: Refresher,
    period: Annotated[str, Form(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
) -> Response:
    """Measure ``key`` over one month, in the background."""
    return _started(request, request.app.state.jobs.measure(key, period))


@twin(router, "/jobs/{job_id}", "/api/jobs/{job_id}", "job.html")
def job_page(
    request: Request, actor: Member, job_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> JobPage:
    """Where a background job stands (htmx polls it every second while it runs)."""
    jobs: Jobs = request.app.state.jobs
    job = jobs.get(job_id)
    if job is None or (
        job.journeys
        and not any(may(request.app.state.store, actor, Action.VIEW, key) for key in job.journeys)
    ):
        raise HTTPException(404, f"no job {job_id}")
    return _page(job)


@router.get("/jobs/{job_id}/progress", include_in_schema=False)
def job_progress(
    request: Request, actor: Member, job_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> HTMLResponse:
    """The job's progress alone, for htmx to swap in."""
    return render(request, "_job.html", page=job_page(request, actor, job_id))
