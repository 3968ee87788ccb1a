"""``create_app(settings)``: the team's living map in the browser, and its JSON API.

::

    app = create_app(Settings.load("shop"))          # uvicorn.run(app) — or `parcours serve shop`

The app serves one workspace: its journeys (from the store, where every version is kept), their
measured snapshots, its quarantine. Pages are rendered on the server (Jinja2, autoescaped) and
updated in part by htmx; each page has a JSON twin under ``/api`` built by the same function.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parcours import __version__
from parcours.data.workspace import Workspace
from parcours.render.html import stylesheet
from parcours.settings import Settings
from parcours.store import Store, open_store
from parcours.web import (
    account,
    board,
    comments,
    editing,
    editor,
    journeys,
    live,
    present,
    quarantine,
    refresh,
    shares,
    versions,
)
from parcours.web.jobs import Jobs
from parcours.web.pages import is_api, render_error
from parcours.web.security import CSRF_COOKIE, LoginRequired, new_csrf

#: No inline script anywhere; the map's own markup carries style attributes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def create_app(settings: Settings, *, store: Store | None = None, local: bool = True) -> FastAPI:
    """The web app of the workspace of ``settings``. ``local`` says it listens on this machine
    only: then, while the store has no account, every request is the local user's; otherwise
    everyone logs in. The store's journeys are brought up to date with the workspace's files."""
    workspace = Workspace(settings)
    opened = store or open_store(settings)
    opened.sync_workspace(workspace)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.live.aclose()
        app.state.jobs.shutdown()
        if store is None:
            opened.close()

    app = FastAPI(
        title="parcours",
        version=__version__,
        description="Customer-journey maps that are measured, not guessed: the JSON API.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.workspace = workspace
    app.state.store = opened
    app.state.local = local
    app.state.jobs = Jobs(workspace)
    app.state.live = live.Live(opened)
    app.state.drafts = editing.Drafts()
    app.add_api_route("/static/map.css", _map_css, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(files("parcours.web") / "static")), "static")
    routers = (
        account,
        journeys,
        editor,
        editing,
        live,
        versions,
        shares,
        refresh,
        quarantine,
        comments,
        board,
        present,
    )
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(LoginRequired, _login_required)
    return app


class SecurityHeaders:
    """Security headers on every answer, and a CSRF cookie for who has none yet (a plain ASGI
    middleware: it adds to the answer's first message)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = new_csrf()
        scope.setdefault("state", {})["new_csrf"] = token
        has_cookie = CSRF_COOKIE in Request(scope).cookies
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if https:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if not has_cookie:
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=lax; Secure",
                    )
            await send(message)

        await self.app(scope, receive, with_headers)


def _map_css() -> Response:
    """The maps' own stylesheet (the one each exported view inlines)."""
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


async def _http_error(request: Request, error: Any) -> Response:
    status = error.status_code
    if is_api(request):
        return JSONResponse({"detail": error.detail}, status_code=status)
    return render_error(request, status, error.detail)


async def _login_required(request: Request, error: Any) -> Response:
    if is_api(request):
        return JSONResponse({"detail": "log in first: POST /login"}, status_code=401)
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
