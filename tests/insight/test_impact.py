"""The measured impact of an opportunity done: the measures at its pain points' places, before
and after the day, with intervals that find a real change and no change where there is none."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from parcours.insight.impact import measured_impact
from parcours.model import Journey

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {
                "id": "pay",
                "name": "Pay",
                "touchpoints": [{"id": "form", "name": "Form", "channel": "website"}],
                "pain_points": [{"id": "slow-form", "description": "Slow", "touchpoint": "form"}],
            }
        ],
        "opportunities": [
            {"id": "faster-form", "title": "Faster form", "addresses": ["slow-form"]}
        ],
    }
)
DONE = date(2026, 3, 2)


def _series(measure: str, kind: str, before: float, after: float) -> dict[str, Any]:
    weeks = [DONE + timedelta(weeks=w) for w in range(-8, 8)]
    points = [
        {"start": d.isoformat(), "value": before if d < DONE else after, "n": 200} for d in weeks
    ]
    return {"where": "stages.pay", "measure": measure, "kind": kind, "points": points}


def test_a_real_change_and_no_change() -> None:
    series = [
        _series("customers", "count", 200, 200),
        _series("conversion", "conversion", 0.50, 0.62),
        _series("nps", "nps", 10.0, 10.0),
    ]
    impact = measured_impact(JOURNEY, "faster-form", DONE, series)
    assert impact.pain_points == ("slow-form",)
    by_measure = {k.measure: k for k in impact.kpis}
    assert set(by_measure) == {"conversion", "nps"}  # counts are left out
    conversion = by_measure["conversion"]
    assert (conversion.before.n, conversion.after.n) == (1600, 1600)
    assert conversion.before.value == 0.5 and abs(conversion.change - 0.12) < 1e-9  # type: ignore[operator]
    assert conversion.significant and conversion.change_low > 0  # type: ignore[operator]
    assert not by_measure["nps"].significant and by_measure["nps"].change == 0
    assert impact.to_dict()["kpis"][0]["before"]["n"] == 1600


def test_no_data_after_the_day() -> None:
    impact = measured_impact(
        JOURNEY, "faster-form", date(2027, 1, 1), [_series("conversion", "conversion", 0.5, 0.6)]
    )
    (kpi,) = impact.kpis
    assert kpi.after.value is None and kpi.change is None and not kpi.significant
    assert measured_impact(JOURNEY, "unknown", DONE, []).kpis == ()
