"""The opportunity board of a journey (the Eisenhower matrix as four columns of cards): move a
card, set its status, owner and due date; accept a finding as a pain point with an opportunity
in one step, or dismiss it. Every move is a form (keyboard and no script); ``board.js`` adds
drag and drop, which submits the same form."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from parcours.errors import JourneyError, StoreError, VersionConflict
from parcours.model.text import localize
from parcours.model.vocabulary import Quadrant
from parcours.snapshot import ALL
from parcours.store import OPPORTUNITY_STATUSES, Action, Store
from parcours.store.board import QUADRANTS, board_of, placed_in
from parcours.store.tracking import KEEP
from parcours.web.pages import lang_of, render, twin
from parcours.web.security import Actor, Editor, Viewer, may
from parcours.web.views import journey_at, snapshot_of

router = APIRouter(tags=["board"])
Score = Annotated[int | None, Form(ge=1, le=5)]


class BoardPage(BaseModel):
    """The Eisenhower board of a journey: its opportunities by quadrant (``do``, ``plan``,
    ``delegate``, ``drop``; ``unplaced`` until importance and urgency are set), each with its
    follow-up and, once done, its measured impact; the findings still to accept or dismiss."""

    key: str
    title: str
    version: int
    quadrants: dict[str, list[dict[str, Any]]]
    unplaced: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    members: list[dict[str, Any]]
    statuses: list[str]
    may_edit: bool = False


def _board(request: Request, key: str, actor: Actor) -> BoardPage:
    store: Store = request.app.state.store
    shown = journey_at(request, key)
    snapshot = snapshot_of(request, key, ALL)
    lang = lang_of(request)
    board = board_of(
        key,
        shown.version,
        shown.journey,
        store.opportunities(key),
        members=store.members(key),
        findings=snapshot.findings if snapshot else (),
        dismissed=store.dismissed(key),
        series=list(snapshot.series.get("series", [])) if snapshot else (),
    )
    data = board.to_dict()

    def shown_card(card: dict[str, Any]) -> dict[str, Any]:
        return {**card, "label": localize(card["title"], lang)}

    return BoardPage(
        key=key,
        title=localize(shown.journey.name, lang),
        version=shown.version,
        quadrants={q: [shown_card(c) for c in cards] for q, cards in data["quadrants"].items()},
        unplaced=[shown_card(c) for c in data["unplaced"]],
        proposals=[
            {**p, "label": p["pain_point"]["description"].get(lang.value, "")}
            for p in data["proposals"]
        ],
        members=data["members"],
        statuses=list(OPPORTUNITY_STATUSES),
        may_edit=may(store, actor, Action.EDIT, key),
    )


@twin(router, "/journeys/{key}/board", "/api/journeys/{key}/board", "board.html")
def board_page(request: Request, key: str, actor: Viewer) -> BoardPage:
    """The opportunity board of ``key``."""
    return _board(request, key, actor)


def _back(request: Request, key: str, actor: Actor, target: str = "") -> Response:
    if request.headers.get("hx-request"):
        return render(request, "_board.html", page=_board(request, key, actor))
    if target not in (f"/journeys/{key}", f"/journeys/{key}/board"):
        target = f"/journeys/{key}/board"
    return RedirectResponse(target, status_code=303)


@router.post("/journeys/{key}/board/{opportunity}", include_in_schema=False)
def update_card(
    request: Request,
    key: str,
    opportunity: str,
    actor: Editor,
    quadrant: Annotated[str | None, Form(max_length=20)] = None,
    importance: Score = None,
    urgency: Score = None,
    status: Annotated[str | None, Form(max_length=20)] = None,
    owner: Annotated[str | None, Form(max_length=12)] = None,
    due: Annotated[str | None, Form(max_length=10)] = None,
    done_on: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Move the card of ``opportunity`` (to a ``quadrant``, or by ``importance`` and
    ``urgency``), or set its ``status``, ``owner`` (a member's id; empty: nobody) or ``due``
    date (empty: none)."""
    store: Store = request.app.state.store
    page = _board(request, key, actor)
    cards = [c for q in page.quadrants.values() for c in q] + page.unplaced
    card = next((c for c in cards if c["id"] == opportunity), None)
    if card is None:
        raise HTTPException(404, f"no opportunity {opportunity!r} on {key!r}")
    fields: dict[str, Any] = {}
    if quadrant and card["quadrant"] != quadrant:
        if quadrant not in {q.value for q in QUADRANTS}:
            raise HTTPException(400, f"{quadrant!r} is not a quadrant: do, plan, delegate, drop")
        fields["importance"], fields["urgency"] = placed_in(
            Quadrant(quadrant), card["importance"], card["urgency"]
        )
    # the form sends every field: a score counts when it was changed
    if importance is not None and importance != card["importance"]:
        fields["importance"] = importance
    if urgency is not None and urgency != card["urgency"]:
        fields["urgency"] = urgency
    members = {m["id"] for m in page.members}
    try:
        if owner is not None:
            fields["owner_id"] = int(owner) if owner else None
            if fields["owner_id"] is not None and fields["owner_id"] not in members:
                raise HTTPException(400, f"user {owner} is not a member of {key!r}")
        if due is not None:
            fields["due"] = date.fromisoformat(due) if due else None
        day = date.fromisoformat(done_on) if done_on else KEEP
        store.track_opportunity(key, opportunity, status=status or None, done_on=day, **fields)
    except (ValueError, StoreError) as error:
        raise HTTPException(400, str(error)) from None
    return _back(request, key, actor)


def _findings(request: Request, key: str) -> list[Any]:
    snapshot = snapshot_of(request, key, ALL)
    return list(snapshot.findings) if snapshot else []


@router.post("/journeys/{key}/findings/{finding}/{verdict}", include_in_schema=False)
def judge_finding(
    request: Request,
    key: str,
    finding: str,
    verdict: Literal["accept", "dismiss"],
    actor: Editor,
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """``accept`` ``finding`` in one step (its pain point and an opportunity addressing it
    are written into the map, as a new version also written to the journey file, and the
    opportunity is tracked), or ``dismiss`` it (it is not proposed again on this journey)."""
    store: Store = request.app.state.store
    user = actor.user.id if actor.user else None
    try:
        if verdict == "dismiss":
            store.dismiss_finding(key, finding, user_id=user)
        else:
            store.accept_finding(key, _findings(request, key), finding, author_id=user)
            store.write_back(key, request.app.state.workspace)
    except VersionConflict as error:
        raise HTTPException(409, str(error)) from None
    except (StoreError, JourneyError) as error:
        raise HTTPException(400, str(error)) from None
    return _back(request, key, actor, next)
