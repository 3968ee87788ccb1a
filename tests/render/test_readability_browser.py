"""The measured map read in a real Chromium at 1280 and 1600 px: the linear view keeps every
stage on the page (it wraps, nothing is scrolled out of a screenshot or an export), and the two
emotion values of a stage never sit on each other or on the other series' point."""

from __future__ import annotations

from typing import Any

import pytest

from parcours.model import Journey, load_journey
from parcours.model.measures import Measured, Measures
from parcours.render import Chromium, render_html
from parcours.samples import sample_path

pytestmark = pytest.mark.browser
WIDTHS = (1280, 1600)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _page(browser: Chromium, html: str, width: int) -> Any:
    page = browser.open(html)
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_linear_view_keeps_every_stage_on_the_page(browser: Chromium, width: int) -> None:
    journey = load_journey(sample_path("sport_subscription"))
    page = _page(browser, render_html(journey, "linear", lang="en"), width)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        stages = page.locator("li.stage-step")
        assert stages.count() == len(journey.stages) == 5
        for i in range(stages.count()):
            box = stages.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (i, box)
            for node in range(stages.nth(i).locator("li.tp-node").count()):
                card = stages.nth(i).locator("li.tp-node").nth(node).bounding_box()
                assert card["x"] + card["width"] <= width + 0.5
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_emotion_values_of_a_stage_never_overlap(
    browser: Chromium, journey: Journey, width: int
) -> None:
    # measured emotions just above, equal to and just below the designed ones
    designed = {s.id: s.emotion for s in journey.stages if s.emotion is not None}
    shifts = (0.3, 0.0, -0.3, 0.1, -0.1)
    stages = {
        stage: Measured(emotion=max(-2.0, min(2.0, value + shifts[i % len(shifts)])))
        for i, (stage, value) in enumerate(designed.items())
    }
    html = render_html(journey, "grid", measures=Measures(stages), lang="en")
    page = _page(browser, html, width)
    try:
        for stage in designed:
            labels = {
                series: page.locator(f'text.point-label.{series}[data-stage="{stage}"]')
                for series in ("designed", "measured")
            }
            points = {
                series: page.locator(f'circle.point.{series}[data-stage="{stage}"]')
                for series in ("designed", "measured")
            }
            a, b = (labels[s].bounding_box() for s in ("designed", "measured"))
            assert not _overlap(a, b), (stage, a, b)
            assert not _overlap(a, points["measured"].bounding_box()), stage
            assert not _overlap(b, points["designed"].bounding_box()), stage
        legend = page.locator('tr[data-lane="emotion"] th .key').all_inner_texts()
        assert legend == ["— Designed emotion", "- - Measured emotion"]
        ticks = page.locator("svg.curve text.tick").all_text_contents()
        assert ticks == ["+2", "0", "\u22122"]
    finally:
        page.close()
