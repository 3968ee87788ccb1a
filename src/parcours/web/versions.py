"""A journey's versions: the history, what changed between any two, and restoring one (which
makes a new version and writes it back to the workspace's journey file)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from parcours.model.text import localize
from parcours.store import Action, Store
from parcours.web.pages import lang_of, twin
from parcours.web.security import Editor, Viewer, may
from parcours.web.views import journey_at

router = APIRouter(tags=["versions"])


class VersionItem(BaseModel):
    number: int
    author: str | None
    message: str
    created_at: datetime


class VersionsPage(BaseModel):
    key: str
    title: str
    versions: list[VersionItem]
    may_edit: bool = False


class DiffPage(BaseModel):
    """What changed from version ``a`` to version ``b``: each added, removed or changed
    persona, stage, touchpoint, pain point or opportunity, with the fields that differ."""

    key: str
    title: str
    a: int
    b: int
    changes: list[dict[str, Any]]


@twin(router, "/journeys/{key}/versions", "/api/journeys/{key}/versions", "versions.html")
async def versions_page(request: Request, key: str, actor: Viewer) -> VersionsPage:
    """Every stored version of ``key``, newest first."""
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    versions = [
        VersionItem(number=v.number, author=v.author, message=v.message, created_at=v.created_at)
        for v in sorted(store.versions(key), key=lambda v: v.number, reverse=True)
    ]
    return VersionsPage(
        key=key,
        title=localize(shown.journey.name, lang_of(request)),
        versions=versions,
        may_edit=may(store, actor, Action.EDIT, key),
    )


@twin(router, "/journeys/{key}/diff", "/api/journeys/{key}/diff", "diff.html")
async def diff_page(
    request: Request,
    key: str,
    actor: Viewer,
    a: Annotated[int, Query(ge=1, le=2**31 - 1)],
    b: Annotated[int, Query(ge=1, le=2**31 - 1)],
) -> DiffPage:
    """What changed from version ``a`` to version ``b`` of ``key``."""
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    if max(a, b) > shown.version:
        raise HTTPException(404, f"{key!r} has versions 1 to {shown.version}")
    diff = store.diff(key, a, b)
    return DiffPage(
        key=key,
        title=localize(shown.journey.name, lang_of(request)),
        a=a,
        b=b,
        changes=diff.to_dict()["changes"],
    )


@router.post("/journeys/{key}/versions/{number}/restore", include_in_schema=False)
def restore(request: Request, key: str, number: int, actor: Editor) -> RedirectResponse:
    """Make version ``number`` the latest again, as a new version."""
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    if not 1 <= number <= shown.version:
        raise HTTPException(404, f"{key!r} has versions 1 to {shown.version}")
    store.restore(key, number, author_id=actor.user.id if actor.user else None)
    store.write_back(key, request.app.state.workspace)
    return RedirectResponse(f"/journeys/{key}/versions", status_code=303)
