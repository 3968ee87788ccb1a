"""Comments on a journey: its threads (all, or one element's), posting, replying, resolving and
reopening (htmx swaps the panel, without it the page reloads), and each user's mentions.

Comments are for commenters and above: a viewer or a share link sees none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from parcours.errors import StoreError
from parcours.model.text import localize
from parcours.model.vocabulary import Lang
from parcours.render.comment_text import comment_html
from parcours.store import Action, Comment, Store
from parcours.store.comments import anchors_of, mention_handles
from parcours.web.pages import lang_of, render, twin
from parcours.web.security import Actor, Commenter, Member, journeys_of, may
from parcours.web.views import journey_at

router = APIRouter(tags=["comments"])
Anchor = Annotated[str | None, Query(max_length=300, pattern=r"^[a-z_]+:[A-Za-z0-9_-]*$")]


class AnchorItem(BaseModel):
    kind: str
    id: str
    label: str
    count: int = 0


class CommentItem(BaseModel):
    id: int
    parent_id: int | None
    author: str | None
    body: str
    created_at: datetime
    anchor_kind: str
    target: str
    anchor_label: str
    removed: bool
    resolved_at: datetime | None
    resolved_by: str | None
    mentions: list[str]
    html: Any = Field(None, exclude=True)


class Thread(BaseModel):
    comment: CommentItem
    replies: list[CommentItem]


class CommentsPage(BaseModel):
    """The comment threads of a journey (or of one element: ``anchor`` ``kind:id``), oldest
    first; an element deleted from the map since shows as ``removed``."""

    key: str
    title: str
    anchor: str | None
    threads: list[Thread]
    anchors: list[AnchorItem]
    members: list[str]


class MentionItem(BaseModel):
    journey: str
    comment: CommentItem


class MentionsPage(BaseModel):
    """The comments that mention the actor, newest first, on the journeys they may comment."""

    mentions: list[MentionItem]


def _item(comment: Comment, labels: dict[tuple[str, str], str], handles: set[str]) -> CommentItem:
    place = (comment.anchor_kind, comment.target)
    return CommentItem(
        id=comment.id,
        parent_id=comment.parent_id,
        author=comment.author,
        body=comment.body,
        created_at=comment.created_at,
        anchor_kind=comment.anchor_kind,
        target=comment.target,
        anchor_label=labels.get(place, comment.target),
        removed=place not in labels,
        resolved_at=comment.resolved_at,
        resolved_by=comment.resolved_by,
        mentions=list(comment.mentions),
        html=comment_html(comment.body, handles),
    )


def _labels(request: Request, key: str, lang: Lang) -> tuple[dict[tuple[str, str], str], Any]:
    shown = journey_at(request, key)
    labels = {(kind, id_): localize(name, lang) for kind, id_, name in anchors_of(shown.journey)}
    return labels, shown


@twin(router, "/journeys/{key}/comments", "/api/journeys/{key}/comments", "comments.html")
def comments_page(
    request: Request, key: str, actor: Commenter, anchor: Anchor = None
) -> CommentsPage:
    """The comment threads of ``key``; with ``anchor`` (``stage:achat``), those of one element."""
    store: Store = request.app.state.store
    lang = lang_of(request)
    labels, shown = _labels(request, key, lang)
    members = store.members(key)
    handles = {h for m in members for h in mention_handles(m)}
    items = [_item(c, labels, handles) for c in store.comments(key)]
    roots = [c for c in items if c.parent_id is None]
    counts: dict[tuple[str, str], int] = {}
    for c in roots:
        counts[c.anchor_kind, c.target] = counts.get((c.anchor_kind, c.target), 0) + 1
    if anchor is not None:
        kind, _, target = anchor.partition(":")
        roots = [c for c in roots if (c.anchor_kind, c.target) == (kind, target)]
    threads = [Thread(comment=c, replies=[r for r in items if r.parent_id == c.id]) for c in roots]
    return CommentsPage(
        key=key,
        title=localize(shown.journey.name, lang),
        anchor=anchor,
        threads=threads,
        anchors=[
            AnchorItem(kind=k, id=i, label=label, count=counts.get((k, i), 0))
            for (k, i), label in labels.items()
        ],
        members=[m.email for m in members],
    )


@router.get("/journeys/{key}/comments/panel", include_in_schema=False)
def comments_panel(request: Request, key: str, actor: Commenter, anchor: Anchor = None) -> Response:
    """The comments panel alone, for the map page (htmx loads it)."""
    return render(request, "_comments.html", page=comments_page(request, key, actor, anchor))


def _answer(request: Request, key: str, actor: Actor, anchor: str | None = None) -> Response:
    """After a change: the panel again (htmx), or back to the comments page."""
    if request.headers.get("hx-request"):
        return comments_panel(request, key, actor, anchor)
    return RedirectResponse(f"/journeys/{key}/comments", status_code=303)


@router.post("/journeys/{key}/comments", include_in_schema=False)
def post_comment(
    request: Request,
    key: str,
    actor: Commenter,
    body: Annotated[str, Form(max_length=10_000)],
    anchor: Annotated[str, Form(max_length=300)] = "journey:",
    parent_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    shown: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Post a comment on ``key`` (``anchor`` ``kind:id``), or a reply to ``parent_id``."""
    store: Store = request.app.state.store
    kind, _, target = anchor.partition(":")
    try:
        store.add_comment(
            key,
            actor.user.id if actor.user else None,
            body,
            anchor_kind=kind,
            target=target,
            parent_id=parent_id,
        )
    except StoreError as error:
        raise HTTPException(400, str(error)) from None
    return _answer(request, key, actor, shown or None)


def _resolve(request: Request, key: str, comment_id: int, actor: Actor, resolved: bool) -> None:
    store: Store = request.app.state.store
    comment = store.comment(comment_id)
    if comment is None or comment.journey != key:
        raise HTTPException(404, f"no comment {comment_id} on {key!r}")
    store.resolve_comment(comment_id, actor.user.id if actor.user else None, resolved=resolved)


@router.post("/journeys/{key}/comments/{comment_id}/resolve", include_in_schema=False)
def resolve_comment(request: Request, key: str, comment_id: int, actor: Commenter) -> Response:
    _resolve(request, key, comment_id, actor, True)
    return _answer(request, key, actor)


@router.post("/journeys/{key}/comments/{comment_id}/reopen", include_in_schema=False)
def reopen_comment(request: Request, key: str, comment_id: int, actor: Commenter) -> Response:
    _resolve(request, key, comment_id, actor, False)
    return _answer(request, key, actor)


@twin(router, "/mentions", "/api/mentions", "mentions.html")
def mentions_page(request: Request, actor: Member) -> MentionsPage:
    """The comments that mention the actor."""
    store: Store = request.app.state.store
    if actor.user is None:
        return MentionsPage(mentions=[])
    lang = lang_of(request)
    out = []
    labels: dict[str, dict[tuple[str, str], str]] = {}
    for comment in store.mentions_of(actor.user.id):
        key = comment.journey
        if key not in journeys_of(store, actor) or not may(store, actor, Action.COMMENT, key):
            continue
        if key not in labels:
            labels[key] = _labels(request, key, lang)[0]
        out.append(MentionItem(journey=key, comment=_item(comment, labels[key], set())))
    return MentionsPage(mentions=out)
