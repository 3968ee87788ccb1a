"""What the imports rejected: each row with its file, line, column, raw value and reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from parcours.data.workspace import Workspace
from parcours.errors import DataError
from parcours.web.jobs import Jobs
from parcours.web.pages import twin
from parcours.web.security import Refresher

router = APIRouter(tags=["quarantine"])


class QuarantinePage(BaseModel):
    """Rejected rows (at most ``limit``, by source, file and line) out of ``total``; ``busy``
    when a refresh is writing the database at this moment (ask again once it is done)."""

    total: int
    by_source: dict[str, int]
    rows: list[dict[str, Any]]
    sources: list[str]
    source: str | None
    busy: bool


@twin(router, "/quarantine", "/api/quarantine", "quarantine.html")
def quarantine_page(
    request: Request,
    actor: Refresher,
    source: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=0, le=10_000)] = 200,
) -> QuarantinePage:
    """The rows the workspace's imports could not use, and why."""
    workspace: Workspace = request.app.state.workspace
    jobs: Jobs = request.app.state.jobs
    sources = list(workspace.sources)
    if not jobs.busy.acquire(blocking=False):
        return QuarantinePage(
            total=0, by_source={}, rows=[], sources=sources, source=source, busy=True
        )
    try:
        found = workspace.quarantine(source, limit=limit)
    except DataError as error:
        raise HTTPException(404, str(error)) from None
    finally:
        jobs.busy.release()
    return QuarantinePage(
        total=found.total,
        by_source=dict(found.by_source),
        rows=[row.to_dict() for row in found.rows],
        sources=sources,
        source=source,
        busy=False,
    )
