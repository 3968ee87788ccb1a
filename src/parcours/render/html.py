"""HTML views of a journey map, one hand-written Jinja2 template each (autoescaped, inline CSS
and SVG, no script, no network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, get_args

import jinja2

from parcours.errors import RenderError
from parcours.model.journey import Journey
from parcours.model.measures import Measures
from parcours.model.vocabulary import Lang, Layout
from parcours.render.context import View

if TYPE_CHECKING:
    from parcours.insight.opportunities import RankedOpportunity
    from parcours.insight.personas import SegmentCard
    from parcours.insight.what_matters import WhatMatters

ViewName = Literal["grid", "linear", "persona", "matrix", "emotion"]
Page = Literal["A4", "A3"]
VIEWS: tuple[str, ...] = get_args(ViewName)
PAGES: tuple[str, ...] = get_args(Page)


def environment() -> jinja2.Environment:
    """The views' templates."""
    return templates("parcours.render")


@cache
def templates(package: str) -> jinja2.Environment:
    """The Jinja2 templates of ``package`` (its ``templates`` folder): autoescaped, strict about
    undefined names, compiled once."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def resolve_view(journey: Journey, view: str | None) -> str:
    """``view``, or the journey's layout (grid or linear) when None; unknown names fail."""
    if view is None:
        return "linear" if journey.layout is Layout.LINEAR else "grid"
    if view not in VIEWS:
        raise RenderError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    return view


def resolve_lang(journey: Journey, lang: Lang | str | None) -> Lang:
    if lang is None:
        return journey.language
    try:
        return Lang(lang)
    except ValueError:
        choices = ", ".join(x.value for x in Lang)
        raise RenderError(f"unknown language {lang!r}: choose one of {choices}") from None


def view_data(
    journey: Journey,
    *,
    measures: Measures | None = None,
    lang: Lang | str | None = None,
    page: str = "A4",
    personas: Sequence[SegmentCard] = (),
    opportunities: Sequence[RankedOpportunity] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    matters: WhatMatters | None = None,
) -> View:
    if page not in PAGES:
        raise RenderError(f"unknown page size {page!r}: choose one of {', '.join(PAGES)}")
    lang_of = resolve_lang(journey, lang)
    measured = measures or Measures()
    return View(journey, lang_of, measured, page, personas, opportunities, findings, matters)


def render_html(
    journey: Journey,
    view: ViewName | None = None,
    *,
    measures: Measures | None = None,
    lang: Lang | str | None = None,
    page: Page = "A4",
    personas: Sequence[SegmentCard] = (),
    opportunities: Sequence[RankedOpportunity] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    matters: WhatMatters | None = None,
) -> str:
    """The journey as one self-contained HTML page.

    ``view`` is grid, linear, persona, matrix or emotion (default: the journey's layout);
    ``lang`` defaults to the journey's language; ``page`` sets the print page (landscape);
    ``personas`` are the measured persona cards of the segments
    (:func:`parcours.insight.personas.segment_cards`), shown by the persona view;
    ``opportunities`` those ranked from measures
    (:func:`parcours.insight.opportunities.rank_opportunities`), shown by the matrix view;
    ``findings`` the ranked findings' JSON forms (``Insights.to_dict()["findings"]``), each
    marked on its stage or touchpoint in the grid and linear views; ``matters`` what matters
    (:func:`parcours.insight.what_matters.what_matters`), at the head of the page.
    """
    name = resolve_view(journey, view)
    data = view_data(
        journey,
        measures=measures,
        lang=lang,
        page=page,
        personas=personas,
        opportunities=opportunities,
        findings=findings,
        matters=matters,
    )
    return environment().get_template(f"{name}.html").render(v=data, view=name, fragment=False)


def render_fragment(
    journey: Journey,
    view: ViewName | None = None,
    *,
    measures: Measures | None = None,
    lang: Lang | str | None = None,
    personas: Sequence[SegmentCard] = (),
    opportunities: Sequence[RankedOpportunity] = (),
    findings: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The view's markup without its document (icons, header and map), for a page that holds
    it and links :func:`stylesheet`; the same markup :func:`render_html` wraps."""
    name = resolve_view(journey, view)
    data = view_data(
        journey,
        measures=measures,
        lang=lang,
        personas=personas,
        opportunities=opportunities,
        findings=findings,
    )
    return environment().get_template(f"{name}.html").render(v=data, view=name, fragment=True)


def stylesheet() -> str:
    """The views' CSS (what :func:`render_html` inlines)."""
    return environment().loader.get_source(environment(), "style.css")[0]  # type: ignore[union-attr]


def render_emotion_svg(
    journey: Journey, *, measures: Measures | None = None, lang: Lang | str | None = None
) -> str:
    """The emotion curve as a standalone SVG document (vector, no browser needed)."""
    data = view_data(journey, measures=measures, lang=lang)
    body = environment().get_template("emotion.svg").render(v=data, standalone=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
