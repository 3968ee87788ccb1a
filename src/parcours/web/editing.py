"""Saving a whole map with optimistic concurrency, and the merge page.

``GET /api/journeys/{key}`` answers the map with ``ETag: "vN"``. ``PUT /api/journeys/{key}``
(a YAML or JSON journey document; ``If-Match`` required, else 428) saves it as an edit of that
version through :func:`parcours.store.save_edit`: 200 with the new ``ETag`` (``merged`` when it
was merged with versions saved since), 412 with the merge proposal when the same things
changed on both sides, 422 with the located problems of an invalid map. A conflict is kept as
a draft (in memory, an hour) that the merge page shows, one choice per conflict.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from parcours.errors import JourneyError, StoreError
from parcours.model import Journey
from parcours.model.merge import Side, merge_journeys
from parcours.model.text import localize
from parcours.model.vocabulary import Lang
from parcours.store import Conflicted, Saved, Store, etag, save_edit
from parcours.web.labels import WORDS
from parcours.web.pages import Problem, lang_of, twin
from parcours.web.security import Actor, Editor

router = APIRouter(tags=["editing"])
_ETAG = re.compile(r'^(W/)?"v(\d{1,9})"$')
MESSAGE_LENGTH = 500


@dataclass(frozen=True)
class Draft:
    """An edit that conflicted: what it edited (``base``), what it met (``latest``)."""

    key: str
    base: int
    latest: int
    mine: Journey
    made: float


@dataclass
class Drafts:
    """Conflicted edits waiting on the merge page, by random token; the oldest go first."""

    ttl_seconds: float = 3600.0
    size: int = 500
    drafts: dict[str, Draft] = field(default_factory=dict)

    def park(self, conflicted: Conflicted) -> str:
        now = time.monotonic()
        for token, draft in list(self.drafts.items()):
            if draft.made + self.ttl_seconds < now or len(self.drafts) >= self.size:
                del self.drafts[token]
        token = secrets.token_urlsafe(16)
        self.drafts[token] = Draft(
            conflicted.key, conflicted.base, conflicted.latest, conflicted.mine, now
        )
        return token

    def get(self, key: str, token: str) -> Draft:
        draft = self.drafts.get(token)
        if draft is None or draft.key != key or draft.made + self.ttl_seconds < time.monotonic():
            raise HTTPException(404, "this merge is no longer pending: save your edit again")
        return draft


def park(request: Request, conflicted: Conflicted) -> str:
    """Keep ``conflicted`` for the merge page; the page's URL (for the editor's saves)."""
    drafts: Drafts = request.app.state.drafts
    return f"/journeys/{conflicted.key}/merge/{drafts.park(conflicted)}"


def author_of(actor: Actor) -> int | None:
    return actor.user.id if actor.user else None


class SaveAnswer(BaseModel):
    """The map was saved as version ``version`` (merged with versions saved since ``base``
    when ``merged``)."""

    key: str
    version: int
    etag: str
    base: int
    merged: bool


class ConflictAnswer(BaseModel):
    """Nothing was saved: version ``latest`` changed what the edit changed. ``merge`` holds the
    proposed map (theirs where they conflict) and the conflicts; ``merge_url`` the page that
    settles them."""

    detail: str
    key: str
    base: int | None = None
    latest: int
    etag: str
    merge: dict[str, Any] | None = None
    merge_url: str | None = None


class InvalidAnswer(BaseModel):
    """The document is not a valid map: each problem with its line and column."""

    detail: str
    problems: list[dict[str, Any]]


_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/yaml": {"schema": {"type": "string"}},
    },
}
_PUT_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": SaveAnswer, "description": (SaveAnswer.__doc__ or "").strip()},
    400: {"model": Problem, "description": "No CSRF token, or a malformed If-Match."},
    412: {"model": ConflictAnswer, "description": (ConflictAnswer.__doc__ or "").strip()},
    422: {"model": InvalidAnswer, "description": (InvalidAnswer.__doc__ or "").strip()},
    428: {"model": Problem, "description": "If-Match is missing."},
}


@router.put(
    "/api/journeys/{key}",
    responses=_PUT_ANSWERS,
    response_model=None,
    openapi_extra={"requestBody": _BODY},
)
async def put_journey(
    request: Request,
    key: str,
    actor: Editor,
    if_match: Annotated[str | None, Header()] = None,
    x_parcours_message: Annotated[str | None, Header()] = None,
) -> Response:
    """Save the whole map (a YAML or JSON journey document, or JSON ``{"journey": {...},
    "message": "..."}``) as an edit of the version named by ``If-Match`` (``"vN"``, the
    ``ETag`` of ``GET /api/journeys/{key}``). The version's message is ``X-Parcours-Message``
    (percent-encoded UTF-8) or the JSON ``message``."""
    if if_match is None:
        raise HTTPException(428, "send If-Match with the ETag of the version you edited")
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise HTTPException(400, f'If-Match {if_match!r} is not a version tag like "v3"')
    base = int(found.group(2))
    message = unquote(x_parcours_message) if x_parcours_message else None
    try:
        text, message = _document(
            await request.body(), request.headers.get("content-type"), message
        )
    except _BadBody as error:
        return JSONResponse(error.answer, status_code=422)
    store: Store = request.app.state.store
    try:
        outcome = await run_in_threadpool(
            save_edit,
            store,
            key,
            text,
            base,
            author_of(actor),
            (message or "")[:MESSAGE_LENGTH],
            workspace=request.app.state.workspace,
        )
    except JourneyError as error:
        return JSONResponse(_invalid(error, str(error)), status_code=422)
    except StoreError as error:  # a version the journey never had
        latest = store.journey(key).latest  # type: ignore[union-attr]
        body = ConflictAnswer(detail=str(error), key=key, latest=latest, etag=etag(latest))
        return JSONResponse(body.model_dump(), status_code=412, headers={"ETag": etag(latest)})
    return answer(request, outcome)


def answer(request: Request, outcome: Saved | Conflicted) -> JSONResponse:
    """200 with the new ETag, or 412 with the merge proposal (the conflict parked for the
    merge page)."""
    if isinstance(outcome, Saved):
        return JSONResponse(outcome.to_dict(), headers={"ETag": outcome.etag})
    detail = (
        f"version {outcome.latest} changed what this edit changes; settle the conflicts "
        "(merge_url) or save again on the latest version"
    )
    body = {"detail": detail, **outcome.to_dict(), "merge_url": park(request, outcome)}
    return JSONResponse(body, status_code=412, headers={"ETag": outcome.etag})


class _BadBody(Exception):
    def __init__(self, detail: str, problems: list[dict[str, Any]] | None = None) -> None:
        self.answer = InvalidAnswer(detail=detail, problems=problems or []).model_dump()


def _document(body: bytes, content_type: str | None, message: str | None) -> tuple[str, str | None]:
    """The journey text of a PUT body, and its message."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _BadBody(f"the body is not UTF-8 (byte {error.start})") from None
    if "json" not in (content_type or ""):
        return text, message
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = {"line": error.lineno, "column": error.colno, "message": error.msg}
        raise _BadBody(f"the body is not JSON: {error}", [problem]) from None
    if isinstance(data, dict) and isinstance(data.get("journey"), dict):
        given = data.get("message")
        if message is None and isinstance(given, str):
            message = given
        text = json.dumps(data["journey"], ensure_ascii=False, indent=2)
    return text, message


def _invalid(error: Exception, detail: str) -> dict[str, Any]:
    problems = [
        asdict(p) if is_dataclass(p) and not isinstance(p, type) else {"message": str(p)}
        for p in getattr(error, "problems", [])
    ]
    return InvalidAnswer(detail=detail, problems=problems).model_dump()


# -- the merge page ------------------------------------------------------------------------------


class ConflictChoice(BaseModel):
    """One conflict: the values before, in the edit (mine) and in the latest version."""

    name: str
    path: str
    label: str
    base: str
    mine: str
    theirs: str


class MergePage(BaseModel):
    """The conflicts of an edit of version ``base`` with version ``latest``, and the map as
    merged so far (theirs where they conflict)."""

    key: str
    title: str
    draft: str
    base: int
    latest: int
    conflicts: list[ConflictChoice]
    journey: dict[str, Any]


@twin(router, "/journeys/{key}/merge/{draft}", "/api/journeys/{key}/merge/{draft}", "merge.html")
async def merge_page(request: Request, key: str, draft: str, actor: Editor) -> MergePage:
    """The conflicts of a pending edit of ``key``, one choice each."""
    pending: Draft = request.app.state.drafts.get(key, draft)
    store: Store = request.app.state.store
    lang = lang_of(request)
    merge = merge_journeys(
        store.version(key, pending.base).journey,
        pending.mine,
        store.version(key, pending.latest).journey,
    )
    absent = WORDS[lang]["merge.absent"]
    return MergePage(
        key=key,
        title=localize(pending.mine.name, lang),
        draft=draft,
        base=pending.base,
        latest=pending.latest,
        conflicts=[
            ConflictChoice(
                name=f"c{n}",
                path=c.path,
                label=c.label_in(lang),
                base=_shown(c.base, lang, absent),
                mine=_shown(c.mine, lang, absent),
                theirs=_shown(c.theirs, lang, absent),
            )
            for n, c in enumerate(merge.conflicts)
        ],
        journey=merge.to_dict()["journey"],
    )


@router.post("/journeys/{key}/merge/{draft}", include_in_schema=False)
async def settle(request: Request, key: str, draft: str, actor: Editor) -> Response:
    """Save the pending edit merged with the choices made; a new conflict (someone saved
    again meanwhile) shows the merge page again."""
    page = await merge_page(request, key, draft, actor)
    form = await request.form()
    choices: dict[str, Side] = {
        c.path: "mine" if form.get(c.name) == "mine" else "theirs" for c in page.conflicts
    }
    words = WORDS[lang_of(request)]
    given = form.get("message")
    message = given if isinstance(given, str) and given.strip() else None
    pending: Draft = request.app.state.drafts.get(key, draft)
    outcome = await run_in_threadpool(
        save_edit,
        request.app.state.store,
        key,
        pending.mine,
        pending.base,
        author_of(actor),
        (message or words["merge.default_message"].format(latest=page.latest))[:MESSAGE_LENGTH],
        choices=choices,
        workspace=request.app.state.workspace,
    )
    request.app.state.drafts.drafts.pop(draft, None)
    if isinstance(outcome, Conflicted):
        return RedirectResponse(park(request, outcome), status_code=303)
    return RedirectResponse(f"/journeys/{key}", status_code=303)


def _shown(value: Any, lang: Lang, absent: str) -> str:
    """A conflict's value as text: a name in the page's language, a number, or JSON."""
    if value is None:
        return absent
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value and set(value) <= {x.value for x in Lang}:
        return localize(value, lang)
    if isinstance(value, dict) and ("name" in value or "title" in value):
        return localize(value.get("name") or value.get("title"), lang)
    return json.dumps(value, ensure_ascii=False)
