"""Read-only share links of a journey: list, create (the link is shown once), revoke."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from parcours.model.text import localize
from parcours.store import Store
from parcours.web.pages import lang_of, render, twin
from parcours.web.security import Manager
from parcours.web.views import journey_at

router = APIRouter(tags=["shares"])


class ShareItem(BaseModel):
    id: int
    created_at: datetime
    expires_at: datetime


class SharesPage(BaseModel):
    """The journey's active share links (their tokens are never shown again)."""

    key: str
    title: str
    shares: list[ShareItem]


@twin(router, "/journeys/{key}/shares", "/api/journeys/{key}/shares", "shares.html")
def shares_page(request: Request, key: str, actor: Manager) -> SharesPage:
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    return SharesPage(
        key=key,
        title=localize(shown.journey.name, lang_of(request)),
        shares=[
            ShareItem(id=s.id, created_at=s.created_at, expires_at=s.expires_at)
            for s in store.shares(key)
        ],
    )


@router.post("/journeys/{key}/shares", include_in_schema=False)
def create_share(request: Request, key: str, actor: Manager) -> HTMLResponse:
    """A new read-only link to ``key`` for 7 days, shown this once."""
    store: Store = request.app.state.store
    assert actor.user is not None or actor.local
    token, _ = store.create_share(key, created_by=actor.user.id if actor.user else None)
    page = shares_page(request, key, actor)
    link = str(request.url_for("shared_page_html", token=token))
    return render(request, "shares.html", 201, page=page, link=link)


@router.post("/journeys/{key}/shares/{share_id}/revoke", include_in_schema=False)
def revoke_share(request: Request, key: str, share_id: int, actor: Manager) -> RedirectResponse:
    store: Store = request.app.state.store
    if share_id not in {s.id for s in store.shares(key)}:
        raise HTTPException(404, f"no share link {share_id} on {key!r}")
    store.revoke_share(share_id)
    return RedirectResponse(f"/journeys/{key}/shares", status_code=303)
