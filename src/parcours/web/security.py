"""Who is asking and what they may do: the actor of a request, the one ``authorize`` check, CSRF.

Every route depends on :func:`requires` with the action it performs; that dependency finds the
actor (a session cookie, a share link, or the local user when the workspace has no account and
the app listens on this machine only) and the resource (the journey in the path), then calls
:func:`authorize`. An actor who may not even see a journey gets 404, as if it did not exist; one
who may see it but not act gets 403.

State changes are POST only, and each carries a CSRF token (form field ``csrf`` or header
``X-CSRF-Token``): the session's own token once logged in, else the value of the ``__Host-csrf``
cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from parcours.store import Action, JourneyRecord, ShareLink, Store, User, Visit, allowed

SESSION_COOKIE = "__Host-parcours"
CSRF_COOKIE = "__Host-csrf"


@dataclass(frozen=True)
class Actor:
    """Who makes a request: a user, a share link's holder, the local user (no accounts), or
    nobody yet (``anonymous``)."""

    user: User | None = None
    #: the user's session and roles, read with the session in one query
    visit: Visit | None = None
    share: ShareLink | None = None
    local: bool = False
    csrf: str = ""
    #: what the store said during this request (roles, journeys that exist), asked once
    memo: dict[tuple[str, str | None], object] = field(
        default_factory=dict, compare=False, repr=False
    )

    def asked(self, question: str, key: str | None, answer: Callable[[], object]) -> Any:
        """``answer()``, called once per request for the same question about ``key``."""
        if (question, key) not in self.memo:
            self.memo[question, key] = answer()
        return self.memo[question, key]

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.share is None and not self.local

    @property
    def name(self) -> str:
        return self.user.email if self.user else ""


@dataclass(frozen=True)
class Resource:
    """What a request acts on: one journey (by key), or the workspace (``journey`` None)."""

    journey: str | None = None


class LoginRequired(Exception):
    """Raised for an anonymous actor; pages answer with the login form, JSON with 401."""


def authorize(store: Store, actor: Actor, action: Action, resource: Resource) -> None:
    """Let the request through, or raise: 401 (log in first), 404 (no such journey, or not
    one the actor may see), 403 (may see it, may not do ``action``)."""
    if actor.anonymous:
        raise LoginRequired
    key = resource.journey
    if key is not None and key not in journeys_of(store, actor):
        raise HTTPException(404, f"no journey {key!r}")
    if actor.local:
        return
    if actor.share is not None:
        if action is Action.VIEW and key == actor.share.journey:
            return
        raise HTTPException(404 if key != actor.share.journey else 403)
    user = actor.user
    assert user is not None
    if actor.visit is not None:
        role = actor.visit.role(key)
    else:
        role = actor.asked("role", key, lambda: store.role_for(user.id, key))
    if allowed(role, user.admin, action):
        return
    visible = allowed(role, user.admin, Action.VIEW)
    raise HTTPException(403 if visible and key is not None else 404)


def journeys_of(store: Store, actor: Actor) -> dict[str, JourneyRecord]:
    """The store's journeys by key, read once per request."""
    found: dict[str, JourneyRecord] = actor.asked(
        "journeys", None, lambda: {record.key: record for record in store.journeys()}
    )
    return found


def actor_of(request: Request) -> Actor:
    """The actor of ``request`` (see the module's docstring)."""
    store: Store = request.app.state.store
    token = request.path_params.get("token")
    if token:
        share = store.share_for(token)
        if share is None:
            raise HTTPException(404)
        return Actor(share=share)
    session = request.cookies.get(SESSION_COOKIE)
    visit = store.visit(session) if session else None
    if visit is not None:
        return Actor(user=visit.user, visit=visit, csrf=visit.session.csrf_token)
    csrf = request.cookies.get(CSRF_COOKIE) or request.state.new_csrf
    if request.app.state.local and not store.has_users():
        return Actor(local=True, csrf=csrf)
    return Actor(csrf=csrf)


def requires(action: Action) -> Callable[[Request], Awaitable[Actor]]:
    """The dependency of a route that performs ``action`` on the journey in its path (or on
    the workspace): it returns the authorized actor. For POST it checks the CSRF token."""

    async def dependency(request: Request) -> Actor:
        actor = actor_of(request)
        if request.method != "GET":
            await check_csrf(request, actor)
        key = request.path_params.get("key") or (actor.share.journey if actor.share else None)
        authorize(request.app.state.store, actor, action, Resource(key))
        request.state.actor = actor
        return actor

    return dependency


async def check_csrf(request: Request, actor: Actor) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or not actor.csrf or not hmac.compare_digest(sent, actor.csrf):
        raise HTTPException(400, "missing or wrong CSRF token: reload the page and try again")


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


Viewer = Annotated[Actor, Depends(requires(Action.VIEW))]
Commenter = Annotated[Actor, Depends(requires(Action.COMMENT))]
Editor = Annotated[Actor, Depends(requires(Action.EDIT))]
Manager = Annotated[Actor, Depends(requires(Action.MANAGE))]
Refresher = Annotated[Actor, Depends(requires(Action.REFRESH))]


def may(store: Store, actor: Actor, action: Action, journey: str | None) -> bool:
    """Whether :func:`authorize` lets ``actor`` do ``action`` on ``journey``."""
    try:
        authorize(store, actor, action, Resource(journey))
    except (HTTPException, LoginRequired):
        return False
    return True


async def member(request: Request) -> Actor:
    """Any logged-in actor (or the local user): pages that list only what the actor may see."""
    actor = actor_of(request)
    if actor.anonymous or actor.share is not None:
        raise LoginRequired
    request.state.actor = actor
    return actor


Member = Annotated[Actor, Depends(member)]
