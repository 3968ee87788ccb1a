"""Findings marked on the map: each on its stage or touchpoint in the grid and linear views,
its sentence as accessible text (escaped), drift left off the map."""

from __future__ import annotations

import pytest

from parcours.model import Journey
from parcours.render.html import render_html

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {
                "id": "s1",
                "name": "One",
                "touchpoints": [{"id": "t1", "name": "Form", "channel": "website"}],
            },
            {"id": "s2", "name": "Two"},
        ],
    }
)


def _finding(rank: int, kind: str, stage: str | None, touchpoint: str | None, text: str) -> dict:
    return {
        "rank": rank,
        "kind": kind,
        "where": {"stage": stage, "touchpoint": touchpoint, "events": []},
        "summary": {"en": text, "fr": f"fr {text}"},
    }


FINDINGS = [
    _finding(1, "incident", "s1", "t1", "Form <b>broken</b> in May"),
    _finding(2, "loop", "s2", None, "Customers loop back"),
    _finding(3, "drift", None, None, "Unclaimed events"),
]


@pytest.mark.parametrize("view", ["grid", "linear"])
def test_each_finding_is_marked_on_its_place(view: str) -> None:
    page = render_html(JOURNEY, view, findings=FINDINGS, lang="en")  # type: ignore[arg-type]
    assert page.count('class="finding-marker"') == 2  # drift is about the map: no marker
    first = page.split('data-rank="1"')[1].split("</li>")[0]
    assert "Finding 1: Form &lt;b&gt;broken&lt;/b&gt; in May" in first
    assert "<b>broken</b>" not in page
    touchpoint = page.partition('data-touchpoint="t1"')[2]
    assert touchpoint.index('data-rank="1"') < touchpoint.index('data-stage="s2"')
    before, _, stage_two = page.partition('data-stage="s2"')
    assert 'data-rank="2"' not in before and 'data-kind="loop"' in stage_two
    french = render_html(JOURNEY, view, findings=FINDINGS, lang="fr")  # type: ignore[arg-type]
    assert "Constat n° 2\u00a0: fr Customers loop back" in french
    assert 'class="finding-marker"' not in render_html(JOURNEY, view)  # type: ignore[arg-type]
