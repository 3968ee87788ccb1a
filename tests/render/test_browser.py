"""Every view opened in a real headless Chromium (one for the session), and the exports."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from parcours.model import Journey, load_journey
from parcours.model.measures import Measures
from parcours.render import VIEWS, Chromium, PageLog, export, render_html
from parcours.render.browser import PAGE_MM
from parcours.render.curve import stage_emotion

from .conftest import SAMPLES, SCRIPT

pytestmark = pytest.mark.browser
PT_PER_MM = 72 / 25.4


def opened(browser: Chromium, html: str) -> tuple[object, PageLog]:
    log = PageLog()
    return browser.open(html, log), log


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_renders_offline_and_shows_markup_as_text(
    browser: Chromium, hostile: Journey, measures: Measures, view: str
) -> None:
    """The hostile journey has ``<script>`` in its name and first stage, an ``<img onerror>``
    in a touchpoint name: they must show as text, run nothing and fetch nothing."""
    page, log = opened(browser, render_html(hostile, view, measures=measures))
    try:
        assert page.locator("h1.journey-name").inner_text() == SCRIPT  # type: ignore[attr-defined]
        assert SCRIPT in page.title()  # type: ignore[attr-defined]
        assert page.locator("script, img").count() == 0  # type: ignore[attr-defined]
        if view in {"grid", "linear", "emotion"}:
            for stage in hostile.stages:
                shown = page.locator(f'[data-stage="{stage.id}"]').first  # type: ignore[attr-defined]
                assert squash(hostile.label(stage.name)) in squash(shown.text_content())
    finally:
        page.close()  # type: ignore[attr-defined]
    assert log.console_errors == []
    assert log.requests == []
    assert log.dialogs == []


@pytest.mark.parametrize("view", ["grid", "emotion"])
def test_the_curve_has_one_point_per_stage_under_its_column(
    browser: Chromium, journey: Journey, view: str
) -> None:
    page, _ = opened(browser, render_html(journey, view))
    try:
        points = page.locator("circle.point.designed")  # type: ignore[attr-defined]
        assert points.count() == len(journey.stages)
        for i, stage in enumerate(journey.stages):
            point = points.nth(i)
            assert point.get_attribute("data-stage") == stage.id
            box = point.bounding_box()
            centre = box["x"] + box["width"] / 2
            label = page.locator(  # type: ignore[attr-defined]
                f'th.stage[data-stage="{stage.id}"], text.stage-label[data-stage="{stage.id}"]'
            ).bounding_box()
            assert label["x"] - 1 <= centre <= label["x"] + label["width"] + 1
        # higher emotion is drawn higher
        ys = [points.nth(i).bounding_box()["y"] for i in range(points.count())]
        values = [stage_emotion(s)[0] for s in journey.stages]  # type: ignore[index]
        assert sorted(range(len(ys)), key=ys.__getitem__) == sorted(
            range(len(values)), key=lambda i: -values[i]
        )
    finally:
        page.close()  # type: ignore[attr-defined]


def test_a_missed_kpi_is_red_and_a_met_one_green(
    browser: Chromium, journey: Journey, measures: Measures
) -> None:
    page, _ = opened(browser, render_html(journey, "grid", measures=measures))
    try:
        colour = "el => getComputedStyle(el).backgroundColor"
        missed = page.locator(".kpi-value.miss").first.evaluate(colour)  # type: ignore[attr-defined]
        met = page.locator(".kpi-value.meets").first.evaluate(colour)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
    assert missed == "rgb(198, 40, 40)" and met == "rgb(46, 125, 50)"


@pytest.mark.skipif(not SAMPLES, reason="no bundled samples yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_open_cleanly(browser: Chromium, sample: Path) -> None:
    journey = load_journey(sample)
    page, log = opened(browser, render_html(journey, "grid", lang="en"))
    try:
        points = page.locator("circle.point.designed").count()  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
    assert points == sum(stage_emotion(s) is not None for s in journey.stages)
    assert log.console_errors == [] and log.requests == []


def test_png_export(browser: Chromium, journey: Journey, tmp_path: Path) -> None:
    path = export(journey, tmp_path / "map.png", browser=browser)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1000 and height > 500


@pytest.mark.parametrize("page_size", ["A4", "A3"])
def test_pdf_export_is_landscape(
    browser: Chromium, journey: Journey, tmp_path: Path, page_size: str
) -> None:
    path = export(journey, tmp_path / "map.pdf", page=page_size, browser=browser)  # type: ignore[arg-type]
    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes
    long_side, short_side = (mm * PT_PER_MM for mm in PAGE_MM[page_size])
    for width, height in boxes:
        assert abs(float(width) - long_side) < 2 and abs(float(height) - short_side) < 2


@pytest.mark.parametrize("view", ["grid", "matrix"])
def test_svg_export_parses(browser: Chromium, journey: Journey, tmp_path: Path, view: str) -> None:
    path = export(journey, tmp_path / f"{view}.svg", view=view, browser=browser)  # type: ignore[arg-type]
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.attrib["width"].removesuffix("pt")) > 100
