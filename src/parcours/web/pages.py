"""Pages and their JSON twins: one function builds a page's data; ``/api/...`` returns it as
JSON and the page renders it with its template (Jinja2, autoescaped).

The pages read snapshots and a few indexed store rows: their functions are ``async`` and run
on the event loop (a thread per request would cost more than the work under load).

::

    @twin(router, "/journeys", "/api/journeys", "journeys.html")
    def journeys_page(actor: Viewer, request: Request) -> JourneysPage: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_type_hints

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from parcours import __version__
from parcours.model.vocabulary import Lang
from parcours.render.html import templates
from parcours.web.labels import WORDS, choose_lang
from parcours.web.security import Actor, actor_of


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


#: The refusals every JSON route may answer with, declared in the OpenAPI document.
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not logged in: POST /login first."},
    403: {"model": Problem, "description": "Logged in, but not allowed to do this."},
    404: {"model": Problem, "description": "No such resource, or not one you may see."},
}


def lang_of(request: Request) -> Lang:
    return choose_lang(request.cookies.get("lang"), request.headers.get("accept-language"))


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """``template`` rendered for ``request``: its language, its actor, the words of the app."""
    lang = lang_of(request)
    actor = getattr(request.state, "actor", None)
    if actor is None:
        try:
            actor = actor_of(request)
        except HTTPException:  # an unknown share link: show the page as to nobody
            actor = Actor(csrf=request.state.new_csrf)
    html = (
        templates("parcours.web")
        .get_template(template)
        .render(
            lang=lang.value,
            t=WORDS[lang],
            actor=actor,
            path=request.url.path,
            query=request.url.query,
            version=__version__,
            **values,
        )
    )
    return HTMLResponse(html, status_code=status)


def render_error(request: Request, status: int, detail: Any) -> HTMLResponse:
    words = WORDS[lang_of(request)]
    message = words.get(f"error.{status}") or str(detail)
    shown = detail if isinstance(detail, str) and status == 400 else message
    return render(request, "error.html", status, code=status, message=shown)


def twin(
    router: APIRouter,
    page: str,
    api: str,
    template: str,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``build`` as the JSON route ``api`` and, through the same function (a
    dependency of the page), the page ``page`` rendered with ``template``. ``headers`` gives
    the JSON answer's headers from the data (an ``ETag``...)."""

    def register(build: Callable[..., Any]) -> Callable[..., Any]:
        model = get_type_hints(build)["return"]

        async def json_twin(data: BaseModel = Depends(build)) -> Response:  # noqa: B008
            # serialised by pydantic's core at once (FastAPI would validate the model again)
            extra = headers(data) if headers else None
            return Response(data.model_dump_json(), media_type="application/json", headers=extra)

        json_twin.__name__, json_twin.__doc__ = build.__name__, build.__doc__
        ok: dict[int | str, dict[str, Any]] = {
            200: {"model": model, "description": (model.__doc__ or "").strip()}
        }
        router.get(api, response_model=None, responses={**ok, **REFUSALS})(json_twin)

        async def html(request: Request, data: BaseModel = Depends(build)) -> HTMLResponse:  # noqa: B008
            return render(request, template, page=data)

        html.__name__ = f"{build.__name__}_html"
        router.get(page, response_class=HTMLResponse, include_in_schema=False)(html)
        return build

    return register
