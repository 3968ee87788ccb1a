"""Logging in and out, and the language of the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from parcours.errors import AuthenticationError, LoginThrottled
from parcours.model.vocabulary import Lang
from parcours.store import Store
from parcours.web.labels import WORDS
from parcours.web.pages import lang_of, render
from parcours.web.security import SESSION_COOKIE, actor_of, check_csrf

router = APIRouter(tags=["account"])


class Me(BaseModel):
    """Who the request is made as."""

    email: str | None
    admin: bool
    local: bool
    shared: bool
    csrf: str  # to send as X-CSRF-Token (or form field csrf) with every POST


def _next(target: str | None) -> str:
    """A place on this site to go back to (never another site)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/journeys"


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/journeys", status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_next(next), error="")


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2048)] = "/journeys",
) -> Response:
    """Open a new session (a new id at each login) and set its cookie."""
    actor = actor_of(request)
    await check_csrf(request, actor)
    store: Store = request.app.state.store
    client = request.client.host if request.client else ""
    try:
        user = store.authenticate(email, password, client=client)
    except LoginThrottled as error:
        minutes = max(1, round(error.retry_after / 60))
        message = WORDS[lang_of(request)]["login.throttled"].format(minutes=minutes)
        return render(request, "login.html", 429, next=_next(next), error=message)
    except AuthenticationError:
        message = WORDS[lang_of(request)]["login.failed"]
        return render(request, "login.html", 401, next=_next(next), error=message)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        store.close_session(old)
    token, session = store.open_session(user.id)
    response = RedirectResponse(_next(next), status_code=303)
    max_age = int((session.expires_at - session.created_at).total_seconds())
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, secure=True, httponly=True, samesite="lax"
    )
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    """Close the session on the server (the cookie alone no longer opens anything)."""
    actor = actor_of(request)
    await check_csrf(request, actor)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.store.close_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, secure=True, httponly=True, samesite="lax")
    return response


@router.post("/lang", include_in_schema=False)
async def switch_language(
    request: Request,
    lang: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2048)] = "/journeys",
) -> Response:
    """Remember the chosen language in a cookie and go back where the user was."""
    await check_csrf(request, actor_of(request))
    if lang not in {x.value for x in Lang}:
        raise HTTPException(400, f"unknown language {lang!r}: choose fr or en")
    response = RedirectResponse(_next(next), status_code=303)
    response.set_cookie("lang", lang, max_age=365 * 86400, secure=True, samesite="lax")
    return response


@router.get("/api/me")
def me(request: Request) -> Me:
    """Who the request is made as (no account needed to ask)."""
    actor = actor_of(request)
    return Me(
        email=actor.user.email if actor.user else None,
        admin=bool(actor.user and actor.user.admin) or actor.local,
        local=actor.local,
        shared=actor.share is not None,
        csrf=actor.csrf,
    )
