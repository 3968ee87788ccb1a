"""Map drift of the emotion: a touchpoint's designed emotion far from the one its rated answers
measure, on a hand-computed case (exact numbers) and as properties of the rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.engine.binding import Coverage
from parcours.engine.kpis import emotion_of_rating
from parcours.insight.drift import EMOTION_ANSWERS, EMOTION_GAP, drift, emotion_drift
from parcours.insight.findings import Place
from parcours.model import Journey

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {
                "id": "s1",
                "name": "One",
                "emotion": -2,  # stages are judged at their touchpoints
                "touchpoints": [
                    {"id": "t1", "name": "Form <b>", "channel": "website", "emotion": -2},
                    {"id": "t2", "name": "Mail", "channel": "email", "emotion": 0},
                    {"id": "t3", "name": "Call", "channel": "phone"},
                ],
            }
        ],
    }
)
#: 40 CSAT answers at each: ten 5s (+2), twenty 4s (+1), ten 3s (0): a mean of +1.
ANSWERS = [("csat", 5.0, 10), ("csat", 4.0, 20), ("csat", 3.0, 10)]


def test_a_designed_emotion_far_from_the_measured_one_hand_computed() -> None:
    found = emotion_drift(JOURNEY, {"t1": ANSWERS, "t2": ANSWERS, "t3": ANSWERS})
    (finding,) = found  # t2 (designed 0) is 1 point off; t3 has no designed emotion
    assert (finding.kind, finding.where, finding.cost) == ("drift", Place("s1", "t1"), 0.0)
    assert (finding.start, finding.end, finding.segment) == (None, None, None)
    # variance (10 x 1 + 20 x 0 + 10 x 1) / 39, standard error sqrt(variance / 40)
    spread = 1.959963984540054 * math.sqrt(20 / 39 / 40)
    evidence = finding.evidence
    assert evidence["measure"] == "emotion" and evidence["journey"] == "shop"
    assert (evidence["designed"], evidence["measured"], evidence["answers"]) == (-2, 1.0, 40)
    assert evidence["interval"] == [round(1 - spread, 4), round(1 + spread, 4)]
    assert evidence["interval"] == [0.7781, 1.2219]
    assert (evidence["gap"], evidence["score"]) == (3.0, 3.0)
    assert finding.summary["en"] == (
        "The emotion designed at touchpoint “Form <b>” (stage “One”) (−2.0) is far from the one "
        "40 rated answers measure (+1.0, on the −2 to +2 scale): the map no longer tells what "
        "customers feel."
    )
    assert finding.summary["fr"] == (
        "L'émotion prévue au point de contact « Form <b> » (étape « One ») (−2,0) est loin de "
        "celle que mesurent 40 réponses notées (+1,0, sur l'échelle de −2 à +2) : la carte ne "
        "dit plus ce que vivent les clients."
    )


def test_too_few_answers_or_a_small_gap_is_no_drift() -> None:
    few = [("csat", 5.0, EMOTION_ANSWERS - 1)]
    assert emotion_drift(JOURNEY, {"t1": few}) == []
    assert len(emotion_drift(JOURNEY, {"t1": [("csat", 5.0, EMOTION_ANSWERS)]})) == 1
    # an NPS of 0 is −2 on the map's scale: what the payment form was designed to feel
    assert emotion_drift(JOURNEY, {"t1": [("nps", 0.0, 500)]}) == []
    assert emotion_drift(JOURNEY, {"t2": [("nps", 10.0, 500)]}) != []  # +2 against 0
    assert emotion_drift(JOURNEY, {"t2": [("nps", 8.0, 500)]}) == []  # +1.2 against 0


def test_drift_keeps_the_emotion_among_the_others() -> None:
    coverage = Coverage(events=0, bound=0)
    found = drift(JOURNEY, coverage, (), {"t1": ANSWERS})
    assert [f.evidence["measure"] for f in found] == ["emotion"]


RATED = st.lists(
    st.tuples(st.sampled_from(["csat", "nps", "ces", "review"]), st.integers(0, 10)),
    min_size=1,
    max_size=6,
)


def _answers(rated: list[tuple[str, int]], times: int) -> list[tuple[str, float, int]]:
    return [(survey, float(rating), times) for survey, rating in rated]


def _mean(answers: list[tuple[str, float, int]]) -> float:
    total = sum(n for *_, n in answers)
    return sum(emotion_of_rating(s, r) * n for s, r, n in answers) / total


@settings(max_examples=120, deadline=None)
@given(rated=RATED, times=st.integers(1, 200), scale=st.integers(2, 50))
def test_the_rule_as_properties(rated: list[tuple[str, int]], times: int, scale: int) -> None:
    answers = _answers(rated, times)
    mean = _mean(answers)
    for designed in (-2.0, -1.0, 0.0, 1.0, 2.0):
        journey = Journey.model_validate(
            {
                "id": "j",
                "name": "J",
                "stages": [
                    {
                        "id": "s",
                        "name": "S",
                        "touchpoints": [
                            {"id": "t", "name": "T", "channel": "website", "emotion": designed}
                        ],
                    }
                ],
            }
        )
        found = emotion_drift(journey, {"t": answers})
        if abs(mean - designed) < EMOTION_GAP:  # close enough: never drift
            assert found == []
        for finding in found:  # the gap's sign is the measure's side of the design
            assert finding.evidence["gap"] == pytest.approx(mean - designed, abs=1e-4)
        # the same answers, more of them: the mean holds, its interval narrows
        more = emotion_drift(journey, {"t": _answers(rated, times * scale)})
        assert len(more) >= len(found)
