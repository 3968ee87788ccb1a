"""Hypothesis strategies for whole journey maps."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from parcours.model import Journey
from parcours.model.vocabulary import Channel, KpiKind, Lang, Severity

plain = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
texts = plain | st.dictionaries(st.sampled_from(list(Lang)), plain, min_size=1)
emotions = st.none() | st.floats(-2, 2, allow_nan=False)


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    stages: list[dict[str, Any]] = []
    pain_ids: list[str] = []
    for i in range(draw(st.integers(0, 4))):
        touchpoints = [
            {
                "id": f"t{i}-{j}",
                "name": draw(texts),
                "channel": draw(st.sampled_from(list(Channel))),
                "emotion": draw(emotions),
                "kpis": [{"kind": draw(st.sampled_from(list(KpiKind)[:-1])), "target": 1.5}],
            }
            for j in range(draw(st.integers(0, 3)))
        ]
        pains = [
            {
                "id": f"p{i}-{k}",
                "description": draw(texts),
                "severity": draw(st.sampled_from(list(Severity))),
                "touchpoint": touchpoints[0]["id"] if touchpoints else None,
            }
            for k in range(draw(st.integers(0, 2)))
        ]
        pain_ids += [p["id"] for p in pains]
        stages.append(
            {
                "id": f"s{i}",
                "name": draw(texts),
                "emotion": draw(emotions),
                "needs": draw(st.lists(texts, max_size=2)),
                "empathy": {"sees": draw(st.lists(texts, max_size=2))},
                "touchpoints": touchpoints,
                "pain_points": pains,
            }
        )
    opportunities = [
        {
            "id": f"o{n}",
            "title": draw(texts),
            "addresses": draw(st.lists(st.sampled_from(pain_ids), unique=True)) if pain_ids else [],
            "importance": draw(st.none() | st.integers(1, 5)),
            "urgency": draw(st.none() | st.integers(1, 5)),
        }
        for n in range(draw(st.integers(0, 3)))
    ]
    return Journey.model_validate(
        {
            "id": "j",
            "name": draw(texts),
            "language": draw(st.sampled_from(list(Lang))),
            "objectives": draw(st.lists(texts, max_size=2)),
            "stages": stages,
            "opportunities": opportunities,
        }
    )
