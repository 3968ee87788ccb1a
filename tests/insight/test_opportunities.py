"""Opportunities ranked on the Eisenhower matrix from measures: exact ranks on a hand-made map,
its measures and findings; on the matrix view beside the declared ones, escaped."""

from __future__ import annotations

from datetime import date

import pytest

from parcours.insight.findings import Finding, Insights, Place
from parcours.insight.opportunities import (
    RankedOpportunity,
    last_day,
    rank_opportunities,
)
from parcours.insight.pain_points import proposal_id
from parcours.model import Journey
from parcours.model.measures import Measured, Measures
from parcours.render.html import render_html

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {"id": "s1", "name": "One", "pain_points": [{"id": "p1", "description": "slow"}]},
            {"id": "s2", "name": "Two", "pain_points": [{"id": "p2", "description": "bug"}]},
            {"id": "s3", "name": "Three"},
        ],
        "opportunities": [
            {"id": "o1", "title": "Faster pages", "addresses": ["p1"]},
            {"id": "o2", "title": "Fix the form", "addresses": ["p2"], "importance": 2},
        ],
    }
)
MEASURES = Measures(
    stages={
        "s1": Measured(customers=100, drop_off=0.2),  # 20 customers lost
        "s2": Measured(customers=80, drop_off=0.5),  # 40 lost
    }
)


def _finding(kind: str, stage: str, cost: float, end: date | None, text: str) -> Finding:
    return Finding(
        kind=kind,
        where=Place(stage=stage),
        start=None if end is None else date(2026, 3, 20),
        end=end,
        segment=None,
        cost=cost,
        summary={"en": text, "fr": text},
    )


INCIDENT = _finding("incident", "s2", 30, date(2026, 3, 28), "Payment <i>down</i>")
DRIVER = _finding("failure_driver", "s1", 10, None, "Coupon errors")
DRIFT = _finding("drift", "s3", 99, None, "Unclaimed events")
KPIS = [
    {"where": "stages.s2", "met": False},
    {"where": "stages.s1.touchpoints.t", "met": True},
    {"where": "stages.s3", "met": None},
]


@pytest.fixture(scope="module")
def ranked() -> tuple[RankedOpportunity, ...]:
    found = Insights((INCIDENT, DRIVER, DRIFT)).findings
    return rank_opportunities(
        JOURNEY, MEASURES, findings=found, kpis=KPIS, as_of=date(2026, 3, 31)
    ).items


def test_importance_from_customers_lost_and_kpi_gap_urgency_from_recency(
    ranked: tuple[RankedOpportunity, ...],
) -> None:
    got = {o.id: (o.importance, o.urgency, o.quadrant.value, o.cost) for o in ranked}
    assert got == {
        "o2": (5, 5, "do", 40.0),  # 1 + 4 x 40/40, + 1 missed KPI (capped); incident 3 d ago
        proposal_id(INCIDENT): (5, 5, "do", 30.0),  # 1 + round(3), + 1 missed KPI
        "o1": (3, 1, "plan", 20.0),  # 1 + round(2); only an undated finding, no KPI missed
        proposal_id(DRIVER): (2, 1, "drop", 10.0),  # 1 + round(1)
    }
    assert [o.id for o in ranked] == ["o2", proposal_id(INCIDENT), "o1", proposal_id(DRIVER)]
    o2 = ranked[0]
    assert (o2.origin, o2.stages, o2.kpis_missed, o2.recency_days) == ("designed", ("s2",), 1, 3)
    assert o2.findings == (proposal_id(INCIDENT),)
    assert o2.reason["en"] == (
        "40 customers lost, 1 KPI(s) missing their target, last seen 3 d before the end of the data"
    )
    assert RankedOpportunity.from_dict(o2.to_dict()) == o2


def test_urgency_falls_with_time_and_nothing_measured_ranks_low() -> None:
    def urgency(days: int) -> int:
        end = date(2026, 3, 31)
        old = _finding("incident", "s3", 5, date.fromordinal(end.toordinal() - days), "x")
        bare = Journey(id="j", name="J")
        (item,) = rank_opportunities(bare, Measures(), findings=[old], as_of=end).items
        return item.urgency

    assert [urgency(d) for d in (0, 7, 8, 30, 31, 90, 91)] == [5, 5, 4, 4, 3, 3, 2]
    bare = rank_opportunities(JOURNEY, Measures()).items
    assert {(o.id, o.importance, o.urgency) for o in bare} == {("o1", 1, 1), ("o2", 1, 1)}
    assert last_day("2026-01-07 → 2026-06-23") == date(2026, 6, 23) and last_day(None) is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_matrix_shows_ranked_beside_declared(
    ranked: tuple[RankedOpportunity, ...], lang: str
) -> None:
    page = render_html(JOURNEY, "matrix", opportunities=ranked, lang=lang)
    do = page.split('<section class="quadrant q-do"')[1].split("</section>")[0]
    assert 'data-opportunity="o2" data-origin="designed"' in do
    assert f'data-opportunity="{proposal_id(INCIDENT)}" data-origin="finding"' in do
    assert "Payment &lt;i&gt;down&lt;/i&gt;" in do and "<i>down</i>" not in page
    drop = page.split('<section class="quadrant q-drop"')[1].split("</section>")[0]
    assert proposal_id(DRIVER) in drop
    assert page.count('class="card opportunity measured-opportunity"') == 4
    assert page.count('class="card opportunity"') == 2  # the declared ones, still there
    assert ("Classées d'après les mesures" if lang == "fr" else "Ranked from the measures") in (
        page.replace("&#39;", "'")
    )
