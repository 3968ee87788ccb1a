"""Findings marked on the map: each on its stage or touchpoint in the grid and linear views,
its sentence as accessible text (escaped), drift left off the map; what matters at the head of
a measured map (top findings, KPIs missing their target, what changed since the last refresh)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parcours.insight.what_matters import what_matters
from parcours.model import Journey
from parcours.model.measures import Measured, Measures
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


JOURNEY_WITH_KPI = Journey.model_validate(
    {
        **JOURNEY.model_dump(mode="json", exclude_none=True),
        "stages": [
            {
                "id": "s1",
                "name": "One <i>",
                "touchpoints": [{"id": "t1", "name": "Form", "channel": "website"}],
                "kpis": [
                    {
                        "id": "abandon",
                        "kind": "abandonment",
                        "target": 30,
                        "unit": "%",
                        "name": "Drop <script>",
                    }
                ],
            },
            {"id": "s2", "name": "Two"},
        ],
    }
)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_what_matters_heads_the_map(lang: str) -> None:
    matters = what_matters(
        FINDINGS,
        [{"where": "stages.s1", "kpi": "abandon", "value": 41.5, "met": False}],
        (
            datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
            [_finding(1, "loop", "s1", None, "Old <loop>"), FINDINGS[1]],
            [{"where": "stages.s1", "kpi": "abandon", "value": 25.0, "met": True}],
        ),
    )
    page = render_html(
        JOURNEY_WITH_KPI,
        "grid",
        findings=FINDINGS,
        matters=matters,
        measures=Measures(stages={"s1": Measured(customers=10, kpis={"abandon": 41.5})}),
        lang=lang,
    )
    head = page.split('<section class="what-matters"', 1)[1].split("</header>", 1)[0]
    top = head.split('<ol class="top-findings">', 1)[1].split("</ol>", 1)[0]
    assert top.count('class="top-finding"') == 3
    first, second, third = top.split("</li>")[:3]
    prefix = "fr " if lang == "fr" else ""
    assert '<span class="marker-badge" aria-hidden="true">⚑1</span>' in first
    assert f"{prefix}Form &lt;b&gt;broken&lt;/b&gt; in May" in first and "<b>" not in page
    assert ("Boucle" if lang == "fr" else "Loop") in second and "⚑2" in second
    assert "⚑3" not in third  # drift: not marked on the map, no badge
    assert 'class="summary"' in head  # the KPIs missing their target sit in it
    since = head.split('class="changes-since"', 1)[1]
    assert "2026-03-01 08:30 UTC" in since
    new = since.split('class="changed-new"', 1)[1].split("</li>", 1)[0]
    assert new.count(" — ") == 2  # the incident and the drift (the loop at s2 was there)
    gone = since.split('class="changed-gone"', 1)[1].split("</li>", 1)[0]
    assert "Old &lt;loop&gt;" in gone or "fr Old &lt;loop&gt;" in gone
    missed = since.split('class="changed-now_missed"', 1)[1].split("</li>", 1)[0]
    assert "Drop &lt;script&gt; (One &lt;i&gt;)" in missed and "<script>" not in page
    assert ("25\u00a0% → 41,5\u00a0%" if lang == "fr" else "25% → 41.5%") in missed
    assert 'class="changed-now_met"' not in since


def test_no_what_matters_without_it_and_a_first_measure_says_so() -> None:
    page = render_html(JOURNEY, "grid", findings=FINDINGS, lang="en")
    assert '<section class="what-matters"' not in page
    page = render_html(JOURNEY, "linear", matters=what_matters([], []), lang="en")
    head = page.split('<section class="what-matters"', 1)[1].split("</header>", 1)[0]
    assert "No finding: nothing in this data stands out" in head
    assert "No earlier measure of the whole data to compare with." in head
