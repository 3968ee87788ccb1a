"""One call to write a view to a file: HTML, or PNG / PDF / SVG through headless Chromium, or
the grid as CSV."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from parcours.errors import RenderError
from parcours.model.journey import Journey
from parcours.model.measures import Measures
from parcours.model.vocabulary import Lang
from parcours.render.browser import Chromium
from parcours.render.html import Page, ViewName, render_emotion_svg, render_html, resolve_view
from parcours.render.table import write_csv

if TYPE_CHECKING:
    from parcours.insight.opportunities import RankedOpportunity
    from parcours.insight.personas import SegmentCard
    from parcours.insight.what_matters import WhatMatters

Format = Literal["html", "svg", "png", "pdf", "csv"]
FORMATS: tuple[str, ...] = get_args(Format)


def format_from(path: str | Path, given: str | None = None) -> str:
    """The export format: ``given``, else the file suffix; they must agree when both are set."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if given is not None and given not in FORMATS:
        raise RenderError(f"unknown format {given!r}: choose one of {', '.join(FORMATS)}")
    if given is not None and suffix in FORMATS and suffix != given:
        raise RenderError(f"{path}: the suffix .{suffix} does not match --format {given}")
    if given is not None:
        return given
    if suffix not in FORMATS:
        choices = ", ".join(f".{f}" for f in FORMATS)
        raise RenderError(f"{path}: cannot tell the format from the suffix; use {choices}")
    return suffix


def export(
    journey: Journey,
    path: str | Path,
    *,
    view: ViewName | None = None,
    format: Format | None = None,
    page: Page = "A4",
    lang: Lang | str | None = None,
    measures: Measures | None = None,
    browser: Chromium | None = None,
    personas: Sequence[SegmentCard] = (),
    opportunities: Sequence[RankedOpportunity] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    matters: WhatMatters | None = None,
) -> Path:
    """Write ``view`` of ``journey`` to ``path`` and return the path.

    ``format`` defaults to the suffix of ``path``. PNG, PDF (``page`` A4 or A3, landscape) and
    SVG go through headless Chromium: pass an open ``browser`` to reuse one for many exports.
    The emotion view's SVG is written directly (vector, no browser). ``personas``,
    ``opportunities``, ``findings`` and ``matters`` are drawn as :func:`render_html` says.
    """
    path = Path(path)
    kind = format_from(path, format)
    name = resolve_view(journey, view)
    if not path.parent.is_dir():
        raise RenderError(f"cannot write {path}: the folder {path.parent} does not exist")
    if kind == "csv":
        return write_csv(journey, path, lang=lang)
    if kind == "svg" and name == "emotion":
        path.write_text(render_emotion_svg(journey, measures=measures, lang=lang), "utf-8")
        return path
    html = render_html(
        journey,
        name,  # type: ignore[arg-type]
        measures=measures,
        lang=lang,
        page=page,
        personas=personas,
        opportunities=opportunities,
        findings=findings,
        matters=matters,
    )
    if kind == "html":
        path.write_text(html, encoding="utf-8")
        return path
    if browser is not None:
        return _print(browser, html, path, kind, page)
    with Chromium() as own:
        return _print(own, html, path, kind, page)


def _print(browser: Chromium, html: str, path: Path, kind: str, page: str) -> Path:
    if kind == "png":
        return browser.png(html, path)
    if kind == "pdf":
        return browser.pdf(html, path, page)
    return browser.svg(html, path)
