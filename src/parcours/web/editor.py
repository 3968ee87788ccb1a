"""The map editor: the grid or linear map as editable cards, each change one operation.

``GET /journeys/{key}/edit`` shows the editor (``/api/journeys/{key}/edit`` its JSON twin);
``POST /journeys/{key}/edit`` takes one operation from a form (see
:func:`parcours.model.lanes.edit_from_form`), applies it to the latest version and saves the
result as a new version, then answers the redrawn fragment: the card (and the emotion curve
when an emotion changed), or the whole board after a structural change. When someone saved in
between, the operation is applied again to their version; when what its author saw there
changed, nothing is saved and the answer (409) names what changed and who changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from parcours.data.workspace import Workspace
from parcours.engine.binding import BindingPreview, preview_binding
from parcours.engine.workspace_tables import workspace_tables
from parcours.errors import EditConflict, EngineError, JourneyError, VersionConflict
from parcours.model import EventMatcher, dump_journey
from parcours.model.edits import Add, Delete, Edit, Move, Set, apply, describe, inverse
from parcours.model.lanes import LANES, edit_from_form, matcher_from_form
from parcours.model.lint import lint
from parcours.model.text import localize
from parcours.store import Store
from parcours.web.editor_view import CardRef, board_values, card_values, field_values
from parcours.web.labels import WORDS
from parcours.web.pages import lang_of, render, twin
from parcours.web.security import Actor, Editor
from parcours.web.views import Shown, journey_at, remember, shown_at

router = APIRouter(tags=["editor"])
EditorView = Literal["grid", "linear"]
#: Saves tried again when someone else saved in between (each re-reads the latest version).
RETRIES = 5


class EditorPage(BaseModel):
    """The editor of one map: the journey document at its latest version, the editable lanes
    of each kind of item, and the lint findings to review."""

    key: str
    title: str
    version: int
    view: EditorView
    journey: dict[str, Any]
    lanes: dict[str, list[dict[str, Any]]]
    findings: list[dict[str, str]]
    may_undo: bool
    values: dict[str, Any] = Field(default_factory=dict, exclude=True)


@twin(router, "/journeys/{key}/edit", "/api/journeys/{key}/edit", "editor.html")
async def editor_page(
    request: Request, key: str, actor: Editor, view: EditorView = "grid"
) -> EditorPage:
    """The editor of ``key`` on the ``grid`` or ``linear`` view (editors and above)."""
    shown = journey_at(request, key)
    lang = lang_of(request)
    findings = lint(shown.journey)
    return EditorPage(
        key=key,
        title=localize(shown.journey.name, lang),
        version=shown.version,
        view=view,
        journey=shown.document,
        lanes={what: [lane.to_dict() for lane in lanes] for what, lanes in LANES.items()},
        findings=[f.to_dict() for f in findings],
        may_undo=bool(_undo_stack(request, actor, key)),
        values=board_values(key, shown.journey, view, lang, findings),
    )


@router.post("/journeys/{key}/edit", response_class=HTMLResponse, include_in_schema=False)
async def edit(request: Request, key: str, actor: Editor) -> HTMLResponse:
    """Apply one operation from the form and answer the redrawn fragment."""
    form = await _form(request)
    return await run_in_threadpool(_edit, request, key, actor, form)


@router.post("/journeys/{key}/undo", response_class=HTMLResponse, include_in_schema=False)
async def undo(request: Request, key: str, actor: Editor) -> HTMLResponse:
    """Undo the actor's last change of ``key`` (as a new version)."""
    form = await _form(request)
    return await run_in_threadpool(_undo, request, key, actor, form)


def _edit(request: Request, key: str, actor: Actor, form: dict[str, list[str]]) -> HTMLResponse:
    view = _view(form)
    card = CardRef(form.get("what", [""])[0], form.get("id", [""])[0] or None)
    try:
        op = edit_from_form(form, lang_of(request))
    except JourneyError as error:
        return _invalid(request, key, card, form, error, view)
    return _save_and_draw(request, key, actor, op, card, form, view)


def _undo(request: Request, key: str, actor: Actor, form: dict[str, list[str]]) -> HTMLResponse:
    stack = _undo_stack(request, actor, key)
    lang = lang_of(request)
    if not stack:
        shown = journey_at(request, key)
        return _board(request, key, shown, _view(form), message=("notice", "nothing_to_undo"))
    step = stack.pop()
    try:
        saved, _ = _save(request, key, actor, step.op, message=f"Undid: {step.message}")
    except EditConflict as error:
        shown = _latest(request, key)
        text = _conflict_text(request, key, error, lang)
        return _board(request, key, shown, _view(form), status=409, message=("error", text))
    return _board(request, key, saved, _view(form), message=("saved", f"Undid: {step.message}"))


@router.get("/journeys/{key}/edit/form", response_class=HTMLResponse, include_in_schema=False)
def field_form(
    request: Request, key: str, actor: Editor, what: str, field: str, id: str = ""
) -> HTMLResponse:
    """The form that edits one lane of one card."""
    shown = journey_at(request, key)
    values = field_values(key, shown.journey, CardRef(what, id or None), field, lang_of(request))
    if values is None:
        raise HTTPException(404, f"no {what} {id!r} with a field {field!r} in {key!r}")
    return render(request, "_editor_form.html", **values)


@router.get("/journeys/{key}/edit/card", response_class=HTMLResponse, include_in_schema=False)
def card(request: Request, key: str, actor: Editor, what: str, id: str) -> HTMLResponse:
    """One card as shown (what Escape or Cancel in a form goes back to)."""
    shown = journey_at(request, key)
    return _card(request, key, shown, CardRef(what, id), None)


@router.get("/journeys/{key}/edit/preview", response_class=HTMLResponse, include_in_schema=False)
def binding_preview(request: Request, key: str, actor: Editor, id: str) -> HTMLResponse:
    """How many events the binding being typed matches, and which events no touchpoint
    matches with it in place (the workspace's measured data, through the engine)."""
    shown = journey_at(request, key)
    query = {k: request.query_params.getlist(k) for k in request.query_params}
    preview: BindingPreview | None = None
    problem = ""
    try:
        data = matcher_from_form(query)
        matcher = EventMatcher.model_validate(data) if data else None
        workspace: Workspace = request.app.state.workspace
        with workspace_tables(workspace) as log:
            preview = preview_binding(log, shown.journey, id, matcher)
    except JourneyError as error:
        problem = "; ".join(p.message for p in getattr(error, "problems", [])) or str(error)
    except EngineError:
        problem = ""
    return render(request, "_editor_preview.html", preview=preview, problem=problem)


# -- saving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoStep:
    op: Edit
    message: str


@dataclass
class _Undo:
    steps: dict[tuple[str, str], list[UndoStep]] = field(default_factory=dict)


def _undo_stack(request: Request, actor: Actor, key: str) -> list[UndoStep]:
    state = request.app.state
    if not hasattr(state, "editor_undo"):
        state.editor_undo = _Undo()
    who = str(actor.user.id) if actor.user else "local"
    stack: list[UndoStep] = state.editor_undo.steps.setdefault((who, key), [])
    return stack


def _latest(request: Request, key: str) -> Shown:
    """The latest version as stored now (not as this request first saw it)."""
    store: Store = request.app.state.store
    record = store.journey(key)
    if record is None:
        raise HTTPException(404, f"no journey {key!r}")
    return shown_at(store, key, record.latest)


def _save(
    request: Request, key: str, actor: Actor, op: Edit, *, message: str | None = None
) -> tuple[Shown, str]:
    """Apply ``op`` to the latest version and save it; again on the newer version when someone
    saved in between. EditConflict when ``op`` no longer fits; JourneyError when invalid."""
    store: Store = request.app.state.store
    author = actor.user.id if actor.user else None
    for attempt in range(RETRIES):
        shown = _latest(request, key)
        journey = apply(shown.journey, op)
        said = message or describe(shown.journey, op)
        record = store.journey(key)
        fmt = record.format if record else "yaml"
        try:
            version = store.import_journey(
                key,
                dump_journey(journey, fmt),
                author_id=author,
                message=said,
                fmt=fmt,
                expected=shown.version,
                journey=journey,
            )
        except VersionConflict:
            if attempt == RETRIES - 1:
                raise EditConflict(f"the map kept changing while saving ({key!r})") from None
            continue
        saved = remember(store, key, version.number, journey)
        request.app.state.store.write_back(key, request.app.state.workspace)
        if message is None:
            undo = UndoStep(inverse(shown.journey, op, journey), said)
            _undo_stack(request, actor, key).append(undo)
        return saved, said
    raise AssertionError  # pragma: no cover


def _save_and_draw(
    request: Request, key: str, actor: Actor, op: Edit, card: CardRef, form: Any, view: str
) -> HTMLResponse:
    lang = lang_of(request)
    structural = isinstance(op, Add | Delete | Move)
    try:
        saved, said = _save(request, key, actor, op)
    except EditConflict as error:
        shown = _latest(request, key)
        text = _conflict_text(request, key, error, lang)
        if not structural and card.exists(shown.journey):
            return _card(request, key, shown, card, ("error", text), status=409)
        answer = _board(request, key, shown, view, status=409, message=("error", text))
        answer.headers["HX-Retarget"] = "#editor-body"
        return answer
    except JourneyError as error:
        return _invalid(request, key, card, form, error, view)
    note = ("saved", f"{said} ({saved.version})")
    if structural:
        return _board(request, key, saved, view, message=note)
    emotion = isinstance(op, Set) and op.field == "emotion"
    return _card(request, key, saved, card, note, curve=emotion)


def _conflict_text(request: Request, key: str, error: EditConflict, lang: Any) -> str:
    store: Store = request.app.state.store
    latest = store.versions(key)[0]
    words = render_words(lang)
    who = latest.author or words["editor.someone"]
    return (
        f"{words['editor.conflict']}: {error} — {words['editor.changed_by']} {who} "
        f"({words['editor.version']} {latest.number}). {words['editor.reloaded']}"
    )


def render_words(lang: Any) -> dict[str, str]:
    return WORDS[lang]


# -- drawing -------------------------------------------------------------------------------------


def _card(
    request: Request,
    key: str,
    shown: Shown,
    card: CardRef,
    message: tuple[str, str] | None,
    *,
    status: int = 200,
    curve: bool = False,
) -> HTMLResponse:
    lang = lang_of(request)
    values = card_values(key, shown.journey, card, lang, lint(shown.journey))
    if values is None:
        raise HTTPException(404, f"no {card.what} {card.id!r} in {key!r}")
    return render(request, "_editor_card_only.html", status, message=message, curve=curve, **values)


def _board(
    request: Request,
    key: str,
    shown: Shown,
    view: str,
    *,
    status: int = 200,
    message: tuple[str, str] | None = None,
) -> HTMLResponse:
    lang = lang_of(request)
    values = board_values(key, shown.journey, view, lang, lint(shown.journey))
    return render(request, "_editor_body.html", status, message=message, **values)


def _invalid(
    request: Request, key: str, card: CardRef, form: Any, error: JourneyError, view: str
) -> HTMLResponse:
    """422: the form again with the problem at the field (or the board with the problem)."""
    problems = getattr(error, "problems", None) or []
    text = "; ".join(p.message for p in problems) or str(error)
    shown = journey_at(request, key)
    lang = lang_of(request)
    field_name = form.get("field", [""])[0] or _name_field(card.what)
    op = form.get("op", [""])[0]
    if op in ("set", "rename"):
        values = field_values(key, shown.journey, card, field_name, lang)
        if values is not None:
            typed = {k: v for k, v in form.items()}
            values |= {"error": text, "typed": typed}
            answer = render(request, "_editor_form.html", 422, **values)
            answer.headers["HX-Retarget"] = f"#{values['field_id']}"
            answer.headers["HX-Reswap"] = "outerHTML"
            return answer
    words = render_words(lang)
    answer = _board(
        request,
        key,
        shown,
        view,
        status=422,
        message=("error", f"{words['editor.invalid']}: {text}"),
    )
    answer.headers["HX-Retarget"] = "#editor-body"
    answer.headers["HX-Reswap"] = "outerHTML"
    return answer


def _name_field(what: str) -> str:
    return {"pain_point": "description", "opportunity": "title"}.get(what, "name")


async def _form(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


def _view(form: dict[str, list[str]]) -> str:
    view = (form.get("view") or ["grid"])[0]
    return view if view in ("grid", "linear") else "grid"
